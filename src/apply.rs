//! Applying a planned change to disk as a transaction. A new project is written into a hidden
//! temporary directory beside its target and renamed into place, so an error or a Ctrl-C never
//! leaves a half-written project.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};

/// Set by the Ctrl-C handler while a transaction runs; checked between file writes.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// True while a transaction runs, so the Ctrl-C handler defers to it instead of exiting.
static IN_TRANSACTION: AtomicBool = AtomicBool::new(false);

/// Installs fb's Ctrl-C handling: outside a transaction fb exits at once (status 130); inside one
/// it finishes or rolls back first.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        if IN_TRANSACTION.load(Ordering::SeqCst) {
            INTERRUPTED.store(true, Ordering::SeqCst);
        } else {
            let _ = console::Term::stderr().show_cursor();
            std::process::exit(130);
        }
    });
}

struct TransactionGuard;

impl TransactionGuard {
    fn begin() -> TransactionGuard {
        INTERRUPTED.store(false, Ordering::SeqCst);
        IN_TRANSACTION.store(true, Ordering::SeqCst);
        TransactionGuard
    }

    fn check(&self) -> Result<()> {
        if INTERRUPTED.load(Ordering::SeqCst) {
            bail!("interrupted: nothing was written");
        }
        Ok(())
    }
}

impl Drop for TransactionGuard {
    fn drop(&mut self) {
        IN_TRANSACTION.store(false, Ordering::SeqCst);
    }
}

/// Fails unless `target` is missing or an empty directory.
pub fn check_new_target(target: &Path) -> Result<()> {
    match std::fs::read_dir(target) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "destination `{}` already exists and is not empty: pick another name or `--path`, or use `fb update`/`fb upgrade` in an existing project",
                    target.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if target.exists() => bail!(
            "destination `{}` exists and is not a directory",
            target.display()
        ),
        Err(e) => Err(e).with_context(|| format!("cannot read `{}`", target.display())),
    }
}

/// Writes `files` as a new directory `target` (missing or empty): all of them, or none.
pub fn create_tree(target: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    check_new_target(target)?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create `{}`", parent.display()))?;
    let guard = TransactionGuard::begin();
    let staging = tempfile::Builder::new()
        .prefix(".fb-tmp-")
        .tempdir_in(&parent)
        .with_context(|| {
            format!(
                "cannot create a temporary directory in `{}`",
                parent.display()
            )
        })?;
    for (path, bytes) in files {
        guard.check()?;
        let dest = staging.path().join(path);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
        }
        std::fs::write(&dest, bytes)
            .with_context(|| format!("cannot write `{}`", dest.display()))?;
    }
    guard.check()?;
    // An empty target directory is replaced by the rename; a missing one is created by it.
    std::fs::rename(staging.path(), target)
        .with_context(|| format!("cannot move the new project to `{}`", target.display()))?;
    // The staging directory now is the project: keep it.
    let _ = staging.keep();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_all_files_or_refuses() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("a/b/project");
        let files: BTreeMap<String, Vec<u8>> = [("x/y.txt".to_string(), b"hi".to_vec())].into();
        create_tree(&target, &files).unwrap();
        assert_eq!(std::fs::read(target.join("x/y.txt")).unwrap(), b"hi");
        let err = create_tree(&target, &files).unwrap_err().to_string();
        assert!(err.contains("not empty"), "{err}");
        // Nothing but the project is left beside it.
        let siblings: Vec<_> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(siblings.len(), 1);
    }

    #[test]
    fn an_empty_directory_is_filled() {
        let tmp = tempfile::tempdir().unwrap();
        let files: BTreeMap<String, Vec<u8>> = [("a".to_string(), b"1".to_vec())].into();
        create_tree(tmp.path(), &files).unwrap();
        assert!(tmp.path().join("a").is_file());
    }
}
