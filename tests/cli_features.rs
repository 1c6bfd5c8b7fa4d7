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
            "Features of the built-in pack (fastapi 0.4.0): cache, versioning, ml",
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
fn add_then_remove_ml_gives_back_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "4", "--auth", "apikey", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    let before = read_tree(&project);
    fb(&project)
        .args(["add", "ml"])
        .assert()
        .success()
        .stderr(contains("Added app/ml/train.py"))
        .stderr(contains("Added app/api/v1/endpoints/ml.py"))
        .stderr(contains("Added tests/test_ml.py"))
        .stderr(contains("build it with `uv run python -m app.ml.train`"));
    let read = |path: &str| std::fs::read_to_string(project.join(path)).unwrap();
    assert!(read("fastapi-builder.lock").contains("features = [\"ml\"]"));
    assert!(read("pyproject.toml").contains("\"scikit-learn>=1.6\""));
    assert!(
        !read("pyproject.toml").contains("\"redis>=6.2\""),
        "ml needs no Redis"
    );
    assert!(read("app/main.py").contains("load_model, app.state.settings.model_path"));
    assert!(read(".gitignore").contains("\nartifacts/\n"));
    assert!(read(".dockerignore").contains("\nartifacts\n"));
    assert!(read("Dockerfile").contains("AS build"));
    assert!(read("Dockerfile").contains("RUN python -m app.ml.train"));
    fb(&project)
        .args(["remove", "ml"])
        .assert()
        .success()
        .stderr(contains("Removed app/ml/model.py"));
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
            "pack `fastapi` 0.4.0 has no feature `docker` (its features: cache, versioning, ml)",
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
            "unknown value `docker`: expected one of cache, versioning, ml",
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

/// The `features` line of the project's lock.
fn locked_features(project: &std::path::Path) -> String {
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    let line = lock.lines().find(|l| l.starts_with("features = ")).unwrap();
    line.to_string()
}

#[test]
fn level_5_has_every_feature_but_those_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "all", "--level", "5", "--yes"])
        .assert()
        .success();
    assert_eq!(
        locked_features(&tmp.path().join("all")),
        r#"features = ["cache", "versioning", "ml"]"#
    );
    fb(tmp.path())
        .args(["new", "some", "--level", "5", "--without", "cache", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("some");
    assert_eq!(locked_features(&project), r#"features = ["versioning", "ml"]"#);
    assert!(!project.join("app/services/cache.py").exists());
    // What the user left out stays out when the project is re-rendered.
    fb(&project).args(["update"]).assert().success();
    assert_eq!(locked_features(&project), r#"features = ["versioning", "ml"]"#);
}

#[test]
fn upgrading_to_level_5_turns_its_features_on_and_remove_takes_one_out() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["new", "demo", "--level", "4", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    fb(&project)
        .args(["upgrade", "--to-level", "5"])
        .assert()
        .success()
        .stderr(contains("Added app/services/cache.py"));
    assert_eq!(
        locked_features(&project),
        r#"features = ["cache", "versioning", "ml"]"#
    );
    fb(&project)
        .args(["remove", "cache"])
        .assert()
        .success()
        .stderr(contains("Removed app/services/cache.py"));
    assert_eq!(locked_features(&project), r#"features = ["versioning", "ml"]"#);
    fb(&project).args(["update"]).assert().success();
    assert_eq!(locked_features(&project), r#"features = ["versioning", "ml"]"#);
}
