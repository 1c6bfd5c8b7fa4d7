//! Hostile input: packs, lockfiles and journals made to harm a project or the files around it.
//! Every case must end with exit 2, a clear one-line reason, and nothing changed inside or
//! outside the project (each test keeps a "victim" file beside the project and checks it).

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use predicates::str::contains;
use support::{PackRepo, fb, read_tree};

const MANIFEST: &str = "[pack]\nname = \"evil\"\nversion = \"1.0.0\"\n";

fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (path, bytes) in files {
        let dest = dir.join(path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

/// Everything under `dir`, for before/after comparisons (the cache of fb is elsewhere).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    read_tree(dir)
}

/// A sandbox: `work/` where fb runs, and `victim.txt` beside it that nothing may touch.
struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("work")).unwrap();
        std::fs::write(root.join("victim.txt"), "precious\n").unwrap();
        Sandbox { _tmp: tmp, root }
    }

    fn work(&self) -> PathBuf {
        self.root.join("work")
    }

    fn victim(&self) -> PathBuf {
        self.root.join("victim.txt")
    }
}

/// `fb new` with a directory pack of `files` must be refused with `message` and write nothing.
fn refused_pack(files: &[(&str, &[u8])], message: &str) {
    let sandbox = Sandbox::new();
    let pack = sandbox.root.join("pack");
    write_files(&pack, files);
    let before = snapshot(&sandbox.root);
    let started = Instant::now();
    fb(&sandbox.work())
        .args(["new", "victim", "--pack"])
        .arg(&pack)
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains(message));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(snapshot(&sandbox.root), before, "something was written");
}

fn pack_with(path: &str, content: &[u8]) -> Vec<(String, Vec<u8>)> {
    vec![
        ("pack.toml".into(), MANIFEST.as_bytes().to_vec()),
        ("template/ok.txt".into(), b"ok\n".to_vec()),
        (format!("template/{path}"), content.to_vec()),
    ]
}

fn refused_path(path: &str, message: &str) {
    let files = pack_with(path, b"x\n");
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    refused_pack(&files, message);
}

#[test]
fn packs_cannot_render_fbs_or_gits_names() {
    for (path, why) in [
        (".fb-transaction/journal", "keeps for itself"),
        (".fb-transaction/0", "keeps for itself"),
        ("{{ '.fb-transaction' }}/journal", "keeps for itself"),
        (".fb-transaction.done/x", "keeps for itself"),
        (".FB-TRANSACTION/journal", "keeps for itself"),
        (".fb-tmp-victim-1/x", "keeps for itself"),
        (".git/config", "git's own directory"),
        (".GIT/hooks/pre-commit", "git's own directory"),
        ("sub/.git/config", "git's own directory"),
        ("{{ '.g' ~ 'it' }}/config", "git's own directory"),
        ("fastapi-builder.lock", "fb writes the lockfile itself"),
        ("fastapi-builder.lock/x", "fb writes the lockfile itself"),
        ("logo.png.fb-new", "`.fb-new` copies"),
    ] {
        refused_path(path, why);
    }
}

#[test]
fn packs_cannot_leave_the_project() {
    for (path, why) in [
        ("{{ '..' }}/escape.txt", "inside the project"),
        (
            "a/{{ '.' ~ '.' }}/{{ '.' ~ '.' }}/escape.txt",
            "inside the project",
        ),
        ("{{ '.' }}/x", "inside the project"),
        ("{{ 'a\\\\b' }}", "a backslash"),
        ("{{ 'c:' }}/x", "a colon"),
        ("a\nb", "control character"),
        ("{{ 'x' * 300 }}", "longer than a file system allows"),
    ] {
        refused_path(path, why);
    }
}

#[test]
fn a_file_that_is_also_a_directory_is_refused_before_writing() {
    refused_pack(
        &[
            ("pack.toml", MANIFEST.as_bytes()),
            ("template/app", b"a file\n"),
            ("template/{{ 'app' }}/main.py", b"inside it\n"),
        ],
        "cannot be both a file and a directory",
    );
}

#[test]
fn unbounded_renders_are_stopped_with_the_template_named() {
    let mut bomb: Vec<(String, Vec<u8>)> = vec![
        ("pack.toml".into(), MANIFEST.as_bytes().to_vec()),
        ("partials/p0".into(), b"x".to_vec()),
        (
            "template/bomb.txt.jinja".into(),
            b"{% include 'p24' %}".to_vec(),
        ),
    ];
    for i in 1..=40 {
        bomb.push((
            format!("partials/p{i}"),
            format!("{{% include 'p{0}' %}}{{% include 'p{0}' %}}", i - 1).into_bytes(),
        ));
    }
    let files: Vec<(&str, &[u8])> = bomb
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    refused_pack(
        &files,
        "template `template/bomb.txt.jinja` exceeded the rendering budget",
    );
    let mut deep = bomb.clone();
    deep[2].1 = b"{% include 'p40' %}".to_vec();
    let files: Vec<(&str, &[u8])> = deep
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    refused_pack(&files, "deeper than fb's limit");
    refused_pack(
        &[
            ("pack.toml", MANIFEST.as_bytes()),
            (
                "template/loops.txt.jinja",
                b"{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
            ),
        ],
        "template `template/loops.txt.jinja` exceeded the rendering budget",
    );
    // 200 MB from one expression: more than one file may hold.
    refused_pack(
        &[
            ("pack.toml", MANIFEST.as_bytes()),
            (
                "template/big.txt.jinja",
                b"{% for i in range(3200) %}{{ 'x' * 65536 }}{% endfor %}",
            ),
        ],
        "template `template/big.txt.jinja`",
    );
}

#[test]
fn broken_manifests_get_a_short_error() {
    refused_pack(
        &[("pack.toml", b"this is [not toml"), ("template/a", b"a")],
        "invalid `pack.toml`",
    );
    let huge = format!("[pack]\nname = \"{}", "x".repeat(2 << 20));
    let sandbox = Sandbox::new();
    let pack = sandbox.root.join("pack");
    write_files(
        &pack,
        &[("pack.toml", huge.as_bytes()), ("template/a", b"a")],
    );
    let output = fb(&sandbox.work())
        .args(["new", "victim", "--pack"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stderr.len() < 1000, "{} bytes", output.stderr.len());
    let unterminated = format!("[pack]\nname = \"{}", "x".repeat(1000));
    write_files(&pack, &[("pack.toml", unterminated.as_bytes())]);
    fb(&sandbox.work())
        .args(["new", "victim", "--pack"])
        .arg(&pack)
        .assert()
        .code(2)
        .stderr(contains("line 2, column"));
}

#[cfg(unix)]
#[test]
fn symlink_chains_and_odd_names_in_a_pack_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let sandbox = Sandbox::new();
    let pack = sandbox.root.join("pack");
    write_files(
        &pack,
        &[("pack.toml", MANIFEST.as_bytes()), ("template/a", b"a")],
    );
    // template/one -> two -> ../../victim.txt: a chain that ends outside the pack.
    std::os::unix::fs::symlink("two", pack.join("template/one")).unwrap();
    std::os::unix::fs::symlink(sandbox.victim(), pack.join("template/two")).unwrap();
    fb(&sandbox.work())
        .args(["new", "victim", "--pack"])
        .arg(&pack)
        .assert()
        .code(2)
        .stderr(contains("points outside the pack"));
    std::fs::remove_file(pack.join("template/one")).unwrap();
    std::fs::remove_file(pack.join("template/two")).unwrap();
    // A name that is not UTF-8.
    let odd = pack
        .join("template")
        .join(std::ffi::OsStr::from_bytes(b"bad\xff.txt"));
    std::fs::write(&odd, "x").unwrap();
    fb(&sandbox.work())
        .args(["new", "victim", "--pack"])
        .arg(&pack)
        .assert()
        .code(2)
        .stderr(contains("is not a UTF-8 path"));
    assert!(std::fs::read_dir(sandbox.work()).unwrap().next().is_none());
    assert_eq!(
        std::fs::read_to_string(sandbox.victim()).unwrap(),
        "precious\n"
    );
}

/// A project made from the built-in pack, inside a sandbox.
fn project(sandbox: &Sandbox, level: &str) -> PathBuf {
    fb(&sandbox.work())
        .args(["new", "demo", "--level", level])
        .assert()
        .success();
    sandbox.work().join("demo")
}

fn edit_lock(project: &Path, edit: impl Fn(&str) -> String) {
    let lock = project.join("fastapi-builder.lock");
    let text = std::fs::read_to_string(&lock).unwrap();
    let edited = edit(&text);
    assert_ne!(text, edited, "the edit changed nothing");
    std::fs::write(&lock, edited).unwrap();
}

/// Every command that reads the lock refuses it with `message`, and nothing changes.
fn lock_refused_everywhere(sandbox: &Sandbox, project: &Path, message: &str) {
    let before = snapshot(&sandbox.root);
    for args in [
        &["status"][..],
        &["diff"],
        &["diff", "--local"],
        &["upgrade", "--to-level", "3", "--allow-dirty"],
        &["update", "--offline", "--allow-dirty"],
        &["add", "resource", "Note", "body:str", "--allow-dirty"],
    ] {
        fb(project)
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(message));
        assert_eq!(
            snapshot(&sandbox.root),
            before,
            "`fb {args:?}` changed something"
        );
    }
}

#[test]
fn lock_entries_outside_the_project_are_a_malformed_lock() {
    for key in [
        "../../victim.txt",
        "/etc/hostname",
        ".git/config",
        ".fb-transaction/journal",
        "a/../b",
        "fastapi-builder.lock",
    ] {
        let sandbox = Sandbox::new();
        let project = project(&sandbox, "2");
        edit_lock(&project, |t| {
            t.replacen("\"README.md\"", &format!("\"{key}\""), 1)
        });
        lock_refused_everywhere(&sandbox, &project, "is malformed");
        lock_refused_everywhere(&sandbox, &project, key);
    }
}

#[cfg(unix)]
#[test]
fn a_lock_entry_through_a_symlink_is_not_read() {
    let sandbox = Sandbox::new();
    let project = project(&sandbox, "2");
    // The user (or a clone) has `docs -> ..`; the lock claims `docs/victim.txt` with the victim's
    // real hash. Reading through the link would report it unmodified.
    std::os::unix::fs::symlink(&sandbox.root, project.join("docs")).unwrap();
    let hash = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(b"precious\n");
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    edit_lock(&project, |t| {
        t.replacen(
            "[files]\n",
            &format!("[files]\n\"docs/victim.txt\" = \"sha256:{hash}\"\n"),
            1,
        )
    });
    fb(&project)
        .arg("status")
        .assert()
        .stdout(contains("modified").and(contains("docs/victim.txt")));
    // A generated file replaced by a link to a file outside: shown as changed, never read.
    let other = sandbox.work().join("other");
    fb(&sandbox.work())
        .args(["new", "other", "--level", "2"])
        .assert()
        .success();
    std::fs::remove_file(other.join("README.md")).unwrap();
    std::os::unix::fs::symlink(sandbox.victim(), other.join("README.md")).unwrap();
    fb(&other)
        .arg("status")
        .assert()
        .stdout(contains("modified").and(contains("README.md")));
    fb(&other)
        .args(["diff", "--local"])
        .assert()
        .stdout(contains("README.md").and(contains("precious").not()));
    fb(&other)
        .args(["upgrade", "--to-level", "3"])
        .assert()
        .code(2)
        .stderr(contains("goes through the symlink `README.md`"));
    assert_eq!(
        std::fs::read_to_string(sandbox.victim()).unwrap(),
        "precious\n"
    );
    // The lockfile itself as a link to a file outside: never read, never quoted.
    let lock = project.join("fastapi-builder.lock");
    std::fs::remove_file(&lock).unwrap();
    std::os::unix::fs::symlink(sandbox.victim(), &lock).unwrap();
    fb(&project)
        .arg("status")
        .assert()
        .code(2)
        .stderr(contains("not a regular file").and(contains("precious").not()));
}

#[test]
fn names_that_differ_only_in_case_are_refused() {
    refused_pack(
        &[
            ("pack.toml", MANIFEST.as_bytes()),
            ("template/README.md", b"a\n"),
            ("template/readme.md", b"b\n"),
        ],
        "differ only in case",
    );
}

/// Stands for the `[pack]` table's version line in a lock edit.
const PACK_VERSION_LINE: &str = "<the pack's version line>";

#[test]
fn tampered_options_and_packs_are_errors_in_every_command() {
    for (edit, message) in [
        (
            ("level = 2", "level = \"two\""),
            "declares it a whole number",
        ),
        (
            ("level = 2", "level = 9"),
            "`level` = 9, which pack `fastapi`",
        ),
        (("level = 2", "level = 5"), "not allowed by pack `fastapi`"),
        (("db = \"sqlite\"", "db = \"oracle\""), "`db` = \"oracle\""),
        (
            ("domain = \"tasks\"", "domain = \"tasks\"\ncolour = \"red\""),
            "option `colour`",
        ),
        (("name = \"fastapi\"", "name = \"other\""), "pack `other`"),
        ((PACK_VERSION_LINE, "version = \"99.0.0\""), "99.0.0"),
        (
            ("source = \"builtin\"", "source = \"ftp://x\""),
            "unknown pack source",
        ),
    ] {
        let sandbox = Sandbox::new();
        let project = project(&sandbox, "2");
        edit_lock(&project, |t| {
            // The pack's version line, whatever the current built-in version is.
            let from = match edit.0 {
                PACK_VERSION_LINE => t
                    .lines()
                    .skip_while(|l| *l != "[pack]")
                    .find(|l| l.starts_with("version = "))
                    .unwrap()
                    .to_string(),
                other => other.to_string(),
            };
            t.replacen(&from, edit.1, 1)
        });
        lock_refused_everywhere(&sandbox, &project, message);
    }
    // An option that does not apply at level 1 must hold the value the pack records for it.
    let sandbox = Sandbox::new();
    let project = project(&sandbox, "1");
    edit_lock(&project, |t| {
        t.replacen("db = \"sqlite\"", "db = \"postgres\"", 1)
    });
    lock_refused_everywhere(&sandbox, &project, "does not apply to this project");
}

#[test]
fn huge_or_broken_locks_get_a_short_error() {
    let sandbox = Sandbox::new();
    let project = project(&sandbox, "1");
    let lock = project.join("fastapi-builder.lock");
    let text = std::fs::read_to_string(&lock).unwrap();
    // A 20 MB unterminated string (a 40 MB one is over the size limit, below).
    std::fs::write(
        &lock,
        format!("{text}\n[extra]\nx = \"{}", "y".repeat(20 << 20)),
    )
    .unwrap();
    let output = fb(&project).arg("status").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.len() < 1000, "{} bytes of stderr", stderr.len());
    assert!(
        stderr.contains("line ") && stderr.contains("column"),
        "{stderr}"
    );
    // Larger than any lock fb writes.
    std::fs::write(
        &lock,
        format!("{text}\n[extra]\nx = \"{}", "y".repeat(40 << 20)),
    )
    .unwrap();
    fb(&project)
        .arg("status")
        .assert()
        .code(2)
        .stderr(contains("more than fb's limit"));
    std::fs::write(&lock, b"version = 1\n\xff\xfe").unwrap();
    fb(&project)
        .arg("status")
        .assert()
        .code(2)
        .stderr(contains("not UTF-8"));
}

#[test]
fn a_planted_journal_is_never_replayed() {
    let sandbox = Sandbox::new();
    let project = project(&sandbox, "1");
    let txn = project.join(".fb-transaction");
    std::fs::create_dir(&txn).unwrap();
    std::fs::write(txn.join("0"), "planted\n").unwrap();
    let created = sandbox.root.join("created.txt");
    let hash = |text: &str| {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(text.as_bytes());
        format!(
            "sha256:{}",
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    };
    let (planted, precious, readme) = (
        hash("planted\n"),
        hash("precious\n"),
        hash(&std::fs::read_to_string(project.join("README.md")).unwrap()),
    );
    for journal in [
        format!(
            "fb-journal 3\nwrite\t0\t-\t{planted}\t{}\nremove\t1\t{precious}\t-\t{}\n",
            created.display(),
            sandbox.victim().display()
        ),
        format!("fb-journal 3\nremove\t0\t{precious}\t-\t../../victim.txt\n"),
        format!("fb-journal 3\nwrite\t0\t-\t{planted}\t.git/hooks/post-checkout\n"),
        // Inside the project, but not what the staged file holds.
        format!("fb-journal 3\nwrite\t0\t{readme}\t{precious}\tREADME.md\n"),
        "fb-journal 1\nremove\t0\tREADME.md\n".to_string(),
        "fb-journal 9\nwrite\t0\tx\n".to_string(),
    ] {
        std::fs::write(txn.join("journal"), &journal).unwrap();
        let before = snapshot(&sandbox.root);
        for args in [
            &["status"][..],
            &["upgrade", "--to-level", "2", "--allow-dirty"],
        ] {
            fb(&project)
                .args(args)
                .assert()
                .code(2)
                .stderr(contains("fb will not replay it"));
            assert_eq!(snapshot(&sandbox.root), before);
        }
        assert!(!created.exists());
    }
}

#[test]
fn a_transaction_directory_that_git_tracks_is_never_replayed() {
    let sandbox = Sandbox::new();
    let project = project(&sandbox, "1");
    // A collaborator committed a journal that would delete the user's local, untracked `.env`.
    std::fs::write(project.join(".env"), "SECRET=mine\n").unwrap();
    let txn = project.join(".fb-transaction");
    std::fs::create_dir(&txn).unwrap();
    let secret = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(b"SECRET=mine\n");
        format!(
            "sha256:{}",
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    };
    std::fs::write(
        txn.join("journal"),
        format!("fb-journal 3\nremove\t0\t{secret}\t-\t.env\n"),
    )
    .unwrap();
    let repo = git2::Repository::init(&project).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_path(Path::new(".fb-transaction/journal"))
        .unwrap();
    index.write().unwrap();
    fb(&project)
        .arg("status")
        .assert()
        .code(2)
        .stderr(contains("tracked by git"));
    assert!(project.join(".env").exists());
}

#[test]
fn an_empty_transaction_directory_is_removed_without_claims() {
    let sandbox = Sandbox::new();
    let project = project(&sandbox, "1");
    std::fs::create_dir(project.join(".fb-transaction")).unwrap();
    let before = read_tree(&project);
    fb(&project)
        .arg("status")
        .assert()
        .success()
        .stderr(contains("interrupted"));
    assert!(!project.join(".fb-transaction").exists());
    assert_eq!(read_tree(&project), before);
}

#[test]
fn merge_file_errors_cannot_pass_for_conflict_counts() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.work().join("a"), "x\n").unwrap();
    fb(&sandbox.work())
        .args(["merge-file", "-p", "a", "missing", "a"])
        .assert()
        .code(255)
        .stderr(contains("cannot read `missing`"));
    fb(&sandbox.work())
        .args([
            "merge-file",
            "-p",
            "a",
            "a",
            "a",
            "-L",
            "1",
            "-L",
            "2",
            "-L",
            "3",
            "-L",
            "4",
        ])
        .assert()
        .code(255);
}

fn git_manifest(version: &str) -> Vec<u8> {
    format!("[pack]\nname = \"shape\"\nversion = \"{version}\"\n").into_bytes()
}

/// A project from a git pack at v1.0.0, with v2.0.0 released: the update turns `config` from a
/// file into a directory and `models/` from a directory into a file.
fn shape_shifting_project(sandbox: &Sandbox) -> PathBuf {
    let repo = PackRepo::new(&sandbox.root.join("pack"));
    let v1 = git_manifest("1.0.0");
    repo.release(
        "v1.0.0",
        &[
            ("pack.toml", v1.as_slice()),
            ("template/config", b"setting = 1\n"),
            ("template/models/task.py", b"class Task: ...\n"),
            ("template/README.md", b"readme\n"),
        ],
    );
    fb(&sandbox.work())
        .args(["new", "demo", "--pack", &repo.url()])
        .env("FB_HOME", sandbox.root.join("home"))
        .assert()
        .success();
    let v2 = git_manifest("2.0.0");
    repo.release(
        "v2.0.0",
        &[
            ("pack.toml", v2.as_slice()),
            ("template/config/settings.py", b"SETTING = 1\n"),
            ("template/models", b"# models live in one file now\n"),
            ("template/README.md", b"readme\n"),
        ],
    );
    sandbox.work().join("demo")
}

#[test]
fn an_update_may_turn_a_file_into_a_directory_and_back() {
    let sandbox = Sandbox::new();
    let project = shape_shifting_project(&sandbox);
    fb(&project)
        .args(["update", "--allow-dirty"])
        .env("FB_HOME", sandbox.root.join("home"))
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(project.join("config/settings.py")).unwrap(),
        "SETTING = 1\n"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("models")).unwrap(),
        "# models live in one file now\n"
    );
    fb(&project)
        .arg("status")
        .env("FB_HOME", sandbox.root.join("home"))
        .assert()
        .success()
        .stdout(contains("no changes"));
}

#[test]
fn a_user_file_in_the_way_of_a_shape_change_is_a_planned_refusal() {
    for edit in ["edit config", "own file in models"] {
        let sandbox = Sandbox::new();
        let project = shape_shifting_project(&sandbox);
        let message = if edit == "edit config" {
            std::fs::write(project.join("config"), "setting = 2\n").unwrap();
            "`config` is a file in the project that this change does not remove"
        } else {
            std::fs::write(project.join("models/mine.py"), "mine\n").unwrap();
            "the directory `models` still holds models/mine.py"
        };
        let before = snapshot(&sandbox.root.join("work"));
        for args in [
            &["update", "--allow-dirty"][..],
            &["update", "--dry-run"],
            &["diff", "--to", "2.0.0"],
        ] {
            fb(&project)
                .args(args)
                .env("FB_HOME", sandbox.root.join("home"))
                .assert()
                .code(2)
                .stderr(contains(message));
            assert_eq!(snapshot(&sandbox.root.join("work")), before);
        }
    }
}

#[test]
fn a_new_pack_version_cannot_plant_a_journal_through_update() {
    let sandbox = Sandbox::new();
    let repo = PackRepo::new(&sandbox.root.join("pack"));
    let v1 = git_manifest("1.0.0");
    repo.release(
        "v1.0.0",
        &[("pack.toml", v1.as_slice()), ("template/a.txt", b"a\n")],
    );
    fb(&sandbox.work())
        .args(["new", "demo", "--pack", &repo.url()])
        .env("FB_HOME", sandbox.root.join("home"))
        .assert()
        .success();
    let v2 = git_manifest("2.0.0");
    let journal = format!(
        "fb-journal 3\nremove\t0\t-\t-\t{}\n",
        sandbox.victim().display()
    );
    repo.release(
        "v2.0.0",
        &[
            ("pack.toml", v2.as_slice()),
            ("template/a.txt", b"a\n"),
            ("template/.fb-transaction/journal", journal.as_bytes()),
            ("template/.fb-transaction/0", b"planted\n"),
        ],
    );
    let project = sandbox.work().join("demo");
    let before = snapshot(&sandbox.root.join("work"));
    fb(&project)
        .args(["update", "--allow-dirty"])
        .env("FB_HOME", sandbox.root.join("home"))
        .assert()
        .code(2)
        .stderr(contains("keeps for itself"));
    assert_eq!(snapshot(&sandbox.root.join("work")), before);
    assert!(sandbox.victim().exists());
}

/// A pack whose commands would write beside the project: its lock command when the project is
/// made, its check when an update comes.
fn commanding_manifest(version: &str, victim: &Path) -> Vec<u8> {
    let touch = |what: &str| format!("sh -c echo>{}.{what}", victim.display());
    format!(
        "[pack]\nname = \"commanding\"\nversion = \"{version}\"\n\n[[generated]]\npath = \"out.lock\"\ncommand = \"{}\"\n\n[[checks]]\ncommand = \"{}\"\n",
        touch("generated"),
        touch("checked"),
    )
    .into_bytes()
}

#[test]
fn a_packs_commands_run_only_when_the_user_trusts_it() {
    let sandbox = Sandbox::new();
    let repo = PackRepo::new(&sandbox.root.join("pack"));
    let victim = sandbox.victim();
    let v1 = commanding_manifest("1.0.0", &victim);
    repo.release(
        "v1.0.0",
        &[("pack.toml", v1.as_slice()), ("template/a.txt", b"1\n")],
    );
    let ran = |what: &str| sandbox.root.join(format!("victim.txt.{what}")).exists();
    fb(&sandbox.work())
        .args(["new", "demo", "--pack", &repo.url()])
        .env_remove("FB_NO_LOCK")
        .env("FB_HOME", sandbox.root.join("home"))
        .assert()
        .success()
        .stderr(contains(
            "`out.lock` was not written (fb runs the commands of a pack that is not built in only with --trust)",
        ));
    assert!(!ran("generated"), "the lock command ran untrusted");
    let v2 = commanding_manifest("2.0.0", &victim);
    repo.release(
        "v2.0.0",
        &[("pack.toml", v2.as_slice()), ("template/a.txt", b"2\n")],
    );
    let project = sandbox.work().join("demo");
    fb(&project)
        .args(["update", "--allow-dirty"])
        .env_remove("FB_NO_LOCK")
        .env_remove("FB_NO_CHECK")
        .env("FB_HOME", sandbox.root.join("home"))
        .assert()
        .success()
        .stderr(contains("only with --trust"));
    assert!(
        !ran("generated") && !ran("checked"),
        "a command ran untrusted"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    // With --trust the user vouches, and the commands run.
    let v3 = commanding_manifest("3.0.0", &victim);
    repo.release(
        "v3.0.0",
        &[("pack.toml", v3.as_slice()), ("template/a.txt", b"3\n")],
    );
    fb(&project)
        .args(["update", "--allow-dirty", "--trust"])
        .env_remove("FB_NO_LOCK")
        .env_remove("FB_NO_CHECK")
        .env("FB_HOME", sandbox.root.join("home"))
        .assert()
        .success();
    assert!(ran("generated") && ran("checked"));
}
