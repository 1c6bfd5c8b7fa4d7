//! A project on disk: finding its root (the directory holding the lockfile) and comparing its
//! files with the pristine render the lock records.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::hash::sha256_tagged;
use crate::lock::{LOCK_FILE, Lock};
use crate::paths::{Entry, Origin, PathError, Root};

/// Walks up from `start` to the nearest directory that holds a lockfile.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = start
        .canonicalize()
        .with_context(|| format!("cannot open `{}`", start.display()))?;
    for dir in start.ancestors() {
        if dir.join(LOCK_FILE).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "could not find `{LOCK_FILE}` in `{}` or any parent directory: run this inside a project made by `fb new`",
        start.display()
    )
}

/// How the files on disk differ from the recorded render.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub modified: Vec<String>,
    pub deleted: Vec<String>,
    pub added: Vec<String>,
    /// Files that still hold conflict markers (a subset of modified or added).
    pub conflicted: Vec<String>,
}

impl Changes {
    pub fn is_clean(&self) -> bool {
        self.modified.is_empty() && self.deleted.is_empty() && self.added.is_empty()
    }
}

/// Compares the project at `root` with `lock`. Added files are those git would see: `.gitignore`d
/// files (a virtualenv, caches, databases) and `.git` are left out, and so are the pack's
/// `generated` files (`uv.lock`), which commands re-create rather than users write.
pub fn changes(root: &Path, lock: &Lock, generated: &[String]) -> Result<Changes> {
    let mut changes = Changes::default();
    let gate = Root::new(root);
    let generated = |path: &str| generated.iter().any(|g| g == path);
    for (path, recorded) in lock.files.iter().filter(|(p, _)| !generated(p)) {
        // A symlink (on the way or at the path) is never followed: it is not the file fb wrote.
        let entry = match gate.locate(path, Origin::Lock) {
            Ok((full, entry)) => Some((full, entry)),
            Err(PathError::Symlink { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        match entry {
            Some((full, Entry::File)) => {
                let bytes = std::fs::read(&full)
                    .with_context(|| format!("cannot read `{}`", full.display()))?;
                if &sha256_tagged(&bytes) != recorded {
                    if has_conflict_markers(&bytes) {
                        changes.conflicted.push(path.clone());
                    }
                    changes.modified.push(path.clone());
                }
            }
            Some((_, Entry::Missing | Entry::BehindFile(_))) => changes.deleted.push(path.clone()),
            Some((_, Entry::Dir | Entry::Other)) | None => changes.modified.push(path.clone()),
        }
    }
    for path in project_files(root)? {
        if !lock.files.contains_key(&path) && path != LOCK_FILE && !generated(&path) {
            let bytes =
                std::fs::read(root.join(&path)).with_context(|| format!("cannot read `{path}`"))?;
            if has_conflict_markers(&bytes) {
                changes.conflicted.push(path.clone());
            }
            changes.added.push(path);
        }
    }
    changes.conflicted.sort();
    Ok(changes)
}

/// Every file of the project that git would track, relative to `root`, sorted.
pub fn project_files(root: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .git_global(false)
        .parents(false)
        // fb's own transaction directories are not the user's files.
        .filter_entry(|e| {
            e.file_name() != ".git"
                && !(e.depth() == 1
                    && e.file_name()
                        .to_str()
                        .is_some_and(|n| n.starts_with(crate::paths::TRANSACTION_DIR)))
        })
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry =
            entry.with_context(|| format!("cannot list the files of `{}`", root.display()))?;
        if entry.file_type().is_some_and(|t| t.is_file()) {
            let rel = entry
                .path()
                .strip_prefix(root)
                .expect("walker stays under root");
            // A name that is not UTF-8 cannot be one fb wrote: it is not listed as added.
            if let Some(rel) = crate::paths::from_relative(rel) {
                files.push(rel);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// True when a file holds a whole conflict block: a `<<<<<<<` line followed by a `>>>>>>>` line.
pub fn has_conflict_markers(bytes: &[u8]) -> bool {
    let mut open = false;
    for line in bytes.split(|&b| b == b'\n') {
        if line.starts_with(b"<<<<<<<") {
            open = true;
        } else if open && line.starts_with(b">>>>>>>") {
            return true;
        }
    }
    false
}

/// The files of a render, hashed as the lock records them.
pub fn hashes(tree: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    tree.iter()
        .map(|(path, bytes)| (path.clone(), sha256_tagged(bytes)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_markers_need_a_whole_block() {
        assert!(has_conflict_markers(
            b"a\n<<<<<<< yours\nx\n=======\ny\n>>>>>>> theirs\n"
        ));
        assert!(!has_conflict_markers(b"<<<<<<< only an opening\n"));
        assert!(!has_conflict_markers(b"Title\n=======\n"));
    }
}
