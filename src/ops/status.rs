//! `fb status`: which pack made the project, with which options, and what the user changed since.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::lock::{LOCK_FILE, Lock};
use crate::project::{self, Changes};

pub struct StatusReport {
    pub root: PathBuf,
    pub lock: Lock,
    pub changes: Changes,
    /// A newer release of the pack that fb already knows of (from its cache; no network).
    pub newer: Option<semver::Version>,
}

pub fn run(start: &Path, shell: &crate::ui::Shell) -> Result<StatusReport> {
    let root = project::find_root(start)?;
    super::change::recover(&root, shell)?;
    let lock = Lock::read(&root.join(LOCK_FILE))?;
    let changes = project::changes(&root, &lock)?;
    let newer = newer_known(&lock, shell);
    Ok(StatusReport {
        root,
        lock,
        changes,
        newer,
    })
}

/// The newest cached release newer than the locked version, if any; never an error.
fn newer_known(lock: &Lock, shell: &crate::ui::Shell) -> Option<semver::Version> {
    let current = semver::Version::parse(&lock.pack.version).ok()?;
    let source = crate::source::PackSource::from_lock_string(&lock.pack.source).ok()?;
    crate::source::versions(&source, true, shell)
        .ok()?
        .into_iter()
        .filter(|v| v.pre.is_empty() && *v > current)
        .max()
}
