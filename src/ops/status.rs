//! `fb status`: which pack made the project, with which options, and what the user changed since.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::lock::{LOCK_FILE, Lock};
use crate::project::{self, Changes};

pub struct StatusReport {
    pub root: PathBuf,
    pub lock: Lock,
    pub changes: Changes,
}

pub fn run(start: &Path, shell: &crate::ui::Shell) -> Result<StatusReport> {
    let root = project::find_root(start)?;
    super::change::recover(&root, shell)?;
    let lock = Lock::read(&root.join(LOCK_FILE))?;
    let changes = project::changes(&root, &lock)?;
    Ok(StatusReport {
        root,
        lock,
        changes,
    })
}
