//! Helpers shared by the CLI tests: running fb hermetically and comparing directory trees.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `fb` with a clean environment: no colour, no backtraces, stdin not a terminal.
pub fn fb(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("fb").unwrap();
    cmd.current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        // Never `uv lock` (the network); tests of the lock step put a fake `uv` on PATH.
        .env("FB_NO_LOCK", "1")
        // Nor the pack's checks (`uv run ruff`); tests of the checks give their own pack.
        .env("FB_NO_CHECK", "1")
        .env_remove("CLICOLOR_FORCE")
        // Packs other than the built-in one are untrusted unless a test says otherwise.
        .env_remove("FB_TRUST")
        // Never the user's own cache; tests that need one of their own set FB_HOME again.
        .env(
            "FB_HOME",
            std::env::temp_dir().join(format!("fb-test-home-{}", std::process::id())),
        )
        .write_stdin("");
    cmd
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `root` (relative path → bytes).
pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

/// Compares `actual` with the golden tree `tests/golden/<name>`; `SNAPSHOTS=overwrite` rewrites it.
pub fn assert_golden_tree(name: &str, actual: &Path) {
    let golden = repo_root().join("tests/golden").join(name);
    let actual_tree = read_tree(actual);
    if std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite") {
        let _ = std::fs::remove_dir_all(&golden);
        for (path, bytes) in &actual_tree {
            let dest = golden.join(path);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(dest, bytes).unwrap();
        }
        return;
    }
    assert!(
        golden.is_dir(),
        "no golden tree at {}: run with SNAPSHOTS=overwrite to create it",
        golden.display()
    );
    let expected_tree = read_tree(&golden);
    let expected_paths: Vec<&String> = expected_tree.keys().collect();
    let actual_paths: Vec<&String> = actual_tree.keys().collect();
    assert_eq!(
        actual_paths, expected_paths,
        "the files of `{name}` differ from tests/golden/{name} (SNAPSHOTS=overwrite to accept)"
    );
    for (path, expected) in &expected_tree {
        let actual = &actual_tree[path];
        if actual != expected {
            let diff = similar::TextDiff::from_lines(
                std::str::from_utf8(expected).unwrap_or("<binary>"),
                std::str::from_utf8(actual).unwrap_or("<binary>"),
            )
            .unified_diff()
            .header("golden", "actual")
            .to_string();
            panic!(
                "`{path}` of `{name}` differs from its golden copy (SNAPSHOTS=overwrite to accept):\n{diff}"
            );
        }
    }
}

/// Writes a pack directory from (path, content) pairs.
pub fn write_pack(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let dest = root.join(path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, content).unwrap();
    }
}

/// Entries of a directory (names), to check nothing was left behind.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A pack repository whose commits replace the whole tree.
pub struct PackRepo {
    pub dir: PathBuf,
    pub repo: git2::Repository,
}

impl PackRepo {
    pub fn new(dir: &Path) -> PackRepo {
        let repo = git2::Repository::init(dir).unwrap();
        PackRepo {
            dir: dir.to_path_buf(),
            repo,
        }
    }

    pub fn url(&self) -> String {
        format!("file://{}", self.dir.display())
    }

    /// Commits exactly `files` (and nothing else) and tags the commit, replacing the tag if asked.
    pub fn release(&self, tag: &str, files: &[(&str, &[u8])]) -> String {
        for entry in std::fs::read_dir(&self.dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() != ".git" {
                if path.is_dir() {
                    std::fs::remove_dir_all(&path).unwrap()
                } else {
                    std::fs::remove_file(&path).unwrap()
                }
            }
        }
        for (path, content) in files {
            let dest = self.dir.join(path);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(dest, content).unwrap();
        }
        let mut index = self.repo.index().unwrap();
        index.clear().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("pack", "pack@example.com").unwrap();
        let parents: Vec<git2::Commit<'_>> = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        let oid = self
            .repo
            .commit(Some("HEAD"), &sig, &sig, tag, &tree, &parent_refs)
            .unwrap();
        let object = self.repo.find_object(oid, None).unwrap();
        self.repo.tag_lightweight(tag, &object, true).unwrap();
        oid.to_string()
    }
}

/// Rewrites the "hello world" line of a level-1 project's README, which every upgrade also
/// rewrites: the next upgrade leaves a conflict in README.md.
pub fn edit_readme_to_conflict(project: &Path) {
    let readme = project.join("README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("hello world"))
        .unwrap()
        .to_string();
    std::fs::write(&readme, text.replacen(&line, "My own description.", 1)).unwrap();
}
