//! Version control: commands that write refuse to run in a git work tree with uncommitted
//! changes (unless `--allow-dirty`), so every change fb makes can be reviewed and undone with git.

use std::path::Path;

use anyhow::{Context, Result};

/// Files with uncommitted changes (modified, staged or untracked) under `root`, if `root` is in a
/// git work tree; an empty list for a clean tree or a project outside git.
pub fn uncommitted_changes(root: &Path) -> Result<Vec<String>> {
    let repo = match git2::Repository::discover(root) {
        Ok(repo) => repo,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(e).with_context(|| {
                format!("cannot open the git repository around `{}`", root.display())
            });
        }
    };
    let Some(workdir) = repo.workdir() else {
        return Ok(Vec::new());
    };
    let workdir = workdir
        .canonicalize()
        .context("cannot resolve the git work tree")?;
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot resolve `{}`", root.display()))?;
    let prefix = root
        .strip_prefix(&workdir)
        .unwrap_or(Path::new(""))
        .to_string_lossy()
        .replace('\\', "/");
    let mut options = git2::StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    if !prefix.is_empty() {
        options.pathspec(format!("{prefix}/"));
    }
    let statuses = repo
        .statuses(Some(&mut options))
        .context("cannot read the git status")?;
    let mut dirty: Vec<String> = statuses
        .iter()
        .filter(|s| {
            s.status() != git2::Status::CURRENT && !s.status().contains(git2::Status::IGNORED)
        })
        .filter_map(|s| s.path().ok().map(str::to_string))
        .collect();
    dirty.sort();
    Ok(dirty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_git_is_clean() {
        let dir = tempfile::tempdir().unwrap();
        assert!(uncommitted_changes(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn untracked_and_modified_files_are_dirty() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        assert_eq!(uncommitted_changes(dir.path()).unwrap(), ["a.txt"]);
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("a.txt")).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("t", "t@example.com").unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "init", &tree, &[])
            .unwrap();
        assert!(uncommitted_changes(dir.path()).unwrap().is_empty());
        std::fs::write(dir.path().join("a.txt"), "b").unwrap();
        assert_eq!(uncommitted_changes(dir.path()).unwrap(), ["a.txt"]);
    }
}
