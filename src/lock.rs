//! `fastapi-builder.lock`: which pack, version and options made a project, and the sha256 of every
//! file of the pristine render. Written with toml_edit in a fixed key order so it diffs cleanly.
//!
//! Format policy: `version` is the format version. This fb reads and writes version 1; a lock
//! with a newer version is refused with a message to upgrade fb, never guessed at.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use indexmap::IndexMap;
use toml_edit::{Array, DocumentMut, Item, Table, Value, value};

use crate::hash::is_tagged_sha256;
use crate::pack::value::OptValue;

pub use crate::paths::LOCK_FILE;
pub const LOCK_VERSION: i64 = 1;
/// The longest name, source or version a lock may hold (a URL or a path, at most).
const MAX_FIELD_CHARS: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// The project name the pack was rendered with (`my-shop`), so a re-render reproduces it.
    pub project: String,
    pub pack: LockedPack,
    pub options: IndexMap<String, OptValue>,
    /// Path → `sha256:` of the file as the pack rendered it.
    pub files: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedPack {
    pub name: String,
    pub source: String,
    pub version: String,
    /// The exact commit rendered, for git sources.
    pub commit: Option<String>,
    pub checksum: String,
}

/// Why a lockfile could not be read; each case has its own message and remedy.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("`{LOCK_FILE}` is malformed: {0}; restore it from version control or fix it by hand")]
    Malformed(String),
    #[error(
        "`{LOCK_FILE}` was written by a newer fb (lock format {found}; this fb reads format {LOCK_VERSION}): upgrade fb to a version that reads it"
    )]
    NewerVersion { found: i64 },
}

impl Lock {
    /// The lockfile text, byte-for-byte the same for the same lock.
    pub fn to_toml(&self) -> String {
        let mut doc = DocumentMut::new();
        doc.decor_mut()
            .set_prefix("# Written by fb. Do not edit by hand.\n");
        doc.insert("version", value(LOCK_VERSION));

        let mut project = Table::new();
        project.insert("name", value(&self.project));
        doc.insert("project", Item::Table(project));

        let mut pack = Table::new();
        pack.insert("name", value(&self.pack.name));
        pack.insert("source", value(&self.pack.source));
        pack.insert("version", value(&self.pack.version));
        if let Some(commit) = &self.pack.commit {
            pack.insert("commit", value(commit));
        }
        pack.insert("checksum", value(&self.pack.checksum));
        doc.insert("pack", Item::Table(pack));

        let mut options = Table::new();
        for (k, v) in &self.options {
            options.insert(k, Item::Value(to_toml_value(v)));
        }
        doc.insert("options", Item::Table(options));

        let mut files = Table::new();
        for (path, hash) in &self.files {
            files.insert(path, value(hash));
        }
        doc.insert("files", Item::Table(files));
        doc.to_string()
    }

    pub fn parse(text: &str) -> Result<Lock, LockError> {
        let malformed = |m: String| LockError::Malformed(m);
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            malformed(crate::limits::describe_toml_error(
                text,
                e.message(),
                e.span(),
            ))
        })?;
        let version = doc
            .get("version")
            .ok_or_else(|| malformed("it has no `version`".into()))?;
        let version = version
            .as_integer()
            .ok_or_else(|| malformed("`version` is not a number".into()))?;
        if version > LOCK_VERSION {
            return Err(LockError::NewerVersion { found: version });
        }
        if version < 1 {
            return Err(malformed(format!(
                "`version = {version}` is not a lock format"
            )));
        }
        for key in doc.as_table().iter().map(|(k, _)| k) {
            if !["version", "project", "pack", "options", "files"].contains(&key) {
                return Err(malformed(format!("unknown key `{}`", quote(key))));
            }
        }
        let table = |name: &str| {
            doc.get(name)
                .and_then(Item::as_table)
                .ok_or_else(|| malformed(format!("it has no `[{name}]` table")))
        };
        let project = table("project")?
            .get("name")
            .and_then(Item::as_str)
            .ok_or_else(|| malformed("`project.name` is missing or not a string".into()))?
            .to_string();
        if project.len() > MAX_FIELD_CHARS || project.contains(char::is_control) {
            return Err(malformed(format!(
                "`project.name` is not a name fb wrote (`{}`)",
                quote(&project)
            )));
        }
        let pack = table("pack")?;
        let pack_str = |key: &str| -> Result<String, LockError> {
            let value = pack
                .get(key)
                .and_then(Item::as_str)
                .ok_or_else(|| malformed(format!("`pack.{key}` is missing or not a string")))?;
            if value.len() > MAX_FIELD_CHARS || value.contains(char::is_control) {
                return Err(malformed(format!(
                    "`pack.{key}` is not a value fb wrote (`{}`)",
                    quote(value)
                )));
            }
            Ok(value.to_string())
        };
        let locked = LockedPack {
            name: pack_str("name")?,
            source: pack_str("source")?,
            version: pack_str("version")?,
            commit: pack.get("commit").map(|_| pack_str("commit")).transpose()?,
            checksum: pack_str("checksum")?,
        };
        // The commit names a directory of fb's cache: only a git object id may go there.
        if let Some(commit) = &locked.commit
            && !(matches!(commit.len(), 40 | 64) && commit.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(malformed(format!(
                "`pack.commit` is not a git commit id (`{}`)",
                quote(commit)
            )));
        }
        if !is_tagged_sha256(&locked.checksum) {
            return Err(malformed("`pack.checksum` is not a sha256".into()));
        }
        let mut options = IndexMap::new();
        for (k, item) in table("options")? {
            if !crate::names::is_snake_identifier(k) {
                return Err(malformed(format!("`{}` is not an option name", quote(k))));
            }
            let v = item
                .as_value()
                .and_then(from_toml_value)
                .ok_or_else(|| malformed(format!("option `{k}` has a value of an unknown kind")))?;
            let strings: Vec<&str> = match &v {
                OptValue::Str(s) => vec![s.as_str()],
                OptValue::List(items) => items.iter().map(String::as_str).collect(),
                _ => vec![],
            };
            if let Some(bad) = strings
                .iter()
                .find(|s| s.len() > MAX_FIELD_CHARS || s.contains(char::is_control))
            {
                return Err(malformed(format!(
                    "option `{k}` has a value fb did not write (`{}`)",
                    quote(bad)
                )));
            }
            options.insert(k.to_string(), v);
        }
        let mut files = BTreeMap::new();
        for (path, item) in table("files")? {
            // The lock names files fb reads and writes: the same gate as a pack's paths.
            crate::paths::check(path, crate::paths::Origin::Lock)
                .map_err(|e| malformed(format!("the `[files]` entry {e}")))?;
            let hash = item
                .as_str()
                .filter(|h| is_tagged_sha256(h))
                .ok_or_else(|| malformed(format!("the hash of `{path}` is not a sha256")))?;
            files.insert(path.to_string(), hash.to_string());
        }
        Ok(Lock {
            project,
            pack: locked,
            options,
            files,
        })
    }

    pub fn read(path: &Path) -> Result<Lock> {
        let context = || format!("cannot use the lockfile `{}`", path.display());
        let meta = std::fs::symlink_metadata(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        if !meta.is_file() {
            // A link could make fb read (and quote) a file outside the project.
            return Err(anyhow!(LockError::Malformed(
                "it is not a regular file (a symlink?)".into()
            )))
            .with_context(context);
        }
        crate::limits::check_size("it", meta.len(), crate::limits::MAX_LOCK_BYTES)
            .map_err(|e| anyhow!(LockError::Malformed(e.to_string())))
            .with_context(context)?;
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow!(LockError::Malformed("it is not UTF-8 text".into())))
            .with_context(context)?;
        Lock::parse(&text).map_err(|e| anyhow!(e).context(context()))
    }
}

fn quote(s: &str) -> String {
    crate::limits::quote(s)
}

fn to_toml_value(v: &OptValue) -> Value {
    match v {
        OptValue::Bool(b) => Value::from(*b),
        OptValue::Int(i) => Value::from(*i),
        OptValue::Str(s) => Value::from(s.as_str()),
        OptValue::List(items) => Value::Array(items.iter().map(String::as_str).collect::<Array>()),
    }
}

fn from_toml_value(v: &Value) -> Option<OptValue> {
    Some(match v {
        Value::Boolean(b) => OptValue::Bool(*b.value()),
        Value::Integer(i) => OptValue::Int(*i.value()),
        Value::String(s) => OptValue::Str(s.value().clone()),
        Value::Array(items) => OptValue::List(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lock {
        let h = crate::hash::sha256_tagged(b"x");
        Lock {
            project: "demo".into(),
            pack: LockedPack {
                name: "fastapi".into(),
                source: "builtin".into(),
                version: "0.1.0".into(),
                commit: None,
                checksum: h.clone(),
            },
            options: [
                ("level".to_string(), OptValue::Int(2)),
                ("db".to_string(), OptValue::Str("sqlite".into())),
                ("features".to_string(), OptValue::List(vec![])),
            ]
            .into_iter()
            .collect(),
            files: [
                ("app/main.py".to_string(), h.clone()),
                ("README.md".to_string(), h),
            ]
            .into(),
        }
    }

    #[test]
    fn writes_the_documented_layout() {
        let text = sample().to_toml();
        let h = crate::hash::sha256_tagged(b"x");
        let expected = format!(
            "# Written by fb. Do not edit by hand.\nversion = 1\n\n[project]\nname = \"demo\"\n\n[pack]\nname = \"fastapi\"\nsource = \"builtin\"\nversion = \"0.1.0\"\nchecksum = \"{h}\"\n\n[options]\nlevel = 2\ndb = \"sqlite\"\nfeatures = []\n\n[files]\n\"README.md\" = \"{h}\"\n\"app/main.py\" = \"{h}\"\n"
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn round_trips() {
        let lock = sample();
        assert_eq!(Lock::parse(&lock.to_toml()).unwrap(), lock);
    }

    #[test]
    fn malformed_and_newer_locks_have_their_own_messages() {
        let err = Lock::parse("version = [").unwrap_err();
        assert!(matches!(err, LockError::Malformed(_)), "{err}");
        let err = Lock::parse("[pack]\nname = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("no `version`"), "{err}");
        let err =
            Lock::parse(&sample().to_toml().replace("version = 1", "version = 7")).unwrap_err();
        assert!(matches!(err, LockError::NewerVersion { found: 7 }));
        assert!(err.to_string().contains("upgrade fb"));
        let err = Lock::parse(&sample().to_toml().replace("sha256:", "md5:")).unwrap_err();
        assert!(err.to_string().contains("not a sha256"), "{err}");
    }

    #[test]
    fn file_entries_go_through_the_path_gate() {
        for key in [
            "../../x",
            "/etc/hostname",
            ".git/config",
            ".fb-transaction/journal",
            "fastapi-builder.lock",
            "a//b",
        ] {
            let text = sample()
                .to_toml()
                .replace("\"README.md\"", &format!("\"{key}\""));
            let err = Lock::parse(&text).unwrap_err().to_string();
            assert!(
                err.contains("malformed") && err.contains(key),
                "{key}: {err}"
            );
        }
    }

    #[test]
    fn errors_quote_little_of_a_huge_input() {
        let text = format!("version = 1\n[project]\nname = \"{}", "x".repeat(40 << 20));
        let err = Lock::parse(&text).unwrap_err().to_string();
        assert!(err.len() < 600, "{} bytes: {}", err.len(), &err[..600]);
        assert!(err.contains("line 3, column"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }
}
