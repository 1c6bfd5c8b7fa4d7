//! `fb add FEATURE` and `fb remove FEATURE` with the built-in pack's features: what they write,
//! that removing undoes adding, and the errors for a feature the pack or the level cannot have.

mod support;

use predicates::str::contains;
use support::{fb, read_tree};

#[test]
fn add_help_lists_the_built_in_features() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["add", "--help"])
        .assert()
        .success()
        .stdout(contains(
            "Features of the built-in pack (fastapi 0.4.0): cache, versioning, websockets",
        ));
}

#[test]
fn add_then_remove_cache_gives_back_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "4", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    let before = read_tree(&project);
    fb(&project)
        .args(["add", "cache"])
        .assert()
        .success()
        .stderr(contains("Added app/services/cache.py"))
        .stderr(contains("Added tests/test_cache.py"));
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    assert!(lock.contains("features = [\"cache\"]"), "{lock}");
    let pyproject = std::fs::read_to_string(project.join("pyproject.toml")).unwrap();
    assert!(pyproject.contains("\"redis>=6.2\""));
    fb(&project)
        .args(["add", "cache"])
        .assert()
        .success()
        .stderr(contains("already present: cache"));
    fb(&project)
        .args(["remove", "cache"])
        .assert()
        .success()
        .stderr(contains("Removed app/services/cache.py"));
    assert_eq!(read_tree(&project), before);
}

#[test]
fn add_then_remove_websockets_gives_back_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "4", "--auth", "apikey", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    let before = read_tree(&project);
    fb(&project)
        .args(["add", "websockets"])
        .assert()
        .success()
        .stderr(contains("Added app/api/v1/endpoints/ws.py"))
        .stderr(contains("Added app/realtime/manager.py"))
        .stderr(contains("Added tests/test_ws.py"));
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    assert!(lock.contains("features = [\"websockets\"]"), "{lock}");
    let config = std::fs::read_to_string(project.join("app/core/config.py")).unwrap();
    assert!(config.contains("ws_max_message_size"), "{config}");
    assert!(config.contains("\"async+\" + self.redis_url"), "{config}");
    let dockerfile = std::fs::read_to_string(project.join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("\"--ws-max-size\", \"1048576\""),
        "{dockerfile}"
    );
    fb(&project)
        .args(["remove", "websockets"])
        .assert()
        .success()
        .stderr(contains("Removed app/realtime/manager.py"));
    assert_eq!(read_tree(&project), before);
}

#[test]
fn a_feature_the_pack_lacks_is_an_error_listing_the_features() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "4", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    let before = read_tree(&project);
    fb(&project)
        .args(["add", "docker"])
        .assert()
        .code(2)
        .stderr(contains(
            "pack `fastapi` 0.4.0 has no feature `docker` (its features: cache, versioning, websockets)",
        ));
    fb(&project)
        .args(["remove", "cache"])
        .assert()
        .code(2)
        .stderr(contains("the project has no feature `cache` (it has none)"));
    fb(tmp.path())
        .args(["new", "other", "--level", "4", "--with", "docker", "--yes"])
        .assert()
        .code(2)
        .stderr(contains(
            "unknown value `docker`: expected one of cache, versioning, websockets",
        ));
    assert_eq!(read_tree(&project), before);
}

#[test]
fn features_need_level_4() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "3", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    let before = read_tree(&project);
    fb(&project)
        .args(["add", "cache"])
        .assert()
        .code(2)
        .stderr(contains(
            "features need level 4 or higher (this project is at level 3): run `fb upgrade --to-level 4` first",
        ));
    assert_eq!(read_tree(&project), before);
    fb(tmp.path())
        .args(["new", "l2", "--level", "2", "--with", "cache", "--yes"])
        .assert()
        .code(2)
        .stderr(contains("features need level 4 or higher"));
}
