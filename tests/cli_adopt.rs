//! `fb adopt`: a generated project whose lock was deleted is adopted back to exactly its options;
//! overrides, dry runs and every refusal.

mod support;

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use predicates::str::contains;
use support::{fb, read_tree};

const LOCK: &str = "fastapi-builder.lock";

fn generate(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    fb(dir)
        .args(["new", name, "--yes"])
        .args(args)
        .assert()
        .success();
    dir.join(name)
}

#[test]
fn a_project_that_lost_its_lock_is_adopted_back_exactly_at_every_level() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: &[&[&str]] = &[
        &["--level", "1"],
        &["--level", "2", "--db", "postgres", "--domain", "shop"],
        &["--level", "3", "--auth", "apikey"],
        &["--level", "4", "--db", "postgres", "--auth", "oauth2"],
    ];
    for (i, args) in cases.iter().enumerate() {
        let project = generate(tmp.path(), &format!("demo-{i}"), args);
        let recorded = std::fs::read_to_string(project.join(LOCK)).unwrap();
        std::fs::remove_file(project.join(LOCK)).unwrap();
        fb(&project)
            .arg("adopt")
            .assert()
            .success()
            .stderr(contains("Adopted"));
        assert_eq!(
            std::fs::read_to_string(project.join(LOCK)).unwrap(),
            recorded,
            "{args:?}"
        );
        fb(&project)
            .arg("status")
            .assert()
            .success()
            .stdout(contains("no changes since the last render"));
    }
}

#[test]
fn added_resources_are_given_and_edits_count_as_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let project = generate(
        tmp.path(),
        "shop",
        &["--level", "2", "--set", "resources=Note body:str"],
    );
    let recorded = std::fs::read_to_string(project.join(LOCK)).unwrap();
    std::fs::remove_file(project.join(LOCK)).unwrap();
    let readme = project.join("README.md");
    let mut text = std::fs::read_to_string(&readme).unwrap();
    text.push_str("\nMy notes.\n");
    std::fs::write(&readme, text).unwrap();
    fb(&project)
        .args(["adopt", "--set", "resources=Note body:str"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(project.join(LOCK)).unwrap(),
        recorded
    );
    fb(&project)
        .arg("status")
        .assert()
        .stdout(contains("modified (1):").and(contains("README.md")));
}

#[test]
fn dry_run_shows_the_candidates_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let project = generate(tmp.path(), "demo", &["--level", "2"]);
    std::fs::remove_file(project.join(LOCK)).unwrap();
    let before = read_tree(&project);
    fb(&project)
        .args(["adopt", "--dry-run"])
        .assert()
        .success()
        .stdout(
            contains("score  identical  changed  missing")
                .and(contains("level=2 db=sqlite auth=none domain=tasks"))
                .and(contains("<- best")),
        )
        .stderr(contains("nothing was written"));
    assert_eq!(read_tree(&project), before);
    // The table, whole (`SNAPSHOTS=overwrite` rewrites it when the pack changes).
    let output = fb(&project)
        .args(["adopt", "--dry-run", "--level", "2"])
        .output()
        .unwrap();
    snapbox::assert_data_eq!(
        String::from_utf8(output.stdout).unwrap(),
        snapbox::file!["snapshots/adopt-dry-run.txt"].raw()
    );
    // An override narrows the candidates: the project is then read as level 3.
    fb(&project)
        .args(["adopt", "--dry-run", "--level", "3"])
        .assert()
        .success()
        .stdout(contains("level=3").and(contains("level=2").not()));
}

#[test]
fn refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let project = generate(tmp.path(), "demo", &["--level", "1"]);
    fb(&project)
        .arg("adopt")
        .assert()
        .code(2)
        .stderr(contains("already has a `fastapi-builder.lock`"));
    std::fs::remove_file(project.join(LOCK)).unwrap();
    fb(&project)
        .args(["adopt", "--set", "colour=red"])
        .assert()
        .code(2)
        .stderr(contains("no option `colour`"));
    fb(&project)
        .args(["adopt", "--level", "9"])
        .assert()
        .code(2)
        .stderr(contains("unknown value `9`"));
    let plain = tmp.path().join("plain");
    std::fs::create_dir(&plain).unwrap();
    std::fs::write(plain.join("script.py"), "print('hello')\n").unwrap();
    fb(&plain)
        .arg("adopt")
        .assert()
        .code(2)
        .stderr(contains("does not look like a FastAPI project"));
    assert!(!plain.join(LOCK).exists());
    fb(tmp.path())
        .args(["adopt", "--path", "missing"])
        .assert()
        .code(2)
        .stderr(contains("cannot open `missing`"));
}
