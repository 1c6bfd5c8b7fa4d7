//! `--format json`: the objects scripts read from `fb status`, `fb diff`, the plans of `fb upgrade`,
//! `fb update` and `fb add`, and `fb update --check`. Each names its schema and version.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::{fb, read_tree};

fn project(dir: &Path) -> PathBuf {
    fb(dir)
        .args(["new", "demo", "--level", "1"])
        .assert()
        .success();
    dir.join("demo")
}

fn run_json(project: &Path, args: &[&str], code: i32) -> Value {
    let output = fb(project).args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn status_as_json() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    std::fs::write(project.join("notes.md"), "mine\n").unwrap();
    let mut status = run_json(&project, &["status", "--format", "json"], 0);
    // Redact what differs between machines and pack versions.
    status["root"] = json!("[root]");
    status["pack"]["checksum"] = json!("[checksum]");
    status["pack"]["version"] = json!("[version]");
    assert_eq!(
        status,
        json!({
            "schema": "fb.status",
            "version": 1,
            "root": "[root]",
            "project": "demo",
            "pack": {
                "name": "fastapi",
                "source": "builtin",
                "version": "[version]",
                "commit": null,
                "checksum": "[checksum]"
            },
            "options": {
                "level": 1,
                "db": "sqlite",
                "auth": "none",
                "domain": "tasks",
                "resource": "",
                "resources": [],
                "alembic_parents": [],
                "features": []
            },
            "modified": [],
            "deleted": [],
            "added": ["notes.md"],
            "conflicted": [],
            "newer": null
        })
    );
}

#[test]
fn plans_as_json_under_dry_run_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let before = read_tree(&project);
    let plan = run_json(
        &project,
        &[
            "upgrade",
            "--to-level",
            "2",
            "--dry-run",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(read_tree(&project), before);
    assert_eq!(plan["schema"], "fb.plan");
    assert_eq!(plan["version"], 1);
    assert_eq!(plan["command"], "upgrade");
    assert_eq!(plan["applied"], false);
    assert_eq!(plan["up_to_date"], false);
    let files = plan["files"].as_array().unwrap();
    let readme = files.iter().find(|f| f["path"] == "README.md").unwrap();
    assert_eq!(readme["change"], "update");
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "app/main.py" && f["change"] == "added")
    );
    assert!(!plan["notes"].as_array().unwrap().is_empty());
    // Nothing to do is a plan too.
    let same = run_json(
        &project,
        &["upgrade", "--to-level", "1", "--format", "json"],
        0,
    );
    assert_eq!(same["up_to_date"], true);
    let update = run_json(&project, &["update", "--offline", "--format", "json"], 0);
    assert_eq!(
        (update["command"].clone(), update["up_to_date"].clone()),
        (json!("update"), json!(true))
    );
    let check = run_json(
        &project,
        &["update", "--check", "--offline", "--format", "json"],
        0,
    );
    assert_eq!(check["schema"], "fb.update-check");
    assert_eq!(check["update_available"], false);
}

#[test]
fn conflicts_and_diffs_as_json() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let readme = project.join("README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("hello world"))
        .unwrap()
        .to_string();
    std::fs::write(&readme, text.replacen(&line, "My own description.", 1)).unwrap();
    let diff = run_json(
        &project,
        &["diff", "--to-level", "2", "--format", "json"],
        0,
    );
    assert_eq!(diff["schema"], "fb.diff");
    let files = diff["files"].as_array().unwrap();
    let readme_diff = files.iter().find(|f| f["path"] == "README.md").unwrap();
    assert_eq!(readme_diff["change"], "conflict");
    assert!(
        readme_diff["diff"]
            .as_str()
            .unwrap()
            .contains("<<<<<<< yours")
    );
    let plan = run_json(
        &project,
        &["upgrade", "--to-level", "2", "--format", "json"],
        1,
    );
    assert_eq!(plan["applied"], true);
    assert_eq!(plan["conflicted"], json!(["README.md"]));
    let status = run_json(&project, &["status", "--format", "json"], 1);
    assert_eq!(status["conflicted"], json!(["README.md"]));
}
