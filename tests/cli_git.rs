//! Git packs: versions from tags, the cache, pinned commits and checksums, `fb update` merging a
//! new version into an edited project, `fb packs`. Every repository is built here and reached
//! through `file://`; no test touches the network.

mod support;

use std::path::Path;

use predicates::prelude::*;
use predicates::str::contains;
use support::{PackRepo, fb};

fn manifest(version: &str, extra: &str) -> Vec<u8> {
    format!("[pack]\nname = \"demo-pack\"\nversion = \"{version}\"\n\n[options.flavor]\ntype = \"str\"\ndefault = \"plain\"\n{extra}").into_bytes()
}

const APP_V1: &[u8] = b"def one():\n    return 1\n\n\ndef two():\n    return 2\n";
const APP_V2: &[u8] =
    b"def one():\n    return 1\n\n\ndef two():\n    return 2\n\n\ndef three():\n    return 3\n";

/// v1.0.0, v1.1.0 (renames, deletes, changes a binary, adds a file) and v2.0.0 (a new option).
fn pack_repo(dir: &Path) -> PackRepo {
    let repo = PackRepo::new(dir);
    let m1 = manifest("1.0.0", "");
    repo.release(
        "v1.0.0",
        &[
            ("pack.toml", &m1),
            ("template/app.py", APP_V1),
            ("template/helpers.py", b"HELP = 1\n"),
            ("template/gone.py", b"OLD = 1\n"),
            ("template/logo.bin", b"\0\x01base"),
            ("template/README.md.jinja", b"# {{ project_title }}\n"),
        ],
    );
    let m11 = manifest(
        "1.1.0",
        "\n[[moves]]\nfrom = \"helpers.py\"\nto = \"lib/helpers.py\"\n",
    );
    repo.release(
        "v1.1.0",
        &[
            ("pack.toml", &m11),
            ("template/app.py", APP_V2),
            ("template/lib/helpers.py", b"HELP = 1\nMORE = 2\n"),
            ("template/logo.bin", b"\0\x01theirs"),
            ("template/extra.py", b"EXTRA = 'template'\n"),
            ("template/README.md.jinja", b"# {{ project_title }}\n"),
        ],
    );
    let m2 = manifest(
        "2.0.0",
        "\n[options.style]\ntype = \"str\"\ndefault = \"tabs\"\n",
    );
    repo.release(
        "v2.0.0",
        &[
            ("pack.toml", &m2),
            ("template/app.py", APP_V2),
            ("template/lib/helpers.py", b"HELP = 1\nMORE = 2\n"),
            ("template/logo.bin", b"\0\x01theirs"),
            ("template/extra.py", b"EXTRA = 'template'\n"),
            (
                "template/README.md.jinja",
                b"# {{ project_title }}\n\nStyle: {{ style }}\n",
            ),
        ],
    );
    repo
}

/// `fb` with its own cache.
fn fbh(cwd: &Path, home: &Path) -> assert_cmd::Command {
    let mut cmd = fb(cwd);
    cmd.env("FB_HOME", home);
    cmd
}

#[test]
fn new_from_a_git_pack_records_source_version_commit_and_checksum() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pack_repo(&tmp.path().join("pack"));
    let home = tmp.path().join("home");
    fbh(tmp.path(), &home)
        .args(["new", "newest", "--pack", &repo.url()])
        .assert()
        .success();
    let lock = std::fs::read_to_string(tmp.path().join("newest/fastapi-builder.lock")).unwrap();
    assert!(
        lock.contains(&format!("source = \"git+{}\"", repo.url()))
            && lock.contains("version = \"2.0.0\""),
        "{lock}"
    );
    fbh(tmp.path(), &home)
        .args(["new", "pinned", "--pack", &format!("{}@1.0.0", repo.url())])
        .assert()
        .success();
    let lock = std::fs::read_to_string(tmp.path().join("pinned/fastapi-builder.lock")).unwrap();
    let commit = repo
        .repo
        .revparse_single("v1.0.0")
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    assert!(
        lock.contains("version = \"1.0.0\"") && lock.contains(&format!("commit = \"{commit}\"")),
        "{lock}"
    );
    // A local path to the repository works too, and a cached version needs no network.
    fbh(tmp.path(), &home)
        .args(["new", "offline", "--offline", "--pack"])
        .arg(format!("{}@1.1.0", repo.dir.display()))
        .assert()
        .success();
    fbh(tmp.path(), &home)
        .args([
            "new",
            "missing",
            "--offline",
            "--pack",
            &format!("{}@9.0.0", repo.url()),
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "not in the cache, and --offline forbids fetching it",
        ));
    fbh(tmp.path(), &home)
        .args(["new", "nine", "--pack", &format!("{}@9.0.0", repo.url())])
        .assert()
        .code(2)
        .stderr(contains(
            "has no version 9.0.0 (versions: 1.0.0, 1.1.0, 2.0.0)",
        ));
    fbh(tmp.path(), &home)
        .arg("packs")
        .assert()
        .success()
        .stdout(
            contains("fastapi")
                .and(contains("cached"))
                .and(contains("1.0.0, 1.1.0, 2.0.0")),
        );
}

#[test]
fn update_merges_a_new_version_into_an_edited_project() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pack_repo(&tmp.path().join("pack"));
    let home = tmp.path().join("home");
    fbh(tmp.path(), &home)
        .args(["new", "demo", "--pack", &format!("{}@1.0.0", repo.url())])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    let write = |p: &str, c: &[u8]| std::fs::write(project.join(p), c).unwrap();
    write(
        "app.py",
        b"import os\n\n\ndef one():\n    return 1\n\n\ndef two():\n    return 2\n",
    );
    write("helpers.py", b"HELP = 10  # mine\n");
    write("gone.py", b"OLD = 2  # mine\n");
    write("logo.bin", b"\0\x01mine");
    write("extra.py", b"EXTRA = 'mine'\n");

    fbh(&project, &home)
        .args(["update", "--check"])
        .assert()
        .code(1)
        .stdout(contains(
            "version 2.0.0 is available (the project uses 1.0.0)",
        ));
    fbh(&project, &home)
        .args(["update", "--check", "--format", "json"])
        .assert()
        .code(1)
        .stdout("{\"schema\":\"fb.update-check\",\"version\":1,\"current\":\"1.0.0\",\"newest\":\"2.0.0\",\"update_available\":true}\n");
    fbh(&project, &home)
        .args(["diff", "--to", "1.1.0", "--stat"])
        .assert()
        .success()
        .stdout(contains("merged  app.py").and(contains("moved  lib/helpers.py")));

    fbh(&project, &home)
        .args(["update", "--to", "1.1.0"])
        .assert()
        .code(1)
        .stderr(
            contains("Merged app.py")
                .and(contains("Moved lib/helpers.py (from helpers.py)"))
                .and(contains("Kept gone.py"))
                .and(contains("logo.bin (binary: yours kept"))
                .and(contains("extra.py (1 conflict(s))")),
        );
    let read = |p: &str| std::fs::read(project.join(p)).unwrap();
    assert_eq!(read("app.py"), b"import os\n\n\ndef one():\n    return 1\n\n\ndef two():\n    return 2\n\n\ndef three():\n    return 3\n");
    assert_eq!(
        read("lib/helpers.py"),
        b"HELP = 10  # mine\nMORE = 2\n",
        "the user's edit followed the renamed file"
    );
    assert!(!project.join("helpers.py").exists());
    assert_eq!(
        read("gone.py"),
        b"OLD = 2  # mine\n",
        "a file the template deleted but the user edited is kept"
    );
    assert_eq!(read("logo.bin"), b"\0\x01mine");
    assert_eq!(read("logo.bin.fb-new"), b"\0\x01theirs");
    let extra = String::from_utf8(read("extra.py")).unwrap();
    assert!(
        extra.contains("<<<<<<< yours\nEXTRA = 'mine'")
            && extra.contains("EXTRA = 'template'\n>>>>>>> demo-pack 1.1.0"),
        "{extra}"
    );
    fbh(&project, &home)
        .arg("status")
        .assert()
        .code(1)
        .stdout(contains("unresolved conflicts (1):\n  extra.py"));

    // Resolve, then go to 2.0.0 offline: the new option takes its default.
    write("extra.py", b"EXTRA = 'mine'\n");
    fbh(&project, &home)
        .args(["update", "--offline"])
        .assert()
        .success()
        .stderr(contains("Updated README.md").and(contains("from 1.1.0 to 2.0.0")));
    let lock = std::fs::read_to_string(project.join("fastapi-builder.lock")).unwrap();
    assert!(
        lock.contains("version = \"2.0.0\"") && lock.contains("style = \"tabs\""),
        "{lock}"
    );
    fbh(&project, &home)
        .args(["update", "--to", "1.0.0"])
        .assert()
        .code(2)
        .stderr(contains("does not update to the older 1.0.0"));
    fbh(&project, &home)
        .arg("update")
        .assert()
        .success()
        .stderr(contains("nothing to do"));
}

#[test]
fn a_moved_tag_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pack_repo(&tmp.path().join("pack"));
    let home = tmp.path().join("home");
    fbh(tmp.path(), &home)
        .args(["new", "demo", "--pack", &format!("{}@1.0.0", repo.url())])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    // Upstream rewrites v1.0.0 to a new commit with the same version.
    repo.release(
        "v1.0.0",
        &[
            ("pack.toml", &manifest("1.0.0", "")),
            ("template/app.py", b"rewritten\n"),
        ],
    );
    // Offline, the cached commit is still trusted...
    fbh(&project, &home)
        .args(["diff", "--offline", "--exit-code"])
        .assert()
        .success();
    // ...but once fetched, the moved tag is refused.
    fbh(&project, &home)
        .args(["update"])
        .assert()
        .code(2)
        .stderr(contains("tag `v1.0.0`").and(contains("was moved upstream")));
    // Every later use is refused too, now that the cache knows.
    fbh(&project, &home)
        .args(["diff", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("was moved upstream"));
}

#[test]
fn a_tampered_checkout_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pack_repo(&tmp.path().join("pack"));
    let home = tmp.path().join("home");
    fbh(tmp.path(), &home)
        .args(["new", "demo", "--pack", &format!("{}@1.0.0", repo.url())])
        .assert()
        .success();
    let checkouts = home.join("git/checkouts");
    let remote_dir = std::fs::read_dir(&checkouts)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let checkout = std::fs::read_dir(&remote_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    std::fs::write(checkout.join("template/app.py"), "evil()\n").unwrap();
    fbh(&tmp.path().join("demo"), &home)
        .args(["diff", "--offline"])
        .assert()
        .code(2)
        .stderr(contains("was modified since fb checked it out"));
    fbh(tmp.path(), &home)
        .args([
            "new",
            "again",
            "--offline",
            "--pack",
            &format!("{}@1.0.0", repo.url()),
        ])
        .assert()
        .code(2)
        .stderr(contains("was modified since fb checked it out"));
}

#[test]
fn a_tag_that_disagrees_with_its_pack_version_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = PackRepo::new(&tmp.path().join("pack"));
    repo.release(
        "v1.0.0",
        &[
            ("pack.toml", &manifest("0.9.0", "")),
            ("template/a.txt", b"a\n"),
        ],
    );
    repo.release(
        "not-a-version",
        &[
            ("pack.toml", &manifest("0.9.0", "")),
            ("template/a.txt", b"b\n"),
        ],
    );
    fbh(tmp.path(), &tmp.path().join("home"))
        .args(["new", "demo", "--pack", &repo.url()])
        .assert()
        .code(2)
        .stderr(contains("tag `v1.0.0`").and(contains("version 0.9.0")));
    assert!(!tmp.path().join("demo").exists());
}

#[test]
fn an_interrupted_checkout_is_redone() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pack_repo(&tmp.path().join("pack"));
    let home = tmp.path().join("home");
    fbh(tmp.path(), &home)
        .args(["new", "one", "--pack", &format!("{}@1.0.0", repo.url())])
        .assert()
        .success();
    // Remove the marker and leave a half checkout behind, as a crash would.
    let remote_dir = std::fs::read_dir(home.join("git/checkouts"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for entry in std::fs::read_dir(&remote_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ok") {
            std::fs::remove_file(&path).unwrap();
        } else if path.is_dir() {
            std::fs::remove_file(path.join("template/app.py")).unwrap();
        }
    }
    fbh(tmp.path(), &home)
        .args([
            "new",
            "two",
            "--offline",
            "--pack",
            &format!("{}@1.0.0", repo.url()),
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(tmp.path().join("two/app.py")).unwrap(),
        APP_V1
    );
}

#[test]
fn a_new_option_without_a_default_must_be_given() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pack_repo(&tmp.path().join("pack"));
    let home = tmp.path().join("home");
    fbh(tmp.path(), &home)
        .args(["new", "demo", "--pack", &format!("{}@2.0.0", repo.url())])
        .assert()
        .success();
    let m3 = manifest(
        "3.0.0",
        "\n[options.style]\ntype = \"str\"\ndefault = \"tabs\"\n\n[options.region]\ntype = \"str\"\nchoices = [\"eu\", \"us\"]\nprompt = \"Region\"\n",
    );
    repo.release(
        "v3.0.0",
        &[
            ("pack.toml", &m3),
            ("template/app.py", APP_V2),
            ("template/region.txt.jinja", b"{{ region }}\n"),
        ],
    );
    let project = tmp.path().join("demo");
    fbh(&project, &home)
        .arg("update")
        .assert()
        .code(2)
        .stderr(contains(
            "option `region` has no default and no value was given: pass --set region=VALUE",
        ));
    fbh(&project, &home)
        .args(["update", "--set", "region=mars"])
        .assert()
        .code(2)
        .stderr(contains("unknown value `mars`: expected one of eu, us"));
    fbh(&project, &home)
        .args(["update", "--set", "region=eu"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(project.join("region.txt")).unwrap(),
        "eu\n"
    );
}

#[test]
fn a_version_that_starts_repeating_a_moved_file_still_carries_the_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = PackRepo::new(&tmp.path().join("pack"));
    let m1 = manifest(
        "1.0.0",
        "\n[computed]\nm = \"resource_model('Order total:float')\"\n",
    );
    repo.release(
        "v1.0.0",
        &[
            ("pack.toml", &m1),
            ("template/routers/{{ m.plural }}.py.jinja", b"ORDERS = 1\n"),
        ],
    );
    let home = tmp.path().join("home");
    fbh(tmp.path(), &home)
        .args(["new", "demo", "--pack", &format!("{}@1.0.0", repo.url())])
        .assert()
        .success();
    let project = tmp.path().join("demo");
    std::fs::write(project.join("routers/orders.py"), "ORDERS = 1\n# mine\n").unwrap();
    // 2.0.0 renders one file per resource and moves them; 1.0.0 had no list to repeat over.
    let m2 = manifest(
        "2.0.0",
        "\n[options.resources]\ntype = \"list\"\ndefault = []\n\n[computed]\nm = \"resource_model('Order total:float')\"\nmodels = \"[m] + (resources | map('resource_model') | list)\"\n\n[[repeat]]\npaths_containing = \"{{ m.\"\nover = \"models\"\nas = \"m\"\n\n[[moves]]\nfrom = \"routers/{{ m.plural }}.py\"\nto = \"api/{{ m.plural }}.py\"\n",
    );
    repo.release(
        "v2.0.0",
        &[
            ("pack.toml", &m2),
            ("template/api/{{ m.plural }}.py.jinja", b"ORDERS = 1\n"),
        ],
    );
    fbh(&project, &home)
        .arg("update")
        .assert()
        .success()
        .stderr(contains("api/orders.py (from routers/orders.py)"));
    assert_eq!(
        std::fs::read_to_string(project.join("api/orders.py")).unwrap(),
        "ORDERS = 1\n# mine\n"
    );
    assert!(!project.join("routers/orders.py").exists());
}

#[test]
fn registry_names_resolve_and_pins_are_enforced() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pack_repo(&tmp.path().join("pack"));
    let home = tmp.path().join("home");
    let commit = |tag: &str| {
        repo.repo
            .revparse_single(tag)
            .unwrap()
            .peel_to_commit()
            .unwrap()
            .id()
            .to_string()
    };
    // Learn v1.0.0's checksum from a first render.
    fbh(tmp.path(), &home)
        .args(["new", "probe", "--pack", &format!("{}@1.0.0", repo.url())])
        .assert()
        .success();
    let lock = std::fs::read_to_string(tmp.path().join("probe/fastapi-builder.lock")).unwrap();
    let checksum = lock
        .lines()
        .find(|l| l.starts_with("checksum = "))
        .unwrap()
        .trim_start_matches("checksum = ")
        .trim_matches('"')
        .to_string();
    let registry = tmp.path().join("registry.toml");
    let write_registry = |pinned_commit: &str| {
        std::fs::write(
            &registry,
            format!(
                "[[packs]]\nname = \"demo\"\ndescription = \"a test pack\"\nurl = \"{}\"\nversions = [{{ version = \"1.0.0\", commit = \"{pinned_commit}\", checksum = \"{checksum}\" }}]\n",
                repo.url()
            ),
        )
        .unwrap();
    };
    write_registry(&commit("v1.0.0"));
    let with_registry = |cwd: &Path| {
        let mut cmd = fbh(cwd, &home);
        cmd.env("FB_REGISTRY", &registry);
        cmd
    };
    with_registry(tmp.path())
        .args(["new", "named", "--pack", "demo@1.0.0"])
        .assert()
        .success();
    let lock = std::fs::read_to_string(tmp.path().join("named/fastapi-builder.lock")).unwrap();
    assert!(
        lock.contains(&format!("source = \"git+{}\"", repo.url())),
        "{lock}"
    );
    with_registry(tmp.path())
        .arg("packs")
        .assert()
        .success()
        .stdout(
            contains("demo")
                .and(contains("registry"))
                .and(contains("a test pack")),
        );
    // A pin that the tag no longer matches is refused.
    write_registry(&commit("v1.1.0"));
    with_registry(tmp.path())
        .args(["new", "refused", "--pack", "demo@1.0.0"])
        .assert()
        .code(2)
        .stderr(contains("should be commit"));
    assert!(!tmp.path().join("refused").exists());
}

#[test]
fn status_without_the_pack_cached_says_it_could_not_check_and_still_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pack_repo(&tmp.path().join("pack"));
    let home = tmp.path().join("home");
    fbh(tmp.path(), &home)
        .args(["new", "demo", "--pack", &format!("{}@1.0.0", repo.url())])
        .assert()
        .success();
    // Another machine: the project is checked out, fb's cache is empty, and status never fetches.
    fbh(&tmp.path().join("demo"), &tmp.path().join("empty-home"))
        .arg("status")
        .assert()
        .success()
        .stdout(contains("no changes since the last render"))
        .stderr(contains(
            "is not in fb's cache, and `fb status` never fetches",
        ));
}
