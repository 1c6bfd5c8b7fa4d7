//! `fb add FEATURE` and `fb remove FEATURE` with the built-in pack's features: what they write,
//! that removing undoes adding, and the errors for a feature the pack or the level cannot have.

mod support;

use predicates::str::contains;
use support::{fb, read_tree};

/// `fb new demo --yes` with `args` in `tmp`: the project's directory.
fn new_project(tmp: &std::path::Path, args: &[&str]) -> std::path::PathBuf {
    fb(tmp)
        .args(["new", "demo", "--yes"])
        .args(args)
        .assert()
        .success();
    tmp.join("demo")
}

#[test]
fn add_help_lists_the_built_in_features() {
    let tmp = tempfile::tempdir().unwrap();
    fb(tmp.path())
        .args(["add", "--help"])
        .assert()
        .success()
        .stdout(contains(
            "Features of the built-in pack (fastapi 0.4.0): background, cache, ml, versioning, websockets",
        ));
}

/// One feature's `fb add` on a fresh level-4 project: the `new` flags, the files it adds, text that
/// must then be in a file (or, with `!`, must not), and a file its `fb remove` reports removed.
struct FeatureCase {
    name: &'static str,
    new_args: &'static [&'static str],
    added: &'static [&'static str],
    holds: &'static [(&'static str, &'static str)],
    removed: &'static str,
}

const FEATURE_CASES: &[FeatureCase] = &[
    FeatureCase {
        name: "cache",
        new_args: &[],
        added: &["app/services/cache.py", "tests/test_cache.py"],
        holds: &[("pyproject.toml", "\"redis>=6.2\"")],
        removed: "app/services/cache.py",
    },
    FeatureCase {
        name: "ml",
        new_args: &["--auth", "apikey"],
        added: &[
            "app/ml/train.py",
            "app/api/v1/endpoints/ml.py",
            "tests/test_ml.py",
        ],
        holds: &[
            ("pyproject.toml", "\"scikit-learn>=1.6\""),
            ("!pyproject.toml", "\"redis>=6.2\""),
            ("app/main.py", "load_model, app.state.settings.model_path"),
            (".gitignore", "\nartifacts/\n"),
            (".dockerignore", "\nartifacts\n"),
            ("Dockerfile", "RUN python -m app.ml.train"),
        ],
        removed: "app/ml/model.py",
    },
    FeatureCase {
        name: "background",
        new_args: &[],
        added: &[
            "app/workers/celery_app.py",
            "app/workers/tasks.py",
            "app/api/v1/endpoints/jobs.py",
            "tests/test_jobs.py",
        ],
        holds: &[
            ("pyproject.toml", "\"celery[redis]>=5.6\""),
            ("pyproject.toml", "\"redis>=6.2\""),
            ("compose.yaml", "  worker:"),
            ("compose.yaml", "  redis:"),
        ],
        removed: "app/workers/celery_app.py",
    },
    FeatureCase {
        name: "websockets",
        new_args: &["--auth", "apikey"],
        added: &[
            "app/api/v1/endpoints/ws.py",
            "app/realtime/manager.py",
            "tests/test_ws.py",
        ],
        holds: &[
            ("app/core/config.py", "ws_max_message_size"),
            ("app/core/config.py", "\"async+\" + self.redis_url"),
            ("Dockerfile", "\"--ws-max-size\", \"1048576\""),
        ],
        removed: "app/realtime/manager.py",
    },
];

#[test]
fn add_then_remove_each_feature_gives_back_the_project() {
    for case in FEATURE_CASES {
        let tmp = tempfile::tempdir().unwrap();
        fb(tmp.path())
            .args(["new", "demo", "--level", "4", "--yes"])
            .args(case.new_args)
            .assert()
            .success();
        let project = tmp.path().join("demo");
        let before = read_tree(&project);
        let mut add = fb(&project).args(["add", case.name]).assert().success();
        for file in case.added {
            add = add.stderr(contains(format!("Added {file}")));
        }
        let read = |path: &str| std::fs::read_to_string(project.join(path)).unwrap();
        assert!(
            read("fastapi-builder.lock").contains(&format!("features = [\"{}\"]", case.name)),
            "{}",
            case.name
        );
        for (path, text) in case.holds {
            match path.strip_prefix('!') {
                Some(path) => assert!(
                    !read(path).contains(text),
                    "{}: {path} has {text}",
                    case.name
                ),
                None => assert!(
                    read(path).contains(text),
                    "{}: {path} lacks {text}",
                    case.name
                ),
            }
        }
        fb(&project)
            .args(["add", case.name])
            .assert()
            .success()
            .stderr(contains(format!("already present: {}", case.name)));
        fb(&project)
            .args(["remove", case.name])
            .assert()
            .success()
            .stderr(contains(format!("Removed {}", case.removed)));
        assert_eq!(read_tree(&project), before, "{}", case.name);
    }
}

#[test]
fn a_feature_the_pack_lacks_is_an_error_listing_the_features() {
    let tmp = tempfile::tempdir().unwrap();
    let project = new_project(tmp.path(), &["--level", "4"]);
    let before = read_tree(&project);
    fb(&project)
        .args(["add", "docker"])
        .assert()
        .code(2)
        .stderr(contains(
            "pack `fastapi` 0.4.0 has no feature `docker` (its features: background, cache, ml, versioning, websockets)",
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
            "unknown value `docker`: expected one of background, cache, ml, versioning, websockets",
        ));
    assert_eq!(read_tree(&project), before);
}

#[test]
fn features_need_level_4() {
    let tmp = tempfile::tempdir().unwrap();
    let project = new_project(tmp.path(), &["--level", "3"]);
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

/// The lock's `features` line at level 5, and at level 5 less the cache.
const ALL_FEATURES: &str =
    r#"features = ["background", "cache", "ml", "versioning", "websockets"]"#;
const ALL_BUT_CACHE: &str = r#"features = ["background", "ml", "versioning", "websockets"]"#;

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
    assert_eq!(locked_features(&tmp.path().join("all")), ALL_FEATURES);
    fb(tmp.path())
        .args(["new", "some", "--level", "5", "--without", "cache", "--yes"])
        .assert()
        .success();
    let project = tmp.path().join("some");
    assert_eq!(locked_features(&project), ALL_BUT_CACHE);
    assert!(!project.join("app/services/cache.py").exists());
    // What the user left out stays out when the project is re-rendered.
    fb(&project).args(["update"]).assert().success();
    assert_eq!(locked_features(&project), ALL_BUT_CACHE);
}

#[test]
fn upgrading_to_level_5_turns_its_features_on_and_remove_takes_one_out() {
    let tmp = tempfile::tempdir().unwrap();
    let project = new_project(tmp.path(), &["--level", "4"]);
    fb(&project)
        .args(["upgrade", "--to-level", "5"])
        .assert()
        .success()
        .stderr(contains("Added app/services/cache.py"));
    assert_eq!(locked_features(&project), ALL_FEATURES);
    fb(&project)
        .args(["remove", "cache"])
        .assert()
        .success()
        .stderr(contains("Removed app/services/cache.py"));
    assert_eq!(locked_features(&project), ALL_BUT_CACHE);
    fb(&project).args(["update"]).assert().success();
    assert_eq!(locked_features(&project), ALL_BUT_CACHE);
}
