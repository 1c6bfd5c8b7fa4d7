//! Kills during a change: at every point where a kill can strike (through fb's test hook) and at
//! arbitrary moments (a real SIGKILL or SIGTERM), the next command leaves the project exactly as
//! before or exactly as after, says truthfully which, and leaves nothing of fb's behind.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use support::{fb, read_tree};

type Tree = BTreeMap<String, Vec<u8>>;

fn write_tree(root: &Path, tree: &Tree) {
    for (path, bytes) in tree {
        let dest = root.join(path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

/// A level-1 project with an edit, and what `fb upgrade --to-level 2` makes of it.
fn before_and_after(tmp: &Path) -> (Tree, Tree) {
    let project = tmp.join("reference");
    fb(tmp)
        .args(["new", "demo", "--level", "1", "--path"])
        .arg(&project)
        .assert()
        .success();
    let readme = project.join("README.md");
    let mut text = std::fs::read_to_string(&readme).unwrap();
    text.push_str("\nMy own notes.\n");
    std::fs::write(&readme, text).unwrap();
    let before = read_tree(&project);
    fb(&project)
        .args(["upgrade", "--to-level", "2"])
        .assert()
        .success();
    let after = read_tree(&project);
    assert_ne!(before, after);
    (before, after)
}

/// After a killed upgrade: runs `fb status` and checks the project is before or after, and that
/// what fb said matches.
fn check_recovered(project: &Path, before: &Tree, after: &Tree, what: &str) {
    let output = fb(project).arg("status").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(
        output.status.success(),
        "{what}: fb status failed: {stderr}"
    );
    let tree = read_tree(project);
    let leftovers: Vec<&String> = tree.keys().filter(|p| p.starts_with(".fb-")).collect();
    assert!(leftovers.is_empty(), "{what}: left behind {leftovers:?}");
    if &tree == before {
        assert!(
            !stderr.contains("completed") && !stderr.contains("applied all"),
            "{what}: the project is as before, but fb said: {stderr}"
        );
    } else if &tree == after {
        assert!(
            !stderr.contains("before it changed anything"),
            "{what}: the project is as after, but fb said: {stderr}"
        );
    } else {
        let differs: Vec<&String> = tree
            .keys()
            .chain(after.keys())
            .filter(|p| tree.get(*p) != after.get(*p) && tree.get(*p) != before.get(*p))
            .collect();
        panic!(
            "{what}: the project is neither as before nor as after (differs at {differs:?}); fb said: {stderr}"
        );
    }
}

#[test]
fn every_kill_point_recovers_to_before_or_after() {
    let tmp = tempfile::tempdir().unwrap();
    let (before, after) = before_and_after(tmp.path());
    let mut points = 0;
    let mut completed = 0;
    for n in 0.. {
        let project = tmp.path().join(format!("kill-{n}"));
        write_tree(&project, &before);
        let output = fb(&project)
            .args(["upgrade", "--to-level", "2"])
            .env("FB_TEST_CRASH_AT", n.to_string())
            .output()
            .unwrap();
        if output.status.success() {
            // Past the last kill point: the upgrade ran to the end.
            assert_eq!(read_tree(&project), after);
            break;
        }
        assert_eq!(output.status.code(), None, "kill point {n} should abort");
        let said = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(!said.contains("error:"), "kill point {n}: {said}");
        check_recovered(&project, &before, &after, &format!("kill point {n}"));
        if read_tree(&project) == after {
            completed += 1;
        }
        points += 1;
        assert!(points < 500, "the upgrade never finished");
    }
    eprintln!("{points} kill points, {completed} recovered forward");
    assert!(points > 20, "only {points} kill points");
    assert!(
        completed > 0 && completed < points,
        "{completed} of {points}"
    );
}

#[test]
fn the_report_after_a_recovery_names_the_change_and_its_conflicts() {
    let tmp = tempfile::tempdir().unwrap();
    let (before, _) = before_and_after(tmp.path());
    let project = tmp.path().join("p");
    write_tree(&project, &before);
    // A change that leaves a conflict: the user and level 2 both rewrite the same README line.
    let readme = project.join("README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("hello world"))
        .unwrap()
        .to_string();
    std::fs::write(&readme, text.replacen(&line, "My own description.", 1)).unwrap();
    let mut changed = false;
    // The last kill points are in the clean-up, after every file was written.
    for n in (0..200).rev() {
        let copy = tmp.path().join(format!("c{n}"));
        write_tree(&copy, &read_tree(&project));
        let output = fb(&copy)
            .args(["upgrade", "--to-level", "2"])
            .env("FB_TEST_CRASH_AT", n.to_string())
            .output()
            .unwrap();
        if output.status.code().is_some() {
            continue;
        }
        let status = fb(&copy).arg("status").output().unwrap();
        let said = String::from_utf8_lossy(&status.stderr).to_string();
        assert!(
            said.contains("fastapi") && said.contains("(level 1) →") && said.contains("(level 2)"),
            "{said}"
        );
        if said.contains("conflicts to resolve in 1 file(s): README.md") {
            let stdout = String::from_utf8_lossy(&status.stdout).to_string();
            assert!(stdout.contains("README.md"), "{stdout}");
            changed = true;
            break;
        }
    }
    assert!(changed, "no kill point reported the conflict");
}

#[cfg(unix)]
#[test]
fn real_kills_at_any_moment_recover_to_before_or_after() {
    let tmp = tempfile::tempdir().unwrap();
    let (before, after) = before_and_after(tmp.path());
    let bin = assert_cmd::cargo::cargo_bin("fb");
    let home = tmp.path().join("home");
    let mut outcomes = BTreeMap::new();
    // 24 kills 10 ms apart cover an upgrade on an idle machine; on a loaded one fb runs slower,
    // so the kills go on, later and later, until some landed after the change too.
    let seen = |outcomes: &BTreeMap<(bool, &str), i32>, state: &str| {
        outcomes.keys().any(|(_, s)| *s == state)
    };
    for i in 0..200u64 {
        if i >= 24 && seen(&outcomes, "before") && seen(&outcomes, "after") {
            break;
        }
        let project = tmp.path().join(format!("real-{i}"));
        write_tree(&project, &before);
        let mut child = std::process::Command::new(&bin)
            .args(["upgrade", "--to-level", "2"])
            .current_dir(&project)
            .env("NO_COLOR", "1")
            .env("FB_NO_LOCK", "1")
            .env("FB_NO_CHECK", "1")
            .env("FB_HOME", &home)
            // Spread the transaction out so the kills land all over it.
            .env("FB_TEST_STEP_DELAY_MS", "3")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(10 * i));
        if i % 3 == 2 {
            // SIGTERM: fb rolls back or finishes on its own.
            unsafe_kill(child.id(), "TERM");
        } else {
            let _ = child.kill();
        }
        let status = child.wait().unwrap();
        check_recovered(
            &project,
            &before,
            &after,
            &format!("kill after {} ms", 10 * i),
        );
        let state = if read_tree(&project) == after {
            "after"
        } else {
            "before"
        };
        *outcomes.entry((status.success(), state)).or_insert(0) += 1;
    }
    eprintln!("outcomes of real kills: {outcomes:?}");
    // Some kills must have landed before the change and some after it.
    assert!(seen(&outcomes, "before"), "{outcomes:?}");
    assert!(seen(&outcomes, "after"), "{outcomes:?}");
}

#[cfg(unix)]
fn unsafe_kill(pid: u32, signal: &str) {
    std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
}

#[cfg(unix)]
#[test]
fn a_killed_new_leaves_nothing_the_next_new_does_not_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("fb");
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let mut killed_mid_way = false;
    for (i, signal) in [
        (0u64, "KILL"),
        (1, "KILL"),
        (2, "TERM"),
        (3, "KILL"),
        (4, "TERM"),
    ] {
        let mut child = std::process::Command::new(&bin)
            .args(["new", "demo", "--level", "4", "--db", "postgres", "--yes"])
            .current_dir(&work)
            .env("NO_COLOR", "1")
            .env("FB_NO_LOCK", "1")
            .env("FB_NO_CHECK", "1")
            .env("FB_HOME", tmp.path().join("home"))
            .env("FB_TEST_STEP_DELAY_MS", "4")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(60 + 40 * i));
        unsafe_kill(child.id(), signal);
        let status = child.wait().unwrap();
        let names: Vec<String> = std::fs::read_dir(&work)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        if signal == "TERM" {
            // fb heard it: it removed its staging or finished.
            assert!(
                names.iter().all(|n| !n.starts_with(".fb-tmp-")),
                "SIGTERM left {names:?} (exit {status:?})"
            );
        }
        if names.iter().any(|n| n.starts_with(".fb-tmp-demo-")) {
            killed_mid_way = true;
        }
        if names.iter().any(|n| n == "demo") {
            // The kill came after the rename: the project is complete; start over.
            assert!(work.join("demo/fastapi-builder.lock").is_file());
            std::fs::remove_dir_all(work.join("demo")).unwrap();
        }
        // The next `fb new` of the same target cleans whatever a kill left.
        let output = fb(&work)
            .args(["new", "demo", "--level", "1"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let names: Vec<String> = std::fs::read_dir(&work)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["demo"], "after kill {i}");
        std::fs::remove_dir_all(work.join("demo")).unwrap();
    }
    assert!(killed_mid_way, "no kill landed while fb new was writing");
}
