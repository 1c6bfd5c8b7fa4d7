//! `fb status`: what the user changed since the render, and the lockfile's error paths.

mod support;

use predicates::prelude::*;
use predicates::str::contains;
use support::fb;

fn new_project(dir: &std::path::Path) -> std::path::PathBuf {
    fb(dir).args(["new", "demo", "--yes"]).assert().success();
    dir.join("demo")
}

#[test]
fn a_fresh_project_is_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let project = new_project(tmp.path());
    fb(&project).arg("status").assert().success().stdout(
        contains("pack    fastapi 0.4.0 (builtin)")
            .and(contains("options level=2 db=sqlite"))
            .and(contains("no changes since the last render")),
    );
}

#[test]
fn reports_an_edit_a_deletion_and_an_added_file_from_a_subdirectory() {
    let tmp = tempfile::tempdir().unwrap();
    let project = new_project(tmp.path());
    let main = project.join("app/main.py");
    let mut text = std::fs::read_to_string(&main).unwrap();
    text.push_str("# my edit\n");
    std::fs::write(&main, text).unwrap();
    std::fs::remove_file(project.join("README.md")).ok();
    std::fs::remove_file(project.join(".env.example")).unwrap();
    std::fs::write(project.join("app/extra.py"), "x = 1\n").unwrap();
    // Ignored by the project's .gitignore: not reported.
    std::fs::create_dir_all(project.join(".venv/lib")).unwrap();
    std::fs::write(project.join(".venv/lib/site.py"), "").unwrap();
    std::fs::write(project.join("app.db"), "").unwrap();
    let out = fb(&project.join("app"))
        .arg("status")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let after = out.split_once("\n\n").unwrap().1;
    assert!(after.contains("modified (1):\n  app/main.py\n"), "{out}");
    assert!(
        after.contains("deleted (") && after.contains("  .env.example\n"),
        "{out}"
    );
    assert!(after.contains("added (1):\n  app/extra.py\n"), "{out}");
    assert!(!out.contains(".venv") && !out.contains("app.db"), "{out}");
}

#[test]
fn conflict_markers_are_reported_with_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let project = new_project(tmp.path());
    std::fs::write(
        project.join("app/main.py"),
        "<<<<<<< yours\na = 1\n||||||| fastapi 0.1.0 (level 2)\n=======\na = 2\n>>>>>>> fastapi 0.4.0 (level 2)\n",
    )
    .unwrap();
    fb(&project)
        .arg("status")
        .assert()
        .code(1)
        .stdout(contains("unresolved conflicts (1):\n  app/main.py"))
        .stderr(contains("still hold conflict markers"));
}

#[test]
fn outside_a_project_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .arg("status")
        .assert()
        .code(2)
        .stderr(contains("could not find `fastapi-builder.lock`"));
}

#[test]
fn a_malformed_lock_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let project = new_project(tmp.path());
    let lock = project.join("fastapi-builder.lock");
    std::fs::write(&lock, "version = 1\n[pack\n").unwrap();
    fb(&project)
        .arg("status")
        .assert()
        .code(2)
        .stderr(contains("`fastapi-builder.lock` is malformed"));
    std::fs::write(&lock, "version = 1\n").unwrap();
    fb(&project)
        .arg("status")
        .assert()
        .code(2)
        .stderr(contains("it has no `[project]` table"));
}

#[test]
fn a_lock_from_a_newer_fb_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let project = new_project(tmp.path());
    let lock = project.join("fastapi-builder.lock");
    let text = std::fs::read_to_string(&lock)
        .unwrap()
        .replacen("version = 1", "version = 2", 1);
    std::fs::write(&lock, text).unwrap();
    fb(&project)
        .arg("status")
        .assert()
        .code(2)
        .stderr(contains("written by a newer fb (lock format 2").and(contains("upgrade fb")));
}
