//! `fb upgrade`, `fb diff`, `fb add` and `fb merge-file`: merges into edited projects, dry runs,
//! refusals, and recovery from an apply that was killed half-way.

mod support;

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use predicates::str::contains;
use support::{edit_readme_to_conflict, fb, read_tree};

fn level1(dir: &Path) -> PathBuf {
    fb(dir)
        .args(["new", "demo", "--level", "1"])
        .assert()
        .success();
    dir.join("demo")
}

fn append(path: &Path, text: &str) {
    let mut content = std::fs::read_to_string(path).unwrap();
    content.push_str(text);
    std::fs::write(path, content).unwrap();
}

#[test]
fn upgrade_keeps_user_files_and_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    append(
        &project.join("main.py"),
        "\n\n@app.get(\"/ping\")\ndef ping() -> dict[str, str]:\n    return {\"ping\": \"pong\"}\n",
    );
    std::fs::write(project.join("notes.md"), "mine\n").unwrap();
    std::fs::remove_file(project.join(".gitignore")).unwrap();
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .success()
        .stderr(
            contains("Added app/main.py")
                .and(contains("Kept main.py"))
                .and(contains("Kept deleted .gitignore"))
                .and(contains("note: the app now lives in `app/main.py`")),
        );
    // The edited level-1 module is kept; the user's own file is untouched; the deletion stays.
    assert!(
        std::fs::read_to_string(project.join("main.py"))
            .unwrap()
            .contains("def ping()")
    );
    assert_eq!(
        std::fs::read_to_string(project.join("notes.md")).unwrap(),
        "mine\n"
    );
    assert!(!project.join(".gitignore").exists());
    assert!(
        !project.join("test_main.py").exists(),
        "an untouched file the template dropped is removed"
    );
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    assert!(
        lock.contains("level = 2") && lock.contains("\".gitignore\" = "),
        "{lock}"
    );
    // The deletion is remembered: status reports it, and a later upgrade leaves it deleted.
    fb(&project)
        .arg("status")
        .assert()
        .success()
        .stdout(contains("deleted (1):\n  .gitignore"));
}

#[test]
fn upgrade_merges_edits_into_updated_files() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    // README changes between levels: a user line at the end survives the merge.
    append(&project.join("README.md"), "\nMy own notes.\n");
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .success()
        .stderr(contains("Merged README.md"));
    let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
    assert!(
        readme.contains("My own notes.") && readme.contains("app/"),
        "{readme}"
    );
}

#[test]
fn dry_run_and_diff_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    let before = read_tree(&project);
    fb(&project)
        .args(["upgrade", "--to-level", "2", "--dry-run"])
        .assert()
        .success()
        .stderr(contains("Add app/main.py").and(contains("nothing was written")));
    fb(&project)
        .args(["diff", "--to-level", "2"])
        .assert()
        .success()
        .stdout(
            contains("added  app/main.py")
                .and(contains("+++ b/app/main.py"))
                .and(contains("removed  test_main.py")),
        );
    fb(&project)
        .args(["diff", "--to-level", "2", "--exit-code", "--stat"])
        .assert()
        .code(1);
    assert_eq!(read_tree(&project), before);
}

#[test]
fn diff_local_shows_the_users_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    fb(&project)
        .args(["diff", "--exit-code"])
        .assert()
        .success()
        .stderr(contains("no differences"));
    append(&project.join("main.py"), "# edited\n");
    fb(&project)
        .args(["diff", "--exit-code"])
        .assert()
        .code(1)
        .stdout(contains("+# edited").and(contains("--- a/main.py")));
}

#[test]
fn refusals() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "2"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    fb(&project)
        .args(["upgrade", "--to-level", "1"])
        .assert()
        .code(2)
        .stderr(contains("does not go down levels"));
    fb(&project)
        .args(["upgrade", "--to-level", "3", "--auth", "none"])
        .assert()
        .code(2)
        .stderr(contains("level 3 needs authentication"));
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .success()
        .stderr(contains("already at level 2"));
    fb(&project)
        .args(["add", "docker"])
        .assert()
        .code(2)
        .stderr(contains(
            "has no feature `docker` (its features: background, cache, ml, versioning, websockets)",
        ));
    fb(tmp.path())
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .code(2)
        .stderr(contains("could not find `fastapi-builder.lock`"));
}

#[test]
fn the_database_is_chosen_once_and_then_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    // Level 1 has no database: going to level 2 chooses one freely.
    fb(&project)
        .args([
            "upgrade",
            "--to-level",
            "2",
            "--set",
            "db=postgres",
            "--dry-run",
        ])
        .assert()
        .success();
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .success();
    let before = read_tree(&project);
    let refused =
        "option `db` cannot change once a project has it (this one has sqlite, not postgres)";
    fb(&project)
        .args(["update", "--set", "db=postgres"])
        .assert()
        .code(2)
        .stderr(contains(refused))
        .stderr(contains("fb new --set db=postgres"));
    fb(&project)
        .args(["upgrade", "--to-level", "3", "--set", "db=postgres"])
        .assert()
        .code(2)
        .stderr(contains(refused));
    fb(&project)
        .args([
            "upgrade",
            "--to-level",
            "3",
            "--set",
            "db=mongodb",
            "--dry-run",
        ])
        .assert()
        .code(2)
        .stderr(contains("this one has sqlite, not mongodb"));
    assert_eq!(
        read_tree(&project),
        before,
        "a refused change wrote something"
    );
    // Naming the value it already has is no change.
    fb(&project)
        .args(["update", "--set", "db=sqlite"])
        .assert()
        .success();
}

#[test]
fn a_dirty_git_work_tree_is_refused_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    git2::Repository::init(&project).unwrap();
    let before = read_tree(&project);
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .code(2)
        .stderr(contains("uncommitted changes").and(contains("--allow-dirty")));
    assert_eq!(read_tree(&project), before);
    fb(&project)
        .args(["upgrade", "--to-level", "2", "--allow-dirty"])
        .assert()
        .success();
}

/// Commits every file of `dir` into a new git repository there.
fn commit_all(dir: &Path) {
    let repo = git2::Repository::init(dir).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("t", "t@example.com").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "init", &tree, &[])
        .unwrap();
}

#[test]
fn only_changes_in_the_way_block_a_command() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    commit_all(&project);
    // An untracked file of the user's that the upgrade does not write is not in the way.
    std::fs::write(project.join("notes.md"), "mine\n").unwrap();
    // One the upgrade would write is, by name.
    std::fs::create_dir_all(project.join("app")).unwrap();
    std::fs::write(project.join("app/main.py"), "print('mine')\n").unwrap();
    let before = read_tree(&project);
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .code(2)
        .stderr(contains("uncommitted changes").and(contains("(app/main.py)")));
    assert_eq!(read_tree(&project), before);
    std::fs::remove_file(project.join("app/main.py")).unwrap();
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(project.join("notes.md")).unwrap(),
        "mine\n"
    );
    // A tracked file with uncommitted edits blocks, before any question is asked.
    append(&project.join("README.md"), "\nedited\n");
    fb(&project)
        .args(["add", "resource", "Note", "body:str"])
        .assert()
        .code(2)
        .stderr(contains("README.md"));
    // Nothing to update is never an error, dirty or not.
    fb(&project)
        .args(["update", "--offline"])
        .assert()
        .success();
}

#[test]
fn remove_resource_takes_back_what_add_resource_did_and_keeps_edits() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "2"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    let pristine = read_tree(&project);
    fb(&project)
        .args(["add", "resource", "Note", "body:str"])
        .assert()
        .success();
    assert!(project.join("app/models/note.py").is_file());
    // Untouched, `fb remove` gives back the project as it was, byte for byte.
    fb(&project)
        .args(["remove", "resource", "Note"])
        .assert()
        .success()
        .stderr(contains("Removed app/models/note.py"));
    assert_eq!(read_tree(&project), pristine);
    // With edits: the edited router stays, as the user's; the user's line in main.py stays while
    // the registration leaves; the lock forgets the resource.
    fb(&project)
        .args(["add", "resource", "Note", "body:str"])
        .assert()
        .success();
    append(&project.join("app/routers/notes.py"), "# my edit\n");
    append(&project.join("app/main.py"), "# my line\n");
    fb(&project)
        .args(["remove", "resource", "notes"])
        .assert()
        .success()
        .stderr(contains("Kept app/routers/notes.py").and(contains("Merged app/main.py")));
    let main = std::fs::read_to_string(project.join("app/main.py")).unwrap();
    assert!(
        main.contains("# my line") && !main.contains("notes.router"),
        "{main}"
    );
    assert!(
        std::fs::read_to_string(project.join("app/routers/notes.py"))
            .unwrap()
            .contains("# my edit")
    );
    assert!(!project.join("app/models/note.py").exists());
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    assert!(lock.contains("resources = []"), "{lock}");
    fb(&project)
        .args(["status"])
        .assert()
        .stdout(contains("added (1):").and(contains("app/routers/notes.py")));
}

#[test]
fn remove_refuses_what_the_project_does_not_have() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "2"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    let before = read_tree(&project);
    for (args, message) in [
        (
            &["remove", "resource", "Task"][..],
            "no added resource `Task` (none was added",
        ),
        (
            &["remove", "resource", "Order"][..],
            "no added resource `Order`",
        ),
        (&["remove", "cache"][..], "no feature `cache` (it has none)"),
        (&["remove", "resource"][..], "takes one resource name"),
    ] {
        fb(&project)
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(message));
        assert_eq!(read_tree(&project), before);
    }
}

#[test]
fn quiet_still_says_that_conflicts_were_left() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    edit_readme_to_conflict(&project);
    fb(&project)
        .args(["-q", "upgrade", "--to-level", "2"])
        .assert()
        .code(1)
        .stderr("warning: 1 file(s) have conflicts to resolve: README.md\n");
}

#[test]
fn errors_are_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    let lock = project.join("fastapi-builder.lock");
    let text = std::fs::read_to_string(&lock).unwrap();
    std::fs::write(&lock, text.replacen("level = 1", "level = \"one\"", 1)).unwrap();
    let output = fb(&project).arg("status").output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("Caused by"), "{stderr}");
}

#[test]
fn a_pack_changed_since_the_render_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    let lock = project.join("fastapi-builder.lock");
    let text = std::fs::read_to_string(&lock).unwrap();
    let start = text.find("checksum = \"sha256:").unwrap() + "checksum = \"sha256:".len();
    let mut tampered = text.clone();
    tampered.replace_range(start..start + 4, "0000");
    std::fs::write(&lock, tampered).unwrap();
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .code(2)
        .stderr(contains("has changed since it made this project"));
}

#[test]
fn a_crash_before_the_commit_point_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    let before = read_tree(&project);
    // What a crash while staging leaves behind: a staging directory without a journal.
    std::fs::create_dir(project.join(".fb-transaction")).unwrap();
    std::fs::write(project.join(".fb-transaction/0"), "staged").unwrap();
    fb(&project)
        .arg("status")
        .assert()
        .success()
        .stderr(contains("before it changed anything"));
    assert_eq!(read_tree(&project), before);
}

#[test]
fn merge_file_follows_git_merge_file() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(tmp.path().join(name), text).unwrap();
    write("base", "a\nb\nc\n");
    write("ours", "A\nb\nc\n");
    write("theirs", "a\nb\nC\n");
    fb(tmp.path())
        .args(["merge-file", "-p", "ours", "base", "theirs"])
        .assert()
        .code(0)
        .stdout("A\nb\nC\n");
    fb(tmp.path())
        .args(["merge-file", "ours", "base", "theirs"])
        .assert()
        .code(0)
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("ours")).unwrap(),
        "A\nb\nC\n"
    );
    write("ours", "X\nb\nc\n");
    write("theirs", "Y\nb\nc\n");
    fb(tmp.path())
        .args([
            "merge-file",
            "-p",
            "-L",
            "mine",
            "-L",
            "old",
            "-L",
            "new",
            "ours",
            "base",
            "theirs",
        ])
        .assert()
        .code(1)
        .stdout("<<<<<<< mine\nX\n||||||| old\na\n=======\nY\n>>>>>>> new\nb\nc\n");
    fb(tmp.path())
        .args(["merge-file", "-p", "missing", "base", "theirs"])
        .assert()
        .code(255)
        .stderr(contains("cannot read `missing`"));
}

const MINI_PACK: &[(&str, &str)] = &[
    (
        "pack.toml",
        r#"[pack]
name = "mini"
version = "1.0.0"

[options.level]
type = "int"
choices = [1, 2]
default = 1

[options.resources]
type = "list"
default = []

[computed]
models = "resources | map('resource_model') | list"

[[repeat]]
paths_containing = "{{ m."
over = "models"
as = "m"

[[moves]]
from = "routers/{{ m.plural }}.py"
to = "api/{{ m.plural }}.py"
when = "level >= 2"
"#,
    ),
    (
        "template/main.py.jinja",
        "from fastapi import FastAPI\n{% for m in models %}\nfrom routers import {{ m.plural }}\n{% endfor %}\n\napp = FastAPI()\n{% for m in models %}\napp.include_router({{ m.plural }}.router)\n{% endfor %}\n\n\n@app.get(\"/health\")\ndef health() -> str:\n    return \"ok\"\n",
    ),
    (
        "template/{% if level == 1 %}routers{% else %}api{% endif %}/{{ m.plural }}.py.jinja",
        "# {{ m.title }} routes: {{ m.spec }}\n",
    ),
];

#[test]
fn add_resource_renders_its_files_and_registers_it_in_an_edited_module() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("mini");
    support::write_pack(&pack, MINI_PACK);
    fb(tmp.path())
        .args(["new", "demo", "--pack"])
        .arg(&pack)
        .assert()
        .success();
    let project = tmp.path().join("demo");
    append(
        &project.join("main.py"),
        "\n\n@app.get(\"/ping\")\ndef ping() -> str:\n    return \"pong\"\n",
    );
    fb(&project)
        .args(["add", "resource", "Order", "total:float", "paid:bool"])
        .assert()
        .success()
        .stderr(contains("Merged main.py").and(contains("Added routers/orders.py")));
    let main = std::fs::read_to_string(project.join("main.py")).unwrap();
    assert!(
        main.contains("app.include_router(orders.router)") && main.contains("def ping()"),
        "{main}"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("routers/orders.py")).unwrap(),
        "# Order routes: Order total:float paid:bool\n"
    );
    fb(&project)
        .args(["add", "resource", "order", "x:int"])
        .assert()
        .code(2)
        .stderr(contains("already has a resource `Order`"));
    fb(&project)
        .args(["add", "resource", "Bad", "x:money"])
        .assert()
        .code(2)
        .stderr(contains("unknown type `money`"));
    fb(&project)
        .args(["add", "resource"])
        .assert()
        .code(2)
        .stderr(contains("needs a resource"));
    // A move of repeated files moves each resource's file, with the user's edits.
    fb(&project)
        .args(["add", "resource", "Invoice", "number:int"])
        .assert()
        .success();
    append(&project.join("routers/orders.py"), "# edited\n");
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .success()
        .stderr(
            contains("Moved api/orders.py (from routers/orders.py)")
                .and(contains("Moved api/invoices.py (from routers/invoices.py)")),
        );
    assert_eq!(
        std::fs::read_to_string(project.join("api/orders.py")).unwrap(),
        "# Order routes: Order total:float paid:bool\n# edited\n"
    );
    assert!(!project.join("routers").exists());
}

#[test]
fn add_resource_to_a_builtin_level_2_project_registers_it_in_the_edited_main() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "2", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    append(
        &project.join("app/main.py"),
        "\n\n@app.get(\"/version\")\ndef version() -> str:\n    return \"1.0\"\n",
    );
    fb(&project)
        .args(["add", "resource", "Order", "total:float", "paid:bool"])
        .assert()
        .success()
        .stderr(
            contains("Merged app/main.py")
                .and(contains("Added app/routers/orders.py"))
                .and(contains("Added tests/test_orders.py")),
        );
    let main = std::fs::read_to_string(project.join("app/main.py")).unwrap();
    assert!(
        main.contains("from app.routers import health, orders, tasks")
            && main.contains("app.include_router(orders.router)")
            && main.contains("def version()"),
        "{main}"
    );
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    assert!(
        lock.contains("resources = [\"Order total:float paid:bool\"]"),
        "{lock}"
    );
    fb(&project)
        .args(["add", "resource", "Task", "x:int"])
        .assert()
        .code(2)
        .stderr(contains("the main resource is already `Task`"));
}

#[test]
fn add_resource_needs_a_pack_and_a_level_that_support_it() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    fb(&project)
        .args(["add", "resource", "Order", "total:float"])
        .assert()
        .code(2)
        .stderr(contains("resources need level 2 or higher"));
    let pack = tmp.path().join("bare");
    support::write_pack(
        &pack,
        &[
            (
                "pack.toml",
                "[pack]\nname = \"bare\"\nversion = \"1.0.0\"\n",
            ),
            ("template/a.txt", "a\n"),
        ],
    );
    fb(tmp.path())
        .args(["new", "plain", "--pack"])
        .arg(&pack)
        .assert()
        .success();
    fb(&tmp.path().join("plain"))
        .args(["add", "resource", "Order", "total:float"])
        .assert()
        .code(2)
        .stderr(contains("has no `resources` option"));
}

/// The built-in pack's current version, as its pack.toml says.
fn builtin_version() -> String {
    let manifest = include_str!("../templates/fastapi/pack.toml");
    let line = manifest
        .lines()
        .find(|l| l.starts_with("version = "))
        .unwrap();
    line.trim_start_matches("version = ")
        .trim_matches('"')
        .to_string()
}

#[test]
fn projects_from_earlier_builtin_packs_update_offline() {
    let current = builtin_version();
    for old in ["0.1.0", "0.2.0"] {
        let tmp = tempfile::tempdir().unwrap();
        fb(tmp.path())
            .args(["new", "old", "--level", "2", "--yes", "--pack"])
            .arg(format!("fastapi@{old}"))
            .assert()
            .success();
        let project = tmp.path().join("old");
        let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
        assert!(lock.contains(&format!("version = \"{old}\"")), "{lock}");
        append(
            &project.join("app/routers/tasks.py"),
            "\n\n@router.get(\"/stats/ping\")\ndef tasks_ping() -> dict[str, str]:\n    return {\"tasks\": \"pong\"}\n",
        );
        fb(&project)
            .arg("status")
            .assert()
            .success()
            .stdout(contains(format!("{current} is available")));
        fb(&project)
            .args(["update", "--offline"])
            .assert()
            .success()
            .stderr(contains(format!("from {old} to {current}")));
        let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
        assert!(lock.contains(&format!("version = \"{current}\"")), "{lock}");
        let router = std::fs::read_to_string(project.join("app/routers/tasks.py")).unwrap();
        assert!(router.contains("def tasks_ping()"), "{router}");
        // The updated project upgrades on with the new version's levels.
        fb(&project)
            .args(["upgrade", "--to-level", "3", "--dry-run"])
            .assert()
            .success();
    }
}

#[test]
fn update_set_at_the_newest_version_changes_the_options_or_says_why_not() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "4", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    // An option the pack does not have is an error, not dropped without a word.
    let before = support::read_tree(&project);
    fb(&project)
        .args(["update", "--offline", "--set", "nosuch=1"])
        .assert()
        .code(2)
        .stderr(contains("pack `fastapi` has no option `nosuch`"));
    assert_eq!(support::read_tree(&project), before);
    // A real option changes at the version the project has.
    fb(&project)
        .args(["update", "--offline", "--set", "resources=Note body:str"])
        .assert()
        .success()
        .stderr(contains("Updated the options at version").and(contains("Added")));
    assert!(project.join("app/models/note.py").exists());
    fb(&project)
        .args(["update", "--offline"])
        .assert()
        .success()
        .stderr(contains("Up to date"));
}

#[test]
fn conflict_markers_follow_gitattributes() {
    let tmp = tempfile::tempdir().unwrap();
    let project = level1(tmp.path());
    edit_readme_to_conflict(&project);
    let readme = project.join("README.md");
    // As git does, a file whose attributes ask for longer markers gets them; others keep 7.
    std::fs::write(
        project.join(".gitattributes"),
        "*.md conflict-marker-size=12\n",
    )
    .unwrap();
    fb(&project)
        .args(["-q", "upgrade", "--to-level", "2"])
        .assert()
        .code(1);
    let merged = std::fs::read_to_string(&readme).unwrap();
    assert!(
        merged.lines().any(|l| l.starts_with("<<<<<<<<<<<< ")),
        "{merged}"
    );
    assert!(merged.lines().any(|l| l == "============"), "{merged}");
    assert!(
        !merged.lines().any(|l| l.starts_with("<<<<<<< ")),
        "{merged}"
    );
}

/// A migration the user wrote, by hand, as `alembic revision` would.
fn user_migration(project: &Path, revision: &str, down: &str) {
    std::fs::write(
        project.join(format!("alembic/versions/{revision}_mine.py")),
        format!(
            "\"\"\"mine\"\"\"\n\nrevision = \"{revision}\"\ndown_revision = \"{down}\"\n\n\ndef upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n"
        ),
    )
    .unwrap();
}

#[test]
fn add_resource_chains_its_migration_after_the_users_head() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "4"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    user_migration(&project, "u1", "0002");
    fb(&project)
        .args(["add", "resource", "Note", "body:str"])
        .assert()
        .success()
        .stderr(contains("Chained migration `add_notes` after `u1`"));
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    assert!(
        lock.contains("alembic_parents = [\"0002=0001\", \"add_notes=u1\"]"),
        "{lock}"
    );
    let migration = std::fs::read_to_string(project.join("alembic/versions/add_notes.py")).unwrap();
    assert!(
        migration.contains("down_revision: str | Sequence[str] | None = \"u1\"")
            && migration.contains("Revises: u1"),
        "{migration}"
    );
    // 0002, which the pack places after its last resource, keeps the parent it has on disk.
    // The records are in the lock, so the merge base renders the same files: nothing is changed.
    fb(&project)
        .args(["status"])
        .assert()
        .success()
        .stdout(contains("modified").not());
    // The next resource follows the last one, which is the head: nothing more to record.
    fb(&project)
        .args(["add", "resource", "Tag", "label:str"])
        .assert()
        .success();
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    assert!(
        lock.contains("alembic_parents = [\"0002=0001\", \"add_notes=u1\"]"),
        "{lock}"
    );
    let tags = std::fs::read_to_string(project.join("alembic/versions/add_tags.py")).unwrap();
    assert!(tags.contains("= \"add_notes\""), "{tags}");
}

#[test]
fn add_resource_with_several_heads_says_so_and_guesses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "4"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    user_migration(&project, "a1", "0002");
    user_migration(&project, "b1", "0002");
    fb(&project)
        .args(["add", "resource", "Note", "body:str"])
        .assert()
        .success()
        .stderr(contains("2 heads (a1, b1)").and(contains("alembic merge heads")));
    // Only the pack's own 0002 keeps the parent it has (the new resource would come before it).
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    assert!(lock.contains("alembic_parents = [\"0002=0001\"]"), "{lock}");
}

/// A pack whose check reports every line `BROKEN` of the project's `.py` files, as a linter would.
const CHECKED_PACK: &[(&str, &str)] = &[
    (
        "pack.toml",
        "[pack]\nname = \"checked\"\nversion = \"1.0.0\"\n\n[options.features]\ntype = \"list\"\nchoices = [\"extra\"]\ndefault = []\n\n[[checks]]\nname = \"the broken-line check\"\ncommand = \"sh lint.sh\"\nhelp = \"rename them\"\n",
    ),
    (
        "template/lint.sh",
        "found=$(grep -n BROKEN *.py | sed 's/^\\([^:]*\\):\\([0-9]*\\):.*/\\1:\\2:1: X1 broken line/')\n[ -z \"$found\" ] && exit 0\necho \"$found\"\nexit 1\n",
    ),
    (
        "template/app.py.jinja",
        "import os\n{% if 'extra' in features %}\nBROKEN = os\n{% endif %}\n",
    ),
];

#[test]
fn checks_report_what_the_change_brought_and_not_what_was_there() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    support::write_pack(&pack, CHECKED_PACK);
    fb(tmp.path())
        .args(["new", "demo", "--pack"])
        .arg(&pack)
        .assert()
        .success();
    let project = tmp.path().join("demo");
    // A finding of the user's own, there before the change: not the change's doing.
    std::fs::write(project.join("mine.py"), "BROKEN = 1\n").unwrap();
    // The pack is not built in: without --trust its check does not run, and fb says so.
    fb(&project)
        .env_remove("FB_NO_CHECK")
        .args(["add", "extra"])
        .assert()
        .success()
        .stderr(
            contains("could not run the broken-line check (fb runs the commands of a pack that is not built in only with --trust)")
                .and(contains("Checking").not()),
        );
    fb(&project).args(["remove", "extra"]).assert().success();
    fb(&project)
        .env_remove("FB_NO_CHECK")
        .args(["add", "extra", "--trust"])
        .assert()
        .code(1)
        .stderr(
            contains("Checking the broken-line check")
                .and(contains(
                    "the broken-line check: 1 problem(s) this change brought, in code of yours (rename them):\n  app.py:2:1: X1 broken line",
                ))
                .and(contains("mine.py").not()),
        );
    // With --no-check nothing runs, and nothing is said.
    fb(&project)
        .env_remove("FB_NO_CHECK")
        .args(["remove", "extra", "--no-check", "--trust"])
        .assert()
        .success()
        .stderr(contains("Checking").not());
}

/// A name that the next level's code uses is refused before anything changes: `User` is a
/// resource at level 2, the account model from level 3; `Query` is FastAPI's `Query` in every
/// router.
#[test]
fn a_resource_name_the_new_code_uses_is_refused_and_nothing_changes() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "2", "--resource", "User name:str"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    let before = read_tree(&project);
    fb(&project)
        .args(["upgrade", "--to-level", "3", "--auth", "jwt"])
        .assert()
        .code(2)
        .stderr(contains(
            "the resource name `User` clashes with the generated code: its module `app/crud/user.py` is already one of the pack's files; pick another name",
        ));
    fb(&project)
        .args(["add", "resource", "Query", "text:str"])
        .assert()
        .code(2)
        .stderr(contains(
            "the resource name `Query` clashes with the generated code",
        ));
    assert_eq!(
        read_tree(&project),
        before,
        "a refused change wrote something"
    );
    fb(&project)
        .args(["add", "resource", "Item", "name:str"])
        .assert()
        .success();
}
