//! Applying a planned change to disk as a transaction, and recovering one that a kill interrupted.
//!
//! A new project is written into a hidden staging directory beside its target and renamed into
//! place. A change to an existing project stages every new file inside [`TRANSACTION_DIR`], then
//! commits a journal of renames and removals (the commit point), then carries them out, then
//! renames the directory to [`TRANSACTION_DONE_DIR`] and removes it. Each state on disk says
//! truthfully where a kill struck, and [`recover`] finishes or discards accordingly:
//!
//! | on disk                                   | the project is   | recovery           |
//! |-------------------------------------------|------------------|--------------------|
//! | `.fb-transaction/` without `journal`      | as before        | discard            |
//! | `.fb-transaction/journal`                 | part-way         | complete the steps |
//! | `.fb-transaction.done/`                   | as after         | remove it          |
//!
//! Every path in a journal goes through the path gate ([`crate::paths`]) before any step runs; a
//! journal that fails it is refused, never replayed. A lock file inside the directory tells a
//! live transaction of another fb process from an abandoned one.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result, anyhow, bail};

pub use crate::paths::TRANSACTION_DIR;
use crate::paths::{self, Entry, Origin, Root, STAGING_PREFIX, TRANSACTION_DONE_DIR};

/// Set by the Ctrl-C handler while a transaction runs; checked between file writes.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// True while a transaction runs, so the Ctrl-C handler defers to it instead of exiting.
static IN_TRANSACTION: AtomicBool = AtomicBool::new(false);

/// Installs fb's Ctrl-C and SIGTERM handling: outside a transaction fb exits at once (status
/// 130); inside one it finishes or rolls back first.
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

/// Test hooks for the kill-during-apply tests: `FB_TEST_CRASH_AT=N` aborts the process at the
/// N-th point where a kill could strike (0-based, counted over the whole transaction);
/// `FB_TEST_STEP_DELAY_MS=N` sleeps at each point, so a real `kill -9` lands in the middle.
fn kill_point() {
    static POINT: AtomicUsize = AtomicUsize::new(0);
    let n = POINT.fetch_add(1, Ordering::SeqCst);
    if let Some(delay) = std::env::var("FB_TEST_STEP_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(delay));
    }
    if std::env::var("FB_TEST_CRASH_AT")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        == Some(n)
    {
        std::process::abort();
    }
}

/// Fails unless `target` is missing or an empty directory.
pub fn check_new_target(target: &Path) -> Result<()> {
    match fs::read_dir(target) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "destination `{}` already exists and is not empty: pick another name or `--path`, or use `fb update`/`fb upgrade` in an existing project",
                    target.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
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
        let mut permissions = fs::metadata(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?
            .permissions();
        // Execute for whoever may read it, as `chmod +x` does under the usual umask.
        permissions.set_mode(permissions.mode() | ((permissions.mode() & 0o444) >> 2));
        fs::set_permissions(path, permissions)
            .with_context(|| format!("cannot make `{}` executable", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = (path, bytes);
    Ok(())
}

/// What `fb new` found and removed beside its target before writing.
#[derive(Debug, Default)]
pub struct CreateReport {
    /// Staging directories of an earlier, killed `fb new` of the same target: removed.
    pub removed_leftovers: Vec<PathBuf>,
    /// Staging directories fb cannot attribute to this target (an older fb's): left alone.
    pub unknown_leftovers: Vec<PathBuf>,
}

/// A staging directory for `fb new`, with the lock file beside it that marks it as in use.
/// Dropped without [`Staging::finish`], it removes both.
struct Staging {
    dir: PathBuf,
    lock_path: PathBuf,
    _lock: File,
    done: bool,
}

impl Staging {
    fn create(parent: &Path, name: &str) -> Result<Staging> {
        // The lock file comes first and goes last, so a staging directory of this fb always has
        // one beside it: a directory whose lock nobody holds was left by a kill.
        let lock = tempfile::Builder::new()
            .prefix(&format!("{STAGING_PREFIX}{name}-"))
            .rand_bytes(STAGING_RANDOM)
            .suffix(".lock")
            .tempfile_in(parent)
            .with_context(|| format!("cannot create a staging file in `{}`", parent.display()))?;
        let (file, lock_path) = lock.keep().context("cannot keep the staging lock")?;
        file.try_lock()
            .map_err(|_| anyhow!("cannot lock `{}`", lock_path.display()))?;
        let dir = lock_path.with_extension("");
        let staging = Staging {
            dir,
            lock_path,
            _lock: file,
            done: false,
        };
        fs::create_dir(&staging.dir)
            .with_context(|| format!("cannot create `{}`", staging.dir.display()))?;
        Ok(staging)
    }

    fn finish(mut self) {
        self.done = true;
        let _ = fs::remove_file(&self.lock_path);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.dir);
            let _ = fs::remove_file(&self.lock_path);
        }
    }
}

/// The random part of a staging name: `.fb-tmp-NAME-` then this many letters and digits.
const STAGING_RANDOM: usize = 8;

/// True when `file_name` is `.fb-tmp-NAME-XXXXXXXX.lock` for exactly this `name` (not `NAME-api`).
fn is_staging_lock_of(file_name: &str, name: &str) -> bool {
    file_name
        .strip_prefix(STAGING_PREFIX)
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_suffix(".lock"))
        .is_some_and(|random| {
            random.len() == STAGING_RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes what a killed `fb new` of `name` left in `parent`; reports staging directories of
/// other names that nobody holds.
fn clean_staging_leftovers(parent: &Path, name: &str) -> Result<CreateReport> {
    let mut report = CreateReport::default();
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(report);
    };
    let mut names = BTreeSet::new();
    for entry in entries.flatten() {
        if let Some(n) = entry.file_name().to_str()
            && n.starts_with(STAGING_PREFIX)
        {
            names.insert(n.to_string());
        }
    }
    for n in &names {
        let path = parent.join(n);
        if let Some(stem) = n.strip_suffix(".lock") {
            if !is_staging_lock_of(n, name) {
                continue;
            }
            let Ok(lock) = File::open(&path) else {
                continue;
            };
            if lock.try_lock().is_err() {
                bail!(
                    "another `fb new` is creating `{}` right now (it holds `{}`): wait for it to finish",
                    parent.join(name).display(),
                    path.display()
                );
            }
            let dir = parent.join(stem);
            if fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
                fs::remove_dir_all(&dir)
                    .with_context(|| format!("cannot remove `{}`", dir.display()))?;
                report.removed_leftovers.push(dir);
            }
            drop(lock);
            let _ = fs::remove_file(&path);
        } else if !names.contains(&format!("{n}.lock"))
            && fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir())
        {
            report.unknown_leftovers.push(path);
        }
    }
    Ok(report)
}

/// Writes `files` as a new directory `target` (missing or empty): all of them, or none.
pub fn create_tree(target: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<CreateReport> {
    check_new_target(target)?;
    for path in files.keys() {
        paths::check(path, Origin::Fb)?;
    }
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("project")
        .to_string();
    fs::create_dir_all(&parent).with_context(|| format!("cannot create `{}`", parent.display()))?;
    let report = clean_staging_leftovers(&parent, &name)?;
    let guard = TransactionGuard::begin();
    let staging = Staging::create(&parent, &name)?;
    for (path, bytes) in files {
        guard.check()?;
        let dest = staging.dir.join(path);
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
        }
        fs::write(&dest, bytes).with_context(|| format!("cannot write `{}`", dest.display()))?;
        make_scripts_executable(&dest, bytes)?;
        kill_point();
    }
    guard.check()?;
    // An empty target directory is replaced by the rename; a missing one is created by it.
    fs::rename(&staging.dir, target)
        .with_context(|| format!("cannot move the new project to `{}`", target.display()))?;
    staging.finish();
    Ok(report)
}

/// One step of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Write this content at this project path.
    Write(String, Vec<u8>),
    /// Remove the file at this project path.
    Remove(String),
}

impl Op {
    pub fn path(&self) -> &str {
        match self {
            Op::Write(p, _) | Op::Remove(p) => p,
        }
    }
}

/// What recovery did with a transaction an earlier fb left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// It had not started changing the project: its staged files were discarded.
    RolledBack { summary: Option<String> },
    /// It had started: the remaining steps were carried out.
    Completed { summary: Option<String> },
    /// It had finished; only its clean-up was interrupted, and that is now done.
    CleanedUp { summary: Option<String> },
}

const JOURNAL: &str = "journal";
const JOURNAL_TMP: &str = "journal.tmp";
/// What the change is, in one line, written first so every recovery can say which change it was.
const INTENT: &str = "intent";
/// Held (locked) by the fb process that runs the transaction.
const LOCK: &str = "lock";
/// Each step names the file's hash before and after it (`-`: no file), so a replay can tell a
/// step still to do from one done, and refuses a journal that does not match the disk at all.
const JOURNAL_HEADER: &str = "fb-journal 3";
/// No hashes: earlier fbs wrote them. They are not replayed, since nothing can be checked.
const JOURNAL_HEADERS_UNVERIFIABLE: &[&str] = &["fb-journal 1", "fb-journal 2"];
/// The journal's mark for "no file here".
const ABSENT: &str = "-";

/// Checks that `ops` can be carried out on the project as it is now, before anything is staged:
/// every path passes the gate, nothing goes through a symlink, and a file that takes the place of
/// a directory (or a directory that takes the place of a file) finds the way cleared by the
/// removals of the same change. Directory/file transitions are thereby planned like any change.
pub fn check_ops(root: &Path, ops: &[Op]) -> Result<()> {
    let root = Root::new(root);
    let removed: BTreeSet<&str> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Remove(p) => Some(p.as_str()),
            Op::Write(..) => None,
        })
        .collect();
    let mut written = BTreeSet::new();
    for op in ops {
        let path = op.path();
        if !written.insert(path) {
            bail!("internal error: the plan changes `{path}` twice");
        }
        let (full, entry) = root.locate(path, Origin::Fb)?;
        match (op, entry) {
            (_, Entry::Other) => bail!(
                "`{path}` is not a regular file (a socket, a pipe or unreadable): move it away and run the command again"
            ),
            (Op::Remove(_), Entry::Dir) => bail!(
                "`{path}` is a directory in the project, where fb expects the file it wrote: move it away and run the command again"
            ),
            (Op::Remove(_), _) => {}
            (Op::Write(..), Entry::Missing | Entry::File) => {}
            (Op::Write(..), Entry::BehindFile(file)) => {
                if !removed.contains(file.as_str()) {
                    bail!(
                        "the new version puts `{path}` inside a directory `{file}/`, but `{file}` is a file in the project that this change does not remove (it is yours, or you changed it): move it away and run the command again"
                    );
                }
            }
            (Op::Write(..), Entry::Dir) => {
                let left = files_under(&full, path)?
                    .into_iter()
                    .filter(|f| !removed.contains(f.as_str()))
                    .collect::<Vec<_>>();
                if !left.is_empty() {
                    bail!(
                        "the new version makes `{path}` a file, but the directory `{path}` still holds {}, which this change does not remove: move them away and run the command again",
                        crate::limits::list_cut(&left, 3)
                    );
                }
            }
        }
    }
    Ok(())
}

/// Every entry under a directory (files, links and empty directories), as project paths.
fn files_under(dir: &Path, rel: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = format!("{rel}/{name}");
        let meta = fs::symlink_metadata(entry.path())?;
        if meta.is_dir() {
            let inner = files_under(&entry.path(), &child)?;
            if inner.is_empty() {
                out.push(format!("{child}/"));
            }
            out.extend(inner);
        } else {
            out.push(child);
        }
    }
    Ok(out)
}

/// Applies `ops` to the project at `root` as one transaction: every file or none, with the lock
/// (an op writing the lockfile) written last. `summary` says in one line what the change is, so a
/// later recovery can report it.
pub fn apply_ops(root: &Path, summary: &str, ops: &[Op]) -> Result<()> {
    check_ops(root, ops)?;
    let txn = root.join(TRANSACTION_DIR);
    if fs::symlink_metadata(&txn).is_ok()
        || fs::symlink_metadata(root.join(TRANSACTION_DONE_DIR)).is_ok()
    {
        bail!(
            "`{}` exists: an earlier fb command did not finish; run `fb status` to recover it",
            txn.display()
        );
    }
    // Removals clear the way for files that replace directories; the lockfile goes last.
    let is_lock = |op: &Op| op.path() == crate::lock::LOCK_FILE;
    let mut ordered: Vec<&Op> = ops
        .iter()
        .filter(|op| matches!(op, Op::Remove(_)))
        .collect();
    ordered.extend(
        ops.iter()
            .filter(|op| matches!(op, Op::Write(..)) && !is_lock(op)),
    );
    ordered.extend(
        ops.iter()
            .filter(|op| matches!(op, Op::Write(..)) && is_lock(op)),
    );

    let guard = TransactionGuard::begin();
    fs::create_dir(&txn).with_context(|| format!("cannot create `{}`", txn.display()))?;
    let lock = (|| -> Result<File> {
        let lock = File::create(txn.join(LOCK)).context("cannot create the transaction lock")?;
        lock.try_lock()
            .map_err(|_| anyhow!("cannot lock the transaction"))?;
        write_synced(&txn.join(INTENT), one_line(summary).as_bytes())?;
        kill_point();
        Ok(lock)
    })();
    let lock = match lock {
        Ok(lock) => lock,
        Err(e) => {
            let _ = fs::remove_dir_all(&txn);
            return Err(e);
        }
    };
    let staged = (|| -> Result<()> {
        let gate = Root::new(root);
        let mut journal = format!("{JOURNAL_HEADER}\n");
        for (i, op) in ordered.iter().enumerate() {
            guard.check()?;
            let before = file_hash(&gate, op.path())?;
            match op {
                Op::Write(path, bytes) => {
                    let staged = txn.join(format!("{i}"));
                    fs::write(&staged, bytes).with_context(|| format!("cannot stage `{path}`"))?;
                    // An existing file keeps its permissions; a new one gets the defaults.
                    match fs::symlink_metadata(root.join(path)) {
                        Ok(meta) if meta.is_file() => {
                            let _ = fs::set_permissions(&staged, meta.permissions());
                        }
                        _ => make_scripts_executable(&staged, bytes)?,
                    }
                    let after = crate::hash::sha256_tagged(bytes);
                    journal.push_str(&format!("write\t{i}\t{before}\t{after}\t{path}\n"));
                }
                Op::Remove(path) => {
                    journal.push_str(&format!("remove\t{i}\t{before}\t{ABSENT}\t{path}\n"))
                }
            }
            kill_point();
        }
        guard.check()?;
        write_synced(&txn.join(JOURNAL_TMP), journal.as_bytes())?;
        kill_point();
        Ok(())
    })();
    if let Err(e) = staged {
        drop(lock);
        let _ = fs::remove_dir_all(&txn);
        return Err(e);
    }
    // The commit point: from here on the transaction completes, even across a crash.
    fs::rename(txn.join(JOURNAL_TMP), txn.join(JOURNAL)).context("cannot commit the journal")?;
    kill_point();
    let result = run_journal(root);
    drop(lock);
    result
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file =
        File::create(path).with_context(|| format!("cannot write `{}`", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

fn one_line(s: &str) -> String {
    s.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

/// Finishes or discards a transaction an interrupted fb left in the project; `None` if there is
/// none. Refuses while another fb process is running one, and refuses a journal fb did not write.
pub fn recover(root: &Path) -> Result<Option<Recovery>> {
    let txn = root.join(TRANSACTION_DIR);
    let done = root.join(TRANSACTION_DONE_DIR);
    let mut recovered = None;
    if is_dir_of_fb(&done)? {
        let _lock = lock_abandoned(&done)?;
        let summary = read_intent(&done);
        fs::remove_dir_all(&done).with_context(|| format!("cannot remove `{}`", done.display()))?;
        recovered = Some(Recovery::CleanedUp { summary });
    }
    if !is_dir_of_fb(&txn)? {
        return Ok(recovered);
    }
    refuse_if_tracked(root)?;
    let lock = lock_abandoned(&txn)?;
    let summary = read_intent(&txn);
    if fs::symlink_metadata(txn.join(JOURNAL)).is_ok() {
        let _guard = TransactionGuard::begin();
        run_journal(root)?;
        drop(lock);
        Ok(Some(Recovery::Completed { summary }))
    } else {
        drop(lock);
        fs::remove_dir_all(&txn).with_context(|| format!("cannot remove `{}`", txn.display()))?;
        Ok(Some(Recovery::RolledBack { summary }))
    }
}

/// A transaction directory that git tracks came with a checkout, not from a kill on this machine:
/// it is refused, whatever its journal says.
fn refuse_if_tracked(root: &Path) -> Result<()> {
    let Ok(repo) = git2::Repository::discover(root) else {
        return Ok(());
    };
    let (Some(workdir), Ok(index)) = (repo.workdir(), repo.index()) else {
        return Ok(());
    };
    let (Ok(workdir), Ok(root)) = (workdir.canonicalize(), root.canonicalize()) else {
        return Ok(());
    };
    let Ok(prefix) = root.strip_prefix(&workdir) else {
        return Ok(());
    };
    let txn = crate::paths::from_relative(&prefix.join(TRANSACTION_DIR)).unwrap_or_default();
    if index.iter().any(|entry| {
        let path = String::from_utf8_lossy(&entry.path);
        path.strip_prefix(&txn)
            .is_some_and(|rest| rest.starts_with('/'))
    }) {
        bail!(
            "`{TRANSACTION_DIR}` is tracked by git, so it came with the repository, not from an fb command interrupted here: fb will not replay it; remove it from the repository (`git rm -r --cached {TRANSACTION_DIR}`) and delete it"
        );
    }
    Ok(())
}

/// The hash of the file at `rel` as a journal records it, [`ABSENT`] when there is none.
fn file_hash(root: &Root, rel: &str) -> Result<String> {
    let (full, entry) = root.locate(rel, Origin::Fb)?;
    Ok(match entry {
        Entry::File => crate::hash::sha256_tagged(
            &fs::read(&full).with_context(|| format!("cannot read `{}`", full.display()))?,
        ),
        _ => ABSENT.to_string(),
    })
}

/// True when `dir` exists as a real directory; an error when something else has its name.
fn is_dir_of_fb(dir: &Path) -> Result<bool> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot read `{}`", dir.display())),
        Ok(meta) if meta.is_dir() => Ok(true),
        Ok(_) => bail!(
            "`{}` is not a directory fb made (it is a file or a symlink): fb will not use it; check the project, then remove it",
            dir.display()
        ),
    }
}

/// Takes the lock of an abandoned transaction directory; an error if a live fb holds it.
fn lock_abandoned(dir: &Path) -> Result<Option<File>> {
    let path = dir.join(LOCK);
    match fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => bail!(
            "`{}` is not a lock file fb made: fb will not use `{}`; check the project, then remove it",
            path.display(),
            dir.display()
        ),
        // Killed before it made its lock: nothing else can be running it.
        Err(_) => return Ok(None),
    }
    let file = File::open(&path).with_context(|| format!("cannot open `{}`", path.display()))?;
    if file.try_lock().is_err() {
        bail!(
            "another fb command is changing this project right now (it holds `{}`): wait for it to finish",
            path.display()
        );
    }
    Ok(Some(file))
}

fn read_intent(dir: &Path) -> Option<String> {
    let path = dir.join(INTENT);
    let meta = fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 4096 {
        return None;
    }
    let text = fs::read_to_string(path).ok()?;
    let text = crate::limits::quote(&text);
    (!text.is_empty()).then_some(text)
}

/// One validated step of a journal, and whether the disk shows it done already.
enum Step {
    Write {
        staged: PathBuf,
        path: String,
        done: bool,
    },
    Remove {
        path: String,
        done: bool,
    },
}

/// Reads and checks a committed journal: its format, and every path through the path gate. No
/// step runs unless all of them pass.
fn read_journal(root: &Root, txn: &Path) -> Result<Vec<Step>> {
    let path = txn.join(JOURNAL);
    let refuse = |why: String| {
        anyhow!(
            "`{}` is not a journal fb wrote ({why}): fb will not replay it; check the project, then remove `{}`",
            path.display(),
            txn.display()
        )
    };
    let meta =
        fs::symlink_metadata(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if !meta.is_file() {
        return Err(refuse("it is not a regular file".into()));
    }
    crate::limits::check_size("the journal", meta.len(), crate::limits::MAX_LOCK_BYTES)
        .map_err(|e| refuse(e.to_string()))?;
    let bytes = fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| refuse("it is not UTF-8".into()))?;
    let mut lines = text.lines();
    match lines.next() {
        Some(JOURNAL_HEADER) => {}
        Some(old) if JOURNAL_HEADERS_UNVERIFIABLE.contains(&old) => {
            return Err(refuse(
                "an earlier fb wrote it without the hashes that let a replay be checked".into(),
            ));
        }
        other => {
            return Err(refuse(format!(
                "unknown header `{}`",
                crate::limits::quote(other.unwrap_or(""))
            )));
        }
    }
    let is_hash = |h: &str| h == ABSENT || crate::hash::is_tagged_sha256(h);
    let mut steps = Vec::new();
    for (n, line) in lines.enumerate() {
        let at = |why: String| refuse(format!("line {}: {why}", n + 2));
        let parts: Vec<&str> = line.splitn(5, '\t').collect();
        let [action, id, before, after, rel] = parts[..] else {
            return Err(at(format!(
                "malformed step `{}`",
                crate::limits::quote(line)
            )));
        };
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) || id.len() > 9 {
            return Err(at(format!(
                "`{}` is not a step number",
                crate::limits::quote(id)
            )));
        }
        if !is_hash(before) || !is_hash(after) {
            return Err(at("a step without the file's hashes".into()));
        }
        // The file as it is now: the state before the step (still to do) or after it (done).
        let now = file_hash(root, rel).map_err(|e| at(format!("{e:#}")))?;
        let staged = txn.join(id);
        let step = match action {
            "write" if after != ABSENT => {
                let done = now == after;
                if !done {
                    if now != before {
                        return Err(at(format!(
                            "`{rel}` is neither as the change found it nor as it leaves it"
                        )));
                    }
                    match fs::symlink_metadata(&staged) {
                        Ok(meta) if meta.is_file() => {}
                        _ => {
                            return Err(at(format!(
                                "staged file `{id}` is missing or not a regular file"
                            )));
                        }
                    }
                    let content = fs::read(&staged)
                        .with_context(|| format!("cannot read `{}`", staged.display()))?;
                    if crate::hash::sha256_tagged(&content) != after {
                        return Err(at(format!(
                            "staged file `{id}` is not what the step writes"
                        )));
                    }
                }
                Step::Write {
                    staged,
                    path: rel.to_string(),
                    done,
                }
            }
            "remove" if before != ABSENT && after == ABSENT => {
                if now != before && now != ABSENT {
                    return Err(at(format!(
                        "`{rel}` is not the file the change removes: it was changed since"
                    )));
                }
                Step::Remove {
                    path: rel.to_string(),
                    done: now == ABSENT,
                }
            }
            other => {
                return Err(at(format!(
                    "unknown step `{}`",
                    crate::limits::quote(other)
                )));
            }
        };
        steps.push(step);
    }
    Ok(steps)
}

/// Carries out a committed journal's steps; each can be repeated safely, so a kill at any point
/// is finished by the next run. Then retires the transaction directory.
fn run_journal(root_path: &Path) -> Result<()> {
    let root = Root::new(root_path);
    let txn = root_path.join(TRANSACTION_DIR);
    let steps = read_journal(&root, &txn)?;
    for step in steps {
        match step {
            Step::Write { done: true, .. } | Step::Remove { done: true, .. } => {}
            Step::Write { staged, path, .. } => {
                let (dest, _) = root.locate(&path, Origin::Fb)?;
                if let Some(dir) = dest.parent() {
                    fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create `{}`", dir.display()))?;
                }
                fs::rename(&staged, &dest)
                    .with_context(|| format!("cannot write `{}`", dest.display()))?;
            }
            Step::Remove { path, .. } => {
                let (dest, _) = root.locate(&path, Origin::Fb)?;
                fs::remove_file(&dest)
                    .with_context(|| format!("cannot remove `{}`", dest.display()))?;
                remove_empty_parents(root_path, &dest);
            }
        }
        kill_point();
    }
    // Retire the directory in one rename, so a kill during its removal cannot look like a
    // transaction that never started.
    let done = root_path.join(TRANSACTION_DONE_DIR);
    fs::rename(&txn, &done).with_context(|| format!("cannot retire `{}`", txn.display()))?;
    kill_point();
    fs::remove_dir_all(&done).with_context(|| format!("cannot remove `{}`", done.display()))?;
    Ok(())
}

/// Removes directories left empty by a removal, up to (not including) the project root.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn is_executable(path: &Path) -> bool {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
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
        fs::set_permissions(target.join("run.sh"), fs::Permissions::from_mode(0o644)).unwrap();
        apply_ops(
            &target,
            "test",
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
        assert_eq!(fs::read(target.join("x/y.txt")).unwrap(), b"hi");
        let err = create_tree(&target, &files).unwrap_err().to_string();
        assert!(err.contains("not empty"), "{err}");
        // Nothing but the project is left beside it.
        let siblings: Vec<_> = fs::read_dir(target.parent().unwrap()).unwrap().collect();
        assert_eq!(siblings.len(), 1);
    }

    #[test]
    fn an_empty_directory_is_filled() {
        let tmp = tempfile::tempdir().unwrap();
        let files: BTreeMap<String, Vec<u8>> = [("a".to_string(), b"1".to_vec())].into();
        create_tree(tmp.path(), &files).unwrap();
        assert!(tmp.path().join("a").is_file());
    }

    #[test]
    fn leftovers_of_a_killed_new_are_removed_and_a_live_one_is_respected() {
        let tmp = tempfile::tempdir().unwrap();
        // What a kill -9 during staging leaves: the lock file and the half-written directory.
        let stale = tmp.path().join(".fb-tmp-demo-abc12345");
        fs::create_dir(&stale).unwrap();
        fs::write(stale.join("half"), "x").unwrap();
        fs::write(tmp.path().join(".fb-tmp-demo-abc12345.lock"), "").unwrap();
        // A live `fb new demo-api` beside it is not this target's.
        let live = tmp.path().join(".fb-tmp-demo-api-Zz99Zz99.lock");
        let live_lock = File::create(&live).unwrap();
        live_lock.lock().unwrap();
        // An older fb's staging directory, which fb cannot attribute.
        fs::create_dir(tmp.path().join(".fb-tmp-Zq81")).unwrap();
        let files: BTreeMap<String, Vec<u8>> = [("a".to_string(), b"1".to_vec())].into();
        let report = create_tree(&tmp.path().join("demo"), &files).unwrap();
        assert_eq!(report.removed_leftovers, std::slice::from_ref(&stale));
        assert_eq!(report.unknown_leftovers, [tmp.path().join(".fb-tmp-Zq81")]);
        assert!(!stale.exists());
        assert!(!tmp.path().join(".fb-tmp-demo-abc12345.lock").exists());
        assert!(live.exists());
        drop(live_lock);
        // A staging lock held by a live fb new of the same target is left alone.
        let held = tmp.path().join(".fb-tmp-other-xyz12345.lock");
        let file = File::create(&held).unwrap();
        file.lock().unwrap();
        let err = create_tree(&tmp.path().join("other"), &files)
            .unwrap_err()
            .to_string();
        assert!(err.contains("another `fb new`"), "{err}");
        assert!(held.exists());
    }

    #[test]
    fn applies_writes_and_removals() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("old")).unwrap();
        fs::write(dir.path().join("old/gone.txt"), "x").unwrap();
        fs::write(dir.path().join("keep.txt"), "old").unwrap();
        let ops = [
            Op::Write("keep.txt".into(), b"new".to_vec()),
            Op::Write("a/b/c.txt".into(), b"c".to_vec()),
            Op::Remove("old/gone.txt".into()),
        ];
        apply_ops(dir.path(), "test", &ops).unwrap();
        assert_eq!(fs::read(dir.path().join("keep.txt")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("a/b/c.txt")).unwrap(), b"c");
        assert!(
            !dir.path().join("old").exists(),
            "emptied directories go too"
        );
        assert!(!dir.path().join(TRANSACTION_DIR).exists());
        assert!(!dir.path().join(TRANSACTION_DONE_DIR).exists());
        assert_eq!(recover(dir.path()).unwrap(), None);
    }

    #[test]
    fn a_file_may_replace_a_directory_and_back() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("models")).unwrap();
        fs::write(dir.path().join("models/a.py"), "a").unwrap();
        fs::write(dir.path().join("config"), "c").unwrap();
        let ops = [
            Op::Write("models".into(), b"now a file".to_vec()),
            Op::Remove("models/a.py".into()),
            Op::Remove("config".into()),
            Op::Write("config/settings.py".into(), b"now a dir".to_vec()),
        ];
        apply_ops(dir.path(), "test", &ops).unwrap();
        assert_eq!(fs::read(dir.path().join("models")).unwrap(), b"now a file");
        assert_eq!(
            fs::read(dir.path().join("config/settings.py")).unwrap(),
            b"now a dir"
        );
        // A user's file in the way is a planned refusal, before anything is written.
        fs::write(dir.path().join("mine"), "mine").unwrap();
        let err = apply_ops(
            dir.path(),
            "test",
            &[Op::Write("mine/x".into(), b"x".to_vec())],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("`mine` is a file"), "{err}");
        fs::create_dir(dir.path().join("d")).unwrap();
        fs::write(dir.path().join("d/user.txt"), "u").unwrap();
        let err = apply_ops(dir.path(), "test", &[Op::Write("d".into(), b"x".to_vec())])
            .unwrap_err()
            .to_string();
        assert!(err.contains("d/user.txt"), "{err}");
        assert!(!dir.path().join(TRANSACTION_DIR).exists());
    }

    #[test]
    fn recovery_discards_an_uncommitted_transaction() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(TRANSACTION_DIR)).unwrap();
        fs::write(dir.path().join(TRANSACTION_DIR).join("0"), "staged").unwrap();
        fs::write(dir.path().join(TRANSACTION_DIR).join(INTENT), "fb upgrade").unwrap();
        assert_eq!(
            recover(dir.path()).unwrap(),
            Some(Recovery::RolledBack {
                summary: Some("fb upgrade".into())
            })
        );
        assert!(!dir.path().join(TRANSACTION_DIR).exists());
    }

    fn h(text: &str) -> String {
        crate::hash::sha256_tagged(text.as_bytes())
    }

    #[test]
    fn recovery_completes_a_committed_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let txn = dir.path().join(TRANSACTION_DIR);
        fs::create_dir(&txn).unwrap();
        fs::write(txn.join("1"), "two").unwrap();
        fs::write(dir.path().join("one.txt"), "one").unwrap();
        fs::write(dir.path().join("gone.txt"), "x").unwrap();
        // Step 0 was done before the crash (its file has its new content); steps 1 and 2 were not.
        fs::write(
            txn.join(JOURNAL),
            format!(
                "{JOURNAL_HEADER}\nwrite\t0\t{ABSENT}\t{}\tone.txt\nwrite\t1\t{ABSENT}\t{}\ttwo.txt\nremove\t2\t{}\t{ABSENT}\tgone.txt\n",
                h("one"),
                h("two"),
                h("x")
            ),
        )
        .unwrap();
        assert_eq!(
            recover(dir.path()).unwrap(),
            Some(Recovery::Completed { summary: None })
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("one.txt")).unwrap(),
            "one"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("two.txt")).unwrap(),
            "two"
        );
        assert!(!dir.path().join("gone.txt").exists());
        assert!(!txn.exists());
    }

    #[test]
    fn a_journal_that_does_not_match_the_disk_is_refused_before_any_step() {
        for (disk_gone, disk_two, staged, why) in [
            // The file to remove was changed since: it is the user's now.
            ("edited", None, "two", "was changed since"),
            // The file to write is neither as found nor as left.
            (
                "x",
                Some("someone else's"),
                "two",
                "neither as the change found it",
            ),
            // The staged file is not what the journal says it writes.
            ("x", None, "forged", "is not what the step writes"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let txn = dir.path().join(TRANSACTION_DIR);
            fs::create_dir(&txn).unwrap();
            fs::write(txn.join("1"), staged).unwrap();
            fs::write(dir.path().join("gone.txt"), disk_gone).unwrap();
            if let Some(two) = disk_two {
                fs::write(dir.path().join("two.txt"), two).unwrap();
            }
            fs::write(
                txn.join(JOURNAL),
                format!(
                    "{JOURNAL_HEADER}\nremove\t0\t{}\t{ABSENT}\tgone.txt\nwrite\t1\t{ABSENT}\t{}\ttwo.txt\n",
                    h("x"),
                    h("two")
                ),
            )
            .unwrap();
            let err = format!("{:#}", recover(dir.path()).unwrap_err());
            assert!(err.contains(why), "{why}: {err}");
            assert_eq!(
                fs::read_to_string(dir.path().join("gone.txt")).unwrap(),
                disk_gone
            );
            assert!(txn.join("1").exists(), "nothing was replayed");
        }
    }

    #[test]
    fn journals_without_hashes_are_not_replayed() {
        let dir = tempfile::tempdir().unwrap();
        let txn = dir.path().join(TRANSACTION_DIR);
        fs::create_dir(&txn).unwrap();
        fs::write(dir.path().join("a.txt"), "a").unwrap();
        fs::write(txn.join(JOURNAL), "fb-journal 1\nremove\t0\ta.txt\n").unwrap();
        let err = format!("{:#}", recover(dir.path()).unwrap_err());
        assert!(err.contains("without the hashes"), "{err}");
        assert!(dir.path().join("a.txt").exists());
    }

    #[test]
    fn an_interrupted_clean_up_is_reported_as_done() {
        let dir = tempfile::tempdir().unwrap();
        let done = dir.path().join(TRANSACTION_DONE_DIR);
        fs::create_dir(&done).unwrap();
        fs::write(done.join(INTENT), "fb upgrade to level 4").unwrap();
        assert_eq!(
            recover(dir.path()).unwrap(),
            Some(Recovery::CleanedUp {
                summary: Some("fb upgrade to level 4".into())
            })
        );
        assert!(!done.exists());
    }

    #[test]
    fn a_planted_journal_is_refused_and_changes_nothing() {
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        let created = outside.path().join("created");
        let planted = h("planted");
        let precious = h("precious");
        for (journal, why) in [
            (
                format!("remove\t0\t{precious}\t{ABSENT}\t{}", victim.display()),
                "relative path",
            ),
            (
                format!("remove\t0\t{precious}\t{ABSENT}\t../victim"),
                "normalised",
            ),
            (
                format!("write\t0\t{ABSENT}\t{planted}\t{}", created.display()),
                "relative path",
            ),
            (
                format!("write\t../0\t{ABSENT}\t{planted}\tx"),
                "step number",
            ),
            (
                format!("write\t0\t{ABSENT}\t{planted}\t.git/hooks/pre-commit"),
                "keeps for itself",
            ),
            (format!("chmod\t0\t{ABSENT}\t{planted}\tx"), "unknown step"),
            ("write\t0\tx".to_string(), "malformed step"),
            (
                format!("write\t0\tmd5:0\t{planted}\tx"),
                "without the file's hashes",
            ),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let txn = dir.path().join(TRANSACTION_DIR);
            fs::create_dir(&txn).unwrap();
            fs::write(txn.join("0"), "planted").unwrap();
            fs::write(txn.join(JOURNAL), format!("{JOURNAL_HEADER}\n{journal}\n")).unwrap();
            let err = format!("{:#}", recover(dir.path()).unwrap_err());
            assert!(
                err.contains("not a journal fb wrote") && err.contains(why),
                "{err}"
            );
            assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
            assert!(!created.exists());
            assert!(txn.join("0").exists(), "nothing was replayed");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_journal_through_a_symlink_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("victim"), "precious").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        let txn = dir.path().join(TRANSACTION_DIR);
        fs::create_dir(&txn).unwrap();
        fs::write(
            txn.join(JOURNAL),
            format!(
                "{JOURNAL_HEADER}\nremove\t0\t{}\t{ABSENT}\tlink/victim\n",
                h("precious")
            ),
        )
        .unwrap();
        let err = format!("{:#}", recover(dir.path()).unwrap_err());
        assert!(err.contains("symlink"), "{err}");
        assert!(outside.path().join("victim").exists());
        // A staged file that is a symlink is refused too.
        fs::write(
            txn.join(JOURNAL),
            format!(
                "{JOURNAL_HEADER}\nwrite\t0\t{ABSENT}\t{}\tx\n",
                h("precious")
            ),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path().join("victim"), txn.join("0")).unwrap();
        let err = format!("{:#}", recover(dir.path()).unwrap_err());
        assert!(err.contains("not a regular file"), "{err}");
        assert!(!dir.path().join("x").exists());
    }

    #[test]
    fn a_live_transaction_is_not_recovered_by_another_process() {
        let dir = tempfile::tempdir().unwrap();
        let txn = dir.path().join(TRANSACTION_DIR);
        fs::create_dir(&txn).unwrap();
        let lock = File::create(txn.join(LOCK)).unwrap();
        lock.lock().unwrap();
        // File locks are per open file, so a second open in this process behaves as another fb.
        let err = recover(dir.path()).unwrap_err().to_string();
        assert!(err.contains("another fb command"), "{err}");
        assert!(txn.exists());
    }
}
