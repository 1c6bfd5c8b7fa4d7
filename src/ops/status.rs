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
    let generated = check_against_pack(&lock, shell)?;
    let changes = project::changes(&root, &lock, &generated)?;
    let newer = newer_known(&lock, shell);
    Ok(StatusReport {
        root,
        lock,
        changes,
        newer,
    })
}

/// Verifies the lock against the pack it names, as every other command does: the pack exists in
/// that version with that checksum, and the options are ones it accepts. A git pack that is not
/// cached cannot be checked without the network, which `fb status` never uses: it says so.
/// Returns the paths of the pack's generated files (none when the pack could not be loaded).
fn check_against_pack(lock: &Lock, shell: &crate::ui::Shell) -> Result<Vec<String>> {
    let pack = match crate::source::load_locked(&lock.pack, true, shell) {
        Ok(pack) => pack,
        Err(e) if e.downcast_ref::<crate::source::NotCached>().is_some() => {
            let missing = e
                .downcast_ref::<crate::source::NotCached>()
                .expect("checked above");
            shell.warn(format!(
                "pack `{}` {} from `{}` is not in fb's cache, and `fb status` never fetches: the lockfile was not checked against it (`fb update --check` fetches and caches it)",
                missing.name, missing.version, missing.url
            ));
            return Ok(Vec::new());
        }
        Err(e) => {
            return Err(e.context(format!(
                "cannot use pack `{}` {} recorded in the lockfile",
                crate::limits::quote(&lock.pack.name),
                crate::limits::quote(&lock.pack.version)
            )));
        }
    };
    crate::pack::options::check_recorded(&pack.manifest, &lock.options)?;
    Ok(pack
        .manifest
        .generated
        .iter()
        .map(|g| g.path.clone())
        .collect())
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
