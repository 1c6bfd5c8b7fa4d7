//! `fb lint`: output formats, exit statuses, suppression and configuration, and the promise that
//! every project fb generates lints clean.

mod support;

use std::path::Path;

use predicates::prelude::*;
use predicates::str::contains;
use support::fb;

const BAD: &str = "import time\nfrom fastapi import FastAPI\n\napp = FastAPI(debug=True)\n\n\n@app.get(\"/\")\nasync def root():\n    time.sleep(1)\n    return {}\n";

fn write(dir: &Path, path: &str, text: &str) {
    let dest = dir.join(path);
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::write(dest, text).unwrap();
}

#[test]
fn findings_print_like_ruff_and_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "app/main.py", BAD);
    write(tmp.path(), "app/ok.py", "x = 1\n");
    fb(tmp.path())
        .arg("lint")
        .assert()
        .code(1)
        .stdout(
            "app/main.py:4:7: FB005 `FastAPI(debug=True)` shows tracebacks to clients: remove `debug=True`\n\
             app/main.py:9:5: FB001 `time.sleep` blocks the event loop inside `async def`: use `await asyncio.sleep(...)`, or make the function a plain `def`\n",
        );
    fb(tmp.path())
        .args(["lint", "app/ok.py"])
        .assert()
        .success()
        .stdout("");
}

#[test]
fn json_and_sarif_for_tools() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "main.py", BAD);
    let output = fb(tmp.path())
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        findings[0],
        serde_json::json!({
            "path": "main.py",
            "line": 4,
            "column": 7,
            "code": "FB005",
            "message": "`FastAPI(debug=True)` shows tracebacks to clients: remove `debug=True`",
            "severity": "error"
        })
    );
    let output = fb(tmp.path())
        .args(["lint", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 2);
    assert_eq!(run["results"][1]["ruleId"], "FB001");
    assert_eq!(
        run["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
    assert!(run["tool"]["driver"]["rules"].as_array().unwrap().len() >= 12);
}

#[test]
fn noqa_select_ignore_and_pyproject() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "main.py",
        &BAD.replace("debug=True)", "debug=True)  # noqa: FB005"),
    );
    fb(tmp.path())
        .arg("lint")
        .assert()
        .code(1)
        .stdout(contains("FB001").and(contains("FB005").not()));
    fb(tmp.path())
        .args(["lint", "--ignore", "FB001"])
        .assert()
        .success();
    fb(tmp.path())
        .args(["lint", "--select", "FB005"])
        .assert()
        .success();
    write(
        tmp.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.fb.lint]\nignore = [\"FB001\"]\n",
    );
    fb(tmp.path()).arg("lint").assert().success();
}

#[test]
fn errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["lint", "missing"])
        .assert()
        .code(2)
        .stderr(contains("cannot read `missing`"));
    fb(tmp.path())
        .args(["lint", "--select", "XX9"])
        .assert()
        .code(2)
        .stderr(contains("unknown rule `XX9`"));
    write(
        tmp.path(),
        "pyproject.toml",
        "[tool.fb.lint]\nignore = \"FB001\"\n",
    );
    fb(tmp.path())
        .arg("lint")
        .assert()
        .code(2)
        .stderr(contains("must be a list"));
    fb(tmp.path())
        .args(["lint", "--explain", "FB999"])
        .assert()
        .code(2);
}

#[test]
fn every_rule_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let output = fb(tmp.path())
        .args(["lint", "--explain", "all"])
        .output()
        .unwrap();
    let listing = String::from_utf8(output.stdout).unwrap();
    for n in 1..=12 {
        let code = format!("FB{n:03}");
        assert!(listing.contains(&code), "{code}");
        fb(tmp.path())
            .args(["lint", "--explain", &code])
            .assert()
            .success()
            .stdout(contains(code.as_str()));
    }
}

#[test]
fn every_generated_project_lints_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let mut combos: Vec<Vec<&str>> = vec![vec!["--level", "1"]];
    for db in ["sqlite", "postgres"] {
        for domain in ["tasks", "blog", "shop"] {
            combos.push(vec!["--level", "2", "--db", db, "--domain", domain]);
        }
        for level in ["3", "4"] {
            for auth in ["jwt", "oauth2", "apikey"] {
                combos.push(vec!["--level", level, "--db", db, "--auth", auth]);
            }
        }
    }
    // Level 5: every feature, on both databases.
    combos.push(vec!["--level", "5", "--db", "sqlite", "--auth", "jwt"]);
    combos.push(vec![
        "--level", "5", "--db", "postgres", "--auth", "apikey", "--domain", "shop",
    ]);
    combos.push(vec![
        "--level",
        "4",
        "--set",
        "resources=Customer name:str,Invoice total:float paid:bool",
    ]);
    for (i, args) in combos.iter().enumerate() {
        let name = format!("p{i}");
        fb(tmp.path())
            .args(["new", &name, "--yes"])
            .args(args)
            .assert()
            .success();
        let output = fb(&tmp.path().join(&name)).arg("lint").output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

/// The three formats, whole, as tools read them (`SNAPSHOTS=overwrite` rewrites the files).
#[test]
fn output_formats_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "app/main.py", BAD);
    for (format, file) in [
        ("text", snapbox::file!["snapshots/lint-text.txt"]),
        ("json", snapbox::file!["snapshots/lint-json.json"]),
        ("sarif", snapbox::file!["snapshots/lint-sarif.json"]),
    ] {
        let output = fb(tmp.path())
            .args(["lint", "--format", format])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let out = String::from_utf8(output.stdout)
            .unwrap()
            .replace(env!("CARGO_PKG_VERSION"), "[version]");
        snapbox::assert_data_eq!(out, file.raw());
    }
}
