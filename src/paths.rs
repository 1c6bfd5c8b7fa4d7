//! The one gate for every path fb reads or writes inside a project.
//!
//! Paths come from a pack (what it renders), from the lockfile (`[files]`), from fb's own journal,
//! and from fb itself (`FILE.fb-new`). Each is checked here, before anything is read or written:
//! relative, `/`-separated and normalised (no empty, `.` or `..` segments), free of characters
//! that mean something else on some system, and not one of the names fb keeps for itself. On disk,
//! [`Root::locate`] then refuses any symlink on the way, so a path that passed the text check can
//! never lead out of the project through a link: fb never follows a symlink inside a project.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The lockfile, at the project root: fb writes it, a pack never does.
pub const LOCK_FILE: &str = "fastapi-builder.lock";
/// The directory in a project where a transaction stages its files and keeps its journal.
pub const TRANSACTION_DIR: &str = ".fb-transaction";
/// What a finished transaction's directory is renamed to before it is removed.
pub const TRANSACTION_DONE_DIR: &str = ".fb-transaction.done";
/// The prefix of the staging directory `fb new` writes beside its target.
pub const STAGING_PREFIX: &str = ".fb-tmp-";
/// The suffix of the template's copy of a binary file both sides changed.
pub const FB_NEW_SUFFIX: &str = ".fb-new";

/// The longest path fb accepts, in bytes, and the longest segment (what file systems allow).
const MAX_PATH_BYTES: usize = 4096;
const MAX_SEGMENT_BYTES: usize = 255;

/// Where a path comes from, which decides the names it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Rendered by a pack: none of fb's own names.
    Pack,
    /// A `[files]` key of the lockfile: what a pack rendered, so the same rules.
    Lock,
    /// fb's own writes (its journal): the lockfile and `.fb-new` copies too.
    Fb,
}

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("`{0}` is not a relative path inside the project")]
    NotRelative(String),
    #[error(
        "`{0}` is not a normalised path inside the project (it has an empty, `.` or `..` segment)"
    )]
    NotNormal(String),
    #[error("`{path}` holds {what}, which fb does not allow in a file name")]
    BadCharacter { path: String, what: String },
    #[error("`{0}` is longer than a file system allows")]
    TooLong(String),
    #[error("`{path}` is a name fb keeps for itself ({why})")]
    Reserved { path: String, why: &'static str },
    #[error(
        "`{path}` goes through the symlink `{link}`, and fb never follows symlinks in a project: replace the link with what it points to"
    )]
    Symlink { path: String, link: String },
}

/// Checks `path` as a project path from `origin`; see the module documentation for the rules.
pub fn check(path: &str, origin: Origin) -> Result<(), PathError> {
    let shown = || crate::limits::quote(path);
    if path.len() > MAX_PATH_BYTES {
        return Err(PathError::TooLong(shown()));
    }
    if path.is_empty() || path.starts_with('/') {
        return Err(PathError::NotRelative(shown()));
    }
    if let Some(c) = path
        .chars()
        .find(|&c| matches!(c, '\\' | ':') || c.is_control())
    {
        let what = match c {
            '\\' => "a backslash".to_string(),
            ':' => "a colon".to_string(),
            '\0' => "a NUL byte".to_string(),
            c => format!("the control character {c:?}"),
        };
        return Err(PathError::BadCharacter {
            path: shown(),
            what,
        });
    }
    let segments: Vec<&str> = path.split('/').collect();
    for segment in &segments {
        if segment.is_empty() || *segment == "." || *segment == ".." {
            return Err(PathError::NotNormal(shown()));
        }
        if segment.len() > MAX_SEGMENT_BYTES {
            return Err(PathError::TooLong(shown()));
        }
        // Case-insensitive file systems (macOS, Windows) take `.GIT` for `.git`.
        if segment.eq_ignore_ascii_case(".git") {
            return Err(PathError::Reserved {
                path: shown(),
                why: "git's own directory",
            });
        }
    }
    let first = segments[0].to_ascii_lowercase();
    if first.starts_with(TRANSACTION_DIR) || first.starts_with(STAGING_PREFIX) {
        return Err(PathError::Reserved {
            path: shown(),
            why: "fb's transaction and staging directories",
        });
    }
    if origin != Origin::Fb {
        if first == LOCK_FILE {
            return Err(PathError::Reserved {
                path: shown(),
                why: "fb writes the lockfile itself",
            });
        }
        if path.to_ascii_lowercase().ends_with(FB_NEW_SUFFIX) {
            return Err(PathError::Reserved {
                path: shown(),
                why: "fb writes `.fb-new` copies beside files with binary conflicts",
            });
        }
    }
    Ok(())
}

/// A relative file system path as a project path (`/`-separated); `None` when a component is not
/// UTF-8. Backslashes are left as they are, for [`check`] to refuse: on Unix they are part of a
/// name, and turning them into `/` would name another file.
pub fn from_relative(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// The first pair of paths where one lies inside the other (`a` and `a/b`), which no file system
/// can hold together: `(file, path inside it)`.
pub fn nested_pair<V>(files: &std::collections::BTreeMap<String, V>) -> Option<(&str, &str)> {
    for path in files.keys() {
        let mut prefix = path.as_str();
        while let Some((parent, _)) = prefix.rsplit_once('/') {
            if let Some((file, _)) = files.get_key_value(parent) {
                return Some((file.as_str(), path.as_str()));
            }
            prefix = parent;
        }
    }
    None
}

/// What is on disk at a project path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Missing,
    File,
    Dir,
    /// Something else: a socket, a FIFO, a device.
    Other,
    /// A proper prefix of the path is a file, so the path cannot exist (`a` is a file, `a/b` asked).
    BehindFile(String),
}

/// A project root on disk, the only way fb turns a project path into a file system path.
#[derive(Debug, Clone)]
pub struct Root {
    path: PathBuf,
}

impl Root {
    /// `path` should be canonical (as `project::find_root` returns it).
    pub fn new(path: impl Into<PathBuf>) -> Root {
        Root { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where `rel` is on disk and what is there, after checking it with [`check`] and refusing
    /// any symlink on the way (the path itself included).
    pub fn locate(&self, rel: &str, origin: Origin) -> Result<(PathBuf, Entry), PathError> {
        check(rel, origin)?;
        let mut full = self.path.clone();
        let segments: Vec<&str> = rel.split('/').collect();
        for (i, segment) in segments.iter().enumerate() {
            full.push(segment);
            let last = i + 1 == segments.len();
            let meta = match fs::symlink_metadata(&full) {
                Ok(meta) => meta,
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    for rest in &segments[i + 1..] {
                        full.push(rest);
                    }
                    return Ok((full, Entry::Missing));
                }
                // A permission error and the like: let the reader or writer report it.
                Err(_) => {
                    for rest in &segments[i + 1..] {
                        full.push(rest);
                    }
                    return Ok((full, Entry::Other));
                }
            };
            if meta.file_type().is_symlink() {
                return Err(PathError::Symlink {
                    path: rel.to_string(),
                    link: segments[..=i].join("/"),
                });
            }
            if last {
                let entry = if meta.is_file() {
                    Entry::File
                } else if meta.is_dir() {
                    Entry::Dir
                } else {
                    Entry::Other
                };
                return Ok((full, entry));
            }
            if !meta.is_dir() {
                let prefix = segments[..=i].join("/");
                for rest in &segments[i + 1..] {
                    full.push(rest);
                }
                return Ok((full, Entry::BehindFile(prefix)));
            }
        }
        unreachable!("a checked path has at least one segment")
    }

    /// The content of the file at `rel`, `None` when there is none. A directory counts as no
    /// file (whether a file may replace it is for [`crate::apply::check_ops`] to decide); a
    /// special file is an error that names the path.
    pub fn read(&self, rel: &str, origin: Origin) -> anyhow::Result<Option<Vec<u8>>> {
        use anyhow::Context;
        let (full, entry) = self.locate(rel, origin)?;
        match entry {
            Entry::Missing | Entry::BehindFile(_) | Entry::Dir => Ok(None),
            Entry::File => fs::read(&full)
                .map(Some)
                .with_context(|| format!("cannot read `{}`", full.display())),
            Entry::Other => anyhow::bail!(
                "`{rel}` is not a regular file (a socket, a pipe or unreadable): move it away and run the command again"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_paths() {
        for p in [
            "a",
            "app/main.py",
            ".env.example",
            ".github/workflows/ci.yml",
            "a/.gitignore",
        ] {
            check(p, Origin::Pack).unwrap();
        }
        check(LOCK_FILE, Origin::Fb).unwrap();
        check("logo.png.fb-new", Origin::Fb).unwrap();
    }

    #[test]
    fn refuses_escapes_and_odd_names() {
        for p in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            ".",
            "..",
            "a\\b",
            "c:x",
            "a\0b",
            "a\nb",
            "x\u{7f}",
        ] {
            assert!(check(p, Origin::Fb).is_err(), "{p:?}");
        }
        assert!(matches!(
            check(&"a/".repeat(3000), Origin::Pack),
            Err(PathError::TooLong(_))
        ));
        assert!(matches!(
            check(&"a".repeat(300), Origin::Pack),
            Err(PathError::TooLong(_))
        ));
    }

    #[test]
    fn refuses_reserved_names() {
        for p in [
            ".git",
            ".git/config",
            "sub/.git/hooks/pre-commit",
            ".GIT/config",
            ".fb-transaction/journal",
            ".fb-transaction",
            ".FB-Transaction/0",
            ".fb-transaction.done/x",
            ".fb-tmp-demo-1/x",
        ] {
            assert!(
                matches!(check(p, Origin::Fb), Err(PathError::Reserved { .. })),
                "{p}"
            );
        }
        for p in [LOCK_FILE, "fastapi-builder.lock/x", "logo.png.fb-new"] {
            assert!(check(p, Origin::Pack).is_err(), "{p}");
            assert!(check(p, Origin::Lock).is_err(), "{p}");
        }
    }

    proptest::proptest! {
        /// Whatever string passes the gate stays inside the root when joined to it, lexically:
        /// every component is a plain name, none is git's or fb's, and it reads back the same.
        #[test]
        fn what_passes_the_gate_stays_inside(
            path in "([a-zA-Z./\\\\:\\-_ ]|\\.\\.|\\.git|\\.fb-transaction|\\.fb-tmp-|fastapi-builder\\.lock|\\x00|\\n|é){0,12}"
        ) {
            if check(&path, Origin::Pack).is_ok() {
                let root = Path::new("/project");
                let joined = root.join(&path);
                let rest: Vec<_> = joined.strip_prefix(root).unwrap().components().collect();
                proptest::prop_assert_eq!(rest.len(), path.split('/').count());
                for c in rest {
                    let std::path::Component::Normal(name) = c else {
                        return Err(proptest::test_runner::TestCaseError::fail(format!("{path:?}: {c:?}")));
                    };
                    let name = name.to_str().unwrap().to_ascii_lowercase();
                    proptest::prop_assert!(name != ".git" && name != "..", "{path:?}");
                }
                let first = path.split('/').next().unwrap().to_ascii_lowercase();
                proptest::prop_assert!(!first.starts_with(".fb-") && first != LOCK_FILE, "{path:?}");
                proptest::prop_assert_eq!(from_relative(Path::new(&path)), Some(path.clone()));
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn never_goes_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("file")).unwrap();
        let root = Root::new(dir.path());
        for p in ["link/secret", "link/new", "file"] {
            let err = root.locate(p, Origin::Fb).unwrap_err();
            assert!(matches!(err, PathError::Symlink { .. }), "{p}: {err}");
        }
        std::fs::write(dir.path().join("plain"), "x").unwrap();
        assert_eq!(root.locate("plain", Origin::Fb).unwrap().1, Entry::File);
        assert_eq!(
            root.locate("plain/under", Origin::Fb).unwrap().1,
            Entry::BehindFile("plain".into())
        );
        assert_eq!(root.locate("none/x", Origin::Fb).unwrap().1, Entry::Missing);
        assert_eq!(root.read("none", Origin::Fb).unwrap(), None);
    }
}
