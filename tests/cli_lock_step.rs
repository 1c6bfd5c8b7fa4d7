//! The lock step: after writing a project fb runs the command of each `[[generated]]` file
//! (`uv lock` for the built-in pack). A fake `uv` on PATH records how it was called, so these
//! tests need neither uv nor the network.

mod support;

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use predicates::str::contains;
use support::fb;

/// A directory with an executable `uv` that appends its arguments to `uv.lock` in the current
/// directory (or fails with `exit_code`).
fn fake_uv(dir: &Path, exit_code: i32) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("uv");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ {exit_code} -ne 0 ]; then echo 'error: no index here' >&2; exit {exit_code}; fi\necho \"uv $*\" >> uv.lock\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn path_with(bin: &Path) -> std::ffi::OsString {
    let mut paths = vec![bin.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

fn fb_locking(cwd: &Path, bin: &Path) -> assert_cmd::Command {
    let mut cmd = fb(cwd);
    cmd.env_remove("FB_NO_LOCK").env("PATH", path_with(bin));
    cmd
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[cfg(unix)]
#[test]
fn every_level_gets_its_lock_from_the_command_and_status_leaves_it_out() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = fake_uv(tmp.path(), 0);
    for level in ["1", "2", "4"] {
        let name = format!("l{level}");
        fb_locking(tmp.path(), &bin)
            .args(["new", &name, "--level", level, "--yes"])
            .assert()
            .success()
            .stderr(contains("Running `uv lock` (writes uv.lock)"));
        let project = tmp.path().join(&name);
        assert_eq!(read(project.join("uv.lock")), "uv lock\n");
        assert!(
            !read(project.join("fastapi-builder.lock")).contains("uv.lock"),
            "uv.lock is not a rendered file"
        );
        fb(&project)
            .arg("status")
            .assert()
            .success()
            .stdout(contains("no changes since the last render"));
    }
}

#[cfg(unix)]
#[test]
fn a_change_relocks_and_a_no_op_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = fake_uv(tmp.path(), 0);
    fb_locking(tmp.path(), &bin)
        .args(["new", "demo", "--level", "2", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    fb_locking(&project, &bin)
        .args(["upgrade", "--to-level", "3", "--yes"])
        .assert()
        .success();
    assert_eq!(read(project.join("uv.lock")), "uv lock\nuv lock\n");
    // Nothing to change: uv is not run again.
    fb_locking(&project, &bin)
        .args(["upgrade", "--to-level", "3", "--yes"])
        .assert()
        .success();
    assert_eq!(read(project.join("uv.lock")), "uv lock\nuv lock\n");
    // --offline runs the pack's offline form.
    fb_locking(&project, &bin)
        .args(["upgrade", "--to-level", "4", "--yes", "--offline"])
        .assert()
        .success();
    assert_eq!(
        read(project.join("uv.lock")),
        "uv lock\nuv lock\nuv lock --offline\n"
    );
    fb(&project)
        .args(["diff", "--local"])
        .assert()
        .success()
        .stdout(contains("uv.lock").not());
}

#[cfg(unix)]
#[test]
fn a_failing_lock_command_is_reported_with_exit_1_and_the_project_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = fake_uv(tmp.path(), 3);
    fb_locking(tmp.path(), &bin)
        .args(["new", "demo", "--level", "2", "--yes"])
        .assert()
        .code(1)
        .stderr(contains(
            "`uv lock` failed, so `uv.lock` is missing or stale",
        ))
        .stderr(contains("error: no index here"));
    assert!(tmp.path().join("demo/app/main.py").exists());
    assert!(!tmp.path().join("demo/uv.lock").exists());
}

#[cfg(unix)]
#[test]
fn no_lock_and_a_missing_uv_write_no_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let bin = fake_uv(tmp.path(), 0);
    fb_locking(tmp.path(), &bin)
        .args(["new", "a", "--level", "2", "--yes", "--no-lock"])
        .assert()
        .success();
    assert!(!tmp.path().join("a/uv.lock").exists());
    fb(tmp.path())
        .env_remove("FB_NO_LOCK")
        .env("PATH", &empty)
        .args(["new", "b", "--level", "2", "--yes"])
        .assert()
        .success()
        .stderr(contains(
            "`uv.lock` was not written (`uv` is not installed): run `uv lock` in the project",
        ));
    assert!(!tmp.path().join("b/uv.lock").exists());
}
