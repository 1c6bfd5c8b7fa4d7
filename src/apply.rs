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

/// A new file that starts with `#!` is a script: make it executable, as its author meant. fb reads
/// no file modes from packs (the built-in one is embedded without them), so one rule serves every
/// source.
fn make_scripts_executable(path: &Path, bytes: &[u8]) -> Result<()> {
    #[cfg(unix)]
    if bytes.starts_with(b"#!") {
        use std::os::unix::fs::PermissionsExt;
        let mut permissions = std::fs::metadata(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?
            .permissions();
        // Execute for whoever may read it, as `chmod +x` does under the usual umask.
        permissions.set_mode(permissions.mode() | ((permissions.mode() & 0o444) >> 2));
        std::fs::set_permissions(path, permissions)
            .with_context(|| format!("cannot make `{}` executable", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = (path, bytes);
    Ok(())
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
        make_scripts_executable(&dest, bytes)?;
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

    #[cfg(unix)]
    fn is_executable(path: &Path) -> bool {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
    }

    #[cfg(unix)]
    #[test]
    fn new_scripts_are_executable_and_existing_files_keep_their_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("p");
        let files: BTreeMap<String, Vec<u8>> = [
            ("run.sh".to_string(), b"#!/bin/sh\necho hi\n".to_vec()),
            (
                "notes.txt".to_string(),
                b"a note, not a script: #!/bin/sh\n".to_vec(),
            ),
        ]
        .into();
        create_tree(&target, &files).unwrap();
        assert!(is_executable(&target.join("run.sh")));
        assert!(!is_executable(&target.join("notes.txt")));
        // The user made run.sh not executable on purpose: an update keeps that; a new script is executable.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            target.join("run.sh"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        apply_ops(
            &target,
            &[
                Op::Write("run.sh".into(), b"#!/bin/sh\necho hello\n".to_vec()),
                Op::Write("new.sh".into(), b"#!/bin/sh\n".to_vec()),
            ],
        )
        .unwrap();
        assert!(!is_executable(&target.join("run.sh")));
        assert!(is_executable(&target.join("new.sh")));
    }

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

/// The directory in a project where a transaction stages its files and keeps its journal.
pub const TRANSACTION_DIR: &str = ".fb-transaction";
const JOURNAL: &str = "journal";
const JOURNAL_HEADER: &str = "fb-journal 1";

/// One step of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Write this content at this project path.
    Write(String, Vec<u8>),
    /// Remove this project path.
    Remove(String),
}

/// What recovery did with a transaction an earlier fb left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// It had not started changing the project: its staged files were discarded.
    RolledBack,
    /// It had started: the remaining steps were carried out.
    Completed,
}

/// Applies `ops` to the project at `root` as one transaction; the last op should write the lock.
///
/// Every new file is first staged inside [`TRANSACTION_DIR`]; then a journal listing the steps is
/// written (atomically, by rename). Before the journal exists nothing in the project has changed,
/// so a crash leaves only the staging directory, which [`recover`] discards. Once it exists, the
/// steps are renames and removals that can be repeated, so [`recover`] completes them.
pub fn apply_ops(root: &Path, ops: &[Op]) -> Result<()> {
    let txn = root.join(TRANSACTION_DIR);
    if txn.exists() {
        bail!(
            "`{}` exists: an earlier fb command did not finish; run `fb status` to recover it",
            txn.display()
        );
    }
    let guard = TransactionGuard::begin();
    let staged = (|| -> Result<()> {
        std::fs::create_dir(&txn).with_context(|| format!("cannot create `{}`", txn.display()))?;
        let mut journal = format!("{JOURNAL_HEADER}\n");
        for (i, op) in ops.iter().enumerate() {
            guard.check()?;
            match op {
                Op::Write(path, bytes) => {
                    let staged = txn.join(format!("{i}"));
                    std::fs::write(&staged, bytes)
                        .with_context(|| format!("cannot stage `{path}`"))?;
                    // An existing file keeps its permissions; a new one gets the defaults.
                    if let Ok(meta) = std::fs::metadata(root.join(path)) {
                        let _ = std::fs::set_permissions(&staged, meta.permissions());
                    } else {
                        make_scripts_executable(&staged, bytes)?;
                    }
                    journal.push_str(&format!("write\t{i}\t{path}\n"));
                }
                Op::Remove(path) => journal.push_str(&format!("remove\t{i}\t{path}\n")),
            }
        }
        guard.check()?;
        let tmp = txn.join("journal.tmp");
        let mut file = std::fs::File::create(&tmp).context("cannot write the journal")?;
        std::io::Write::write_all(&mut file, journal.as_bytes())?;
        file.sync_all()?;
        Ok(())
    })();
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&txn);
        return Err(e);
    }
    // The commit point: from here on the transaction completes, even across a crash.
    std::fs::rename(txn.join("journal.tmp"), txn.join(JOURNAL))
        .context("cannot commit the journal")?;
    run_journal(root)
}

/// Finishes or discards a transaction an interrupted fb left in the project; `None` if there is none.
pub fn recover(root: &Path) -> Result<Option<Recovery>> {
    let txn = root.join(TRANSACTION_DIR);
    if !txn.exists() {
        return Ok(None);
    }
    if txn.join(JOURNAL).is_file() {
        let _guard = TransactionGuard::begin();
        run_journal(root)?;
        Ok(Some(Recovery::Completed))
    } else {
        std::fs::remove_dir_all(&txn)
            .with_context(|| format!("cannot remove `{}`", txn.display()))?;
        Ok(Some(Recovery::RolledBack))
    }
}

/// Carries out a committed journal's steps; each can be repeated safely.
fn run_journal(root: &Path) -> Result<()> {
    let txn = root.join(TRANSACTION_DIR);
    let journal = std::fs::read_to_string(txn.join(JOURNAL)).context("cannot read the journal")?;
    let mut lines = journal.lines();
    if lines.next() != Some(JOURNAL_HEADER) {
        bail!(
            "`{}` holds a journal this fb does not understand; remove it after checking the project",
            txn.display()
        );
    }
    let crash_after: Option<usize> = std::env::var("FB_TEST_CRASH_AFTER_OPS")
        .ok()
        .and_then(|v| v.parse().ok());
    for (done, line) in lines.enumerate() {
        if crash_after == Some(done) {
            // Test hook: die as a kill would, mid-transaction.
            std::process::abort();
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(action), Some(id), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            bail!("malformed journal line `{line}` in `{}`", txn.display());
        };
        let dest = root.join(path);
        match action {
            "write" => {
                let staged = txn.join(id);
                if staged.exists() {
                    if let Some(dir) = dest.parent() {
                        std::fs::create_dir_all(dir)
                            .with_context(|| format!("cannot create `{}`", dir.display()))?;
                    }
                    std::fs::rename(&staged, &dest)
                        .with_context(|| format!("cannot write `{}`", dest.display()))?;
                }
            }
            "remove" => match std::fs::remove_file(&dest) {
                Ok(()) => remove_empty_parents(root, &dest),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot remove `{}`", dest.display()));
                }
            },
            other => bail!("unknown journal step `{other}` in `{}`", txn.display()),
        }
    }
    std::fs::remove_dir_all(&txn).with_context(|| format!("cannot remove `{}`", txn.display()))?;
    Ok(())
}

/// Removes directories left empty by a removal, up to (not including) the project root.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod transaction_tests {
    use super::*;

    #[test]
    fn applies_writes_and_removals() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("old")).unwrap();
        std::fs::write(dir.path().join("old/gone.txt"), "x").unwrap();
        std::fs::write(dir.path().join("keep.txt"), "old").unwrap();
        let ops = [
            Op::Write("keep.txt".into(), b"new".to_vec()),
            Op::Write("a/b/c.txt".into(), b"c".to_vec()),
            Op::Remove("old/gone.txt".into()),
        ];
        apply_ops(dir.path(), &ops).unwrap();
        assert_eq!(std::fs::read(dir.path().join("keep.txt")).unwrap(), b"new");
        assert_eq!(std::fs::read(dir.path().join("a/b/c.txt")).unwrap(), b"c");
        assert!(
            !dir.path().join("old").exists(),
            "emptied directories go too"
        );
        assert!(!dir.path().join(TRANSACTION_DIR).exists());
        assert_eq!(recover(dir.path()).unwrap(), None);
    }

    #[test]
    fn recovery_discards_an_uncommitted_transaction() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(TRANSACTION_DIR)).unwrap();
        std::fs::write(dir.path().join(TRANSACTION_DIR).join("0"), "staged").unwrap();
        assert_eq!(recover(dir.path()).unwrap(), Some(Recovery::RolledBack));
        assert!(!dir.path().join(TRANSACTION_DIR).exists());
    }

    #[test]
    fn recovery_completes_a_committed_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let txn = dir.path().join(TRANSACTION_DIR);
        std::fs::create_dir(&txn).unwrap();
        std::fs::write(txn.join("1"), "two").unwrap();
        std::fs::write(dir.path().join("one.txt"), "already moved").unwrap();
        std::fs::write(dir.path().join("gone.txt"), "x").unwrap();
        // Step 0 was done before the crash (its staged file is gone); steps 1 and 2 were not.
        std::fs::write(
            txn.join(JOURNAL),
            format!(
                "{JOURNAL_HEADER}\nwrite\t0\tone.txt\nwrite\t1\ttwo.txt\nremove\t2\tgone.txt\n"
            ),
        )
        .unwrap();
        assert_eq!(recover(dir.path()).unwrap(), Some(Recovery::Completed));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("one.txt")).unwrap(),
            "already moved"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("two.txt")).unwrap(),
            "two"
        );
        assert!(!dir.path().join("gone.txt").exists());
        assert!(!txn.exists());
    }
}
