//! Version control: commands that write refuse to run in a git work tree with uncommitted
//! changes (unless `--allow-dirty`), so every change fb makes can be reviewed and undone with git.

use std::path::Path;

use anyhow::{Context, Result};

/// A file git would show in `git status`, with its path relative to the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirty {
    pub path: String,
    /// New to git (never added): the user's own file, which only matters if fb would write it.
    pub untracked: bool,
}

/// Files with uncommitted changes (modified, staged or untracked) under `root`, if `root` is in a
/// git work tree, relative to `root`; an empty list for a clean tree or a project outside git.
pub fn uncommitted_changes(root: &Path) -> Result<Vec<String>> {
    Ok(status(root)?.into_iter().map(|d| d.path).collect())
}

/// [`uncommitted_changes`], saying which files are untracked.
pub fn status(root: &Path) -> Result<Vec<Dirty>> {
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
    let mut dirty: Vec<Dirty> = statuses
        .iter()
        .filter(|s| {
            s.status() != git2::Status::CURRENT && !s.status().contains(git2::Status::IGNORED)
        })
        .filter_map(|s| {
            let path = s.path().ok()?;
            // git names paths from the top of the work tree; fb's plans name them from the project.
            let path = match prefix.is_empty() {
                true => path,
                false => path.strip_prefix(&format!("{prefix}/"))?,
            };
            Some(Dirty {
                path: path.to_string(),
                untracked: s.status() == git2::Status::WT_NEW,
            })
        })
        .collect();
    dirty.sort_by(|a, b| a.path.cmp(&b.path));
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
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/new.txt"), "n").unwrap();
        assert_eq!(
            status(dir.path()).unwrap(),
            [
                Dirty {
                    path: "a.txt".into(),
                    untracked: false
                },
                Dirty {
                    path: "sub/new.txt".into(),
                    untracked: true
                }
            ]
        );
        // From a project in a subdirectory, paths are the project's.
        assert_eq!(
            status(&dir.path().join("sub")).unwrap(),
            [Dirty {
                path: "new.txt".into(),
                untracked: true
            }]
        );
    }
}
