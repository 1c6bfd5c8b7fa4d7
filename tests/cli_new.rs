//! `fb new`: help, generated trees, determinism and every error path (exit status 2, nothing written).

mod support;

use std::path::Path;

use predicates::prelude::*;
use predicates::str::contains;
use support::{assert_golden_tree, entries, fb, read_tree, write_pack};

#[test]
fn help_lists_commands_and_options() {
    let tmp = tempfile::tempdir().unwrap();
    let out = fb(tmp.path())
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    snapbox::assert_data_eq!(out, snapbox::file!["snapshots/help.txt"]);
    let out = fb(tmp.path())
        .args(["new", "--help"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    snapbox::assert_data_eq!(out, snapbox::file!["snapshots/new-help.txt"]);
}

#[test]
fn completions_cover_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = fb(Path::new("."))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        for command in [
            "new",
            "status",
            "upgrade",
            "update",
            "add",
            "diff",
            "merge-file",
            "allow-dirty",
        ] {
            assert!(
                script.contains(command),
                "{shell} completions lack {command}"
            );
        }
    }
    fb(Path::new("."))
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn new_without_a_terminal_takes_defaults_and_prints_next_steps() {
    let tmp = tempfile::tempdir().unwrap();
    let out = fb(tmp.path())
        .args(["new", "demo"])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    snapbox::assert_data_eq!(out, snapbox::file!["snapshots/new-default.txt"]);
    let lock = std::fs::read_to_string(tmp.path().join("demo/fastapi-builder.lock")).unwrap();
    assert!(lock.starts_with("# Written by fb. Do not edit by hand.\nversion = 1\n"));
    assert!(lock.contains("level = 2\ndb = \"sqlite\"\nauth = \"none\"\ndomain = \"tasks\""));
}

/// Generates project `name` with `fb new NAME ARGS...` and compares it with `tests/golden/<case>`.
fn golden(case: &str, name: &str, args: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", name])
        .args(args)
        .assert()
        .success();
    assert_golden_tree(case, &tmp.path().join(name));
}

#[test]
fn golden_level_1() {
    golden("level1", "hello", &["--level", "1", "--yes"]);
}

#[test]
fn golden_level_2_sqlite_tasks() {
    golden(
        "level2-sqlite-tasks",
        "my-tasks",
        &["--level", "2", "--db", "sqlite", "--domain", "tasks"],
    );
}

#[test]
fn golden_level_2_postgres_custom_resource() {
    let resource = "Order code:str:unique total:float paid:bool note:text? due:date?";
    golden(
        "level2-postgres-orders",
        "orders",
        &["--db", "postgres", "--resource", resource],
    );
}

#[test]
fn golden_level_2_mongodb_shop() {
    golden(
        "level2-mongodb-shop",
        "mongo-shop",
        &["--level", "2", "--db", "mongodb", "--domain", "shop"],
    );
}

#[test]
fn golden_level_3_mongodb_apikey() {
    golden(
        "level3-mongodb-apikey",
        "mongo-keys",
        &["--level", "3", "--db", "mongodb", "--auth", "apikey"],
    );
}

#[test]
fn golden_level_4_mongodb_jwt() {
    golden(
        "level4-mongodb-jwt",
        "mongo-prod",
        &["--level", "4", "--db", "mongodb", "--auth", "jwt"],
    );
}

#[test]
fn golden_level_3_sqlite_jwt() {
    golden(
        "level3-sqlite-jwt",
        "secure",
        &["--level", "3", "--auth", "jwt"],
    );
}

#[test]
fn golden_level_4_postgres_oauth2() {
    golden(
        "level4-postgres-oauth2",
        "prod",
        &["--level", "4", "--db", "postgres", "--auth", "oauth2"],
    );
}

#[test]
fn two_renders_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        vec!["--level", "1"],
        vec!["--level", "4", "--auth", "apikey"],
        vec![
            "--level", "3", "--db", "postgres", "--auth", "oauth2", "--domain", "blog",
        ],
        vec!["--db", "postgres", "--domain", "shop"],
        vec!["--domain", "blog"],
        vec!["--resource", "Gadget name:str:unique at:datetime? n:int"],
    ] {
        for dir in ["a", "b"] {
            fb(tmp.path())
                .args(["new", "same", "--path", dir])
                .args(&args)
                .assert()
                .success();
        }
        assert_eq!(
            read_tree(&tmp.path().join("a")),
            read_tree(&tmp.path().join("b")),
            "{args:?}"
        );
        std::fs::remove_dir_all(tmp.path().join("a")).unwrap();
        std::fs::remove_dir_all(tmp.path().join("b")).unwrap();
    }
}

#[test]
fn names_become_python_packages() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "nested/my-shop", "--domain", "shop"])
        .assert()
        .success();
    let pyproject =
        std::fs::read_to_string(tmp.path().join("nested/my-shop/pyproject.toml")).unwrap();
    assert!(pyproject.contains("name = \"my-shop\""), "{pyproject}");
}

#[test]
fn dry_run_lists_files_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--dry-run"])
        .assert()
        .success()
        .stdout(contains("app/main.py (").and(contains("fastapi-builder.lock (")))
        .stderr(contains("nothing was written"));
    assert!(entries(tmp.path()).is_empty());
}

#[test]
fn quiet_prints_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["-q", "new", "demo"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn an_empty_target_directory_is_used() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("demo")).unwrap();
    fb(tmp.path()).args(["new", "demo"]).assert().success();
    assert!(tmp.path().join("demo/app/main.py").is_file());
}

/// Runs `fb new` expecting exit status 2 with `message`, and checks nothing was written.
fn refused(args: &[&str], message: &str) {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(args)
        .assert()
        .code(2)
        .stderr(contains(message));
    assert!(
        entries(tmp.path()).is_empty(),
        "{args:?} left files behind: {:?}",
        entries(tmp.path())
    );
}

#[test]
fn bad_input_is_refused_with_exit_2() {
    refused(
        &["new", "1st"],
        "invalid project name `1st`: it must start with a letter",
    );
    refused(
        &["new", "fastapi"],
        "clashes with a package the project uses",
    );
    refused(
        &["new", "demo", "--db", "mysql"],
        "unknown value `mysql`: expected one of sqlite, postgres, mongodb",
    );
    refused(
        &["new", "demo", "--level", "9"],
        "unknown value `9`: expected one of 1, 2, 3, 4, 5",
    );
    refused(
        &["new", "demo", "--level", "two"],
        "`two` is not a whole number",
    );
    refused(
        &["new", "demo", "--level", "3", "--auth", "none"],
        "level 3 needs authentication",
    );
    refused(
        &[
            "new",
            "demo",
            "--db",
            "mongodb",
            "--set",
            "resources=Customer name:str,Invoice customer:ref:Customer",
        ],
        "`ref` fields need a SQL database",
    );
    refused(
        &["new", "demo", "--resource", "Order total:money"],
        "unknown type `money` for field `total`",
    );
    refused(&["new", "demo", "--resource", "Order"], "has no fields");
    refused(&["new", "demo", "--with", "nope"], "unknown value `nope`");
    refused(
        &["new", "demo", "--set", "colour=red"],
        "has no option `colour`",
    );
    refused(
        &["new", "demo", "--set", "colour"],
        "needs the form KEY=VALUE",
    );
    refused(
        &["new", "demo", "--pack", "no-such-pack"],
        "no pack named `no-such-pack`",
    );
    refused(
        &["new", "demo", "--pack", "file:///no/such/pack.git"],
        "cannot fetch `file:///no/such/pack.git`",
    );
    refused(
        &["new", "demo", "--pack", "fastapi@9.9.9"],
        "the built-in pack has no version 9.9.9",
    );
    refused(
        &["new", "demo", "--domain", "blog", "--resource", "Ab b:int"],
        "--resource goes with the custom domain",
    );
    refused(
        &["new", "demo", "--domain", "custom"],
        "the custom domain needs a resource",
    );
    refused(
        &["new", "demo", "--resource", "Query text:str"],
        "error: the resource name `Query` clashes with the generated code: `app/routers/queries.py` already uses `Query` (line 6) where the resource's own `Query` would go; pick another name\n",
    );
    refused(
        &["new", "demo", "--level", "3", "--resource", "User name:str"],
        "the resource name `User` clashes with the generated code: its module `app/crud/user.py` is already one of the pack's files",
    );
    refused(
        &[
            "new",
            "demo",
            "--resource",
            "New a:int",
            "--set",
            "resources=News b:int",
        ],
        "the resource names `New` and `News` clash in the generated code: both would write `app/routers/news.py`; rename one of them",
    );
    refused(
        &["new", "demo", "--level", "3", "--db", "nope"],
        "unknown value `nope`",
    );
}

/// Names are refused only where they clash: FastAPI's own tutorial names work, and `User` is free
/// below level 3, where the project has no users.
#[test]
fn names_that_clash_nowhere_are_accepted() {
    for args in [
        &[
            "--resource",
            "Item name:str",
            "--set",
            "resources=Items n:int",
        ][..],
        &[
            "--level",
            "4",
            "--auth",
            "apikey",
            "--resource",
            "Item name:str",
        ],
        &["--resource", "User name:str"],
        &["--level", "3", "--resource", "Status label:str"],
    ] {
        let tmp = tempfile::tempdir().unwrap();
        fb(tmp.path())
            .args(["new", "demo"])
            .args(args)
            .assert()
            .success();
    }
}

#[test]
fn inapplicable_options_warn() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "hello", "--level", "1", "--db", "postgres"])
        .assert()
        .success()
        .stderr(contains(
            "warning: option `db` (`postgres`) does not apply to this project and is ignored",
        ));
}

#[test]
fn a_non_empty_target_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("demo")).unwrap();
    std::fs::write(tmp.path().join("demo/keep.txt"), "mine").unwrap();
    fb(tmp.path())
        .args(["new", "demo"])
        .assert()
        .code(2)
        .stderr(contains("already exists and is not empty"));
    assert_eq!(entries(&tmp.path().join("demo")), ["keep.txt"]);
    assert_eq!(entries(tmp.path()), ["demo"]);
}

const MANIFEST: &str = "[pack]\nname = \"evil\"\nversion = \"1.0.0\"\n[options.name]\ntype = \"str\"\ndefault = \"x\"\n";

/// Runs `fb new` with a pack made of `files`, expecting a refusal that names `message`.
fn hostile(files: &[(&str, &str)], message: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    write_pack(&pack, files);
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    fb(&work)
        .args(["new", "victim", "--pack"])
        .arg(&pack)
        .assert()
        .code(2)
        .stderr(contains(message));
    assert!(
        entries(&work).is_empty(),
        "left behind: {:?}",
        entries(&work)
    );
    assert_eq!(
        entries(tmp.path()),
        ["pack", "work"],
        "wrote outside the project"
    );
}

#[test]
fn hostile_packs_are_refused_before_anything_is_written() {
    hostile(
        &[
            ("pack.toml", MANIFEST),
            ("template/{{ '..' }}/escape.txt", "x"),
        ],
        "inside the project",
    );
    hostile(
        &[
            ("pack.toml", MANIFEST),
            ("template/a/{{ '.' ~ '.' }}/{{ '.' ~ '.' }}/escape.txt", "x"),
        ],
        "inside the project",
    );
    hostile(
        &[
            ("pack.toml", MANIFEST),
            ("template/{{ '.git' }}/hooks/pre-commit", "x"),
        ],
        "is a name fb keeps for itself (git's own directory)",
    );
    hostile(
        &[
            ("pack.toml", MANIFEST),
            ("template/ok.txt", "x"),
            ("template/{{ 'ok.txt' }}", "y"),
        ],
        "both render to `ok.txt`",
    );
    hostile(
        &[
            ("pack.toml", MANIFEST),
            ("template/fastapi-builder.lock", "x"),
        ],
        "is a name fb keeps for itself (fb writes the lockfile itself)",
    );
    hostile(
        &[
            ("pack.toml", MANIFEST),
            ("template/a.py.jinja", "{{ missing }}"),
        ],
        "undefined",
    );
    hostile(
        &[
            (
                "pack.toml",
                &MANIFEST.replace("version = \"1.0.0\"", "version = \"1.0.0\"\nfb = \">=99\""),
            ),
            ("template/a", ""),
        ],
        "needs fb >=99",
    );
    hostile(
        &[
            ("pack.toml", &format!("{MANIFEST}unknown = 1\n")),
            ("template/a", ""),
        ],
        "unknown field `unknown`",
    );
    hostile(&[("pack.toml", MANIFEST)], "no files under `template/`");
}

#[cfg(unix)]
#[test]
fn symlinks_that_escape_the_pack_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    write_pack(&pack, &[("pack.toml", MANIFEST), ("template/ok.txt", "x")]);
    std::fs::write(tmp.path().join("secret"), "outside").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret"), pack.join("template/leak.txt")).unwrap();
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    fb(&work)
        .args(["new", "victim", "--pack"])
        .arg(&pack)
        .assert()
        .code(2)
        .stderr(contains("points outside the pack"));
    assert!(entries(&work).is_empty());
    // A link that stays inside the pack is followed.
    std::fs::remove_file(pack.join("template/leak.txt")).unwrap();
    std::os::unix::fs::symlink(
        pack.join("template/ok.txt"),
        pack.join("template/alias.txt"),
    )
    .unwrap();
    fb(&work)
        .args(["new", "fine", "--pack"])
        .arg(&pack)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(work.join("fine/alias.txt")).unwrap(),
        "x"
    );
}

#[test]
fn a_local_pack_renders_binary_files_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    write_pack(
        &pack,
        &[
            ("pack.toml", MANIFEST),
            (
                "template/{{ name }}.txt.jinja",
                "hello {{ project_name }}\n",
            ),
        ],
    );
    let binary: Vec<u8> = (0u8..=255).chain([0, 0xff, 0xfe]).collect();
    std::fs::write(pack.join("template/logo.png"), &binary).unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--set", "name=greeting", "--pack"])
        .arg(&pack)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(tmp.path().join("demo/logo.png")).unwrap(),
        binary
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("demo/greeting.txt")).unwrap(),
        "hello demo\n"
    );
    let lock = std::fs::read_to_string(tmp.path().join("demo/fastapi-builder.lock")).unwrap();
    assert!(
        lock.contains(&format!(
            "source = \"path+{}\"",
            pack.canonicalize().unwrap().display()
        )),
        "{lock}"
    );
}
