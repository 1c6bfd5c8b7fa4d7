//! Packs in git repositories. Versions are semver tags (`vX.Y.Z` or `X.Y.Z`; other tags are
//! ignored). Remotes are fetched with git2 into a cache laid out as cargo lays out its own:
//! one bare database per remote (`git/db/<name>-<hash>`) and one checkout per commit
//! (`git/checkouts/<name>-<hash>/<commit>`), with an `.ok` marker beside a finished checkout that
//! records its checksum, so an interrupted checkout is redone and a modified one is refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::hash::sha256_tagged;
use crate::limits::PackSize;
use crate::pack::Pack;
use crate::ui::Shell;

/// A tagged version of a pack in a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    pub version: semver::Version,
    pub tag: String,
    pub commit: String,
}

/// fb's cache directory: `$FB_HOME` when set (tests, CI), else the platform's cache directory.
pub fn cache_root() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("FB_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    let dirs = directories::ProjectDirs::from("", "", "fb")
        .ok_or_else(|| anyhow!("cannot find a cache directory: set FB_HOME"))?;
    Ok(dirs.cache_dir().to_path_buf())
}

/// A remote and its place in the cache.
pub struct Remote {
    pub url: String,
    db: PathBuf,
    checkouts: PathBuf,
}

impl Remote {
    pub fn new(url: &str) -> Result<Remote> {
        let root = cache_root()?;
        let digest = sha256_tagged(url.as_bytes());
        let short = &digest["sha256:".len().."sha256:".len() + 16];
        let tail: String = url
            .trim_end_matches('/')
            .trim_end_matches(".git")
            .rsplit(['/', ':'])
            .next()
            .unwrap_or("pack")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let name = format!("{}-{short}", if tail.is_empty() { "pack" } else { &tail });
        Ok(Remote {
            url: url.to_string(),
            db: root.join("git/db").join(&name),
            checkouts: root.join("git/checkouts").join(&name),
        })
    }

    fn open_db(&self) -> Result<git2::Repository> {
        if self.db.join("HEAD").is_file() {
            return git2::Repository::open_bare(&self.db).with_context(|| {
                format!("cannot open the cached repository `{}`", self.db.display())
            });
        }
        std::fs::create_dir_all(&self.db)
            .with_context(|| format!("cannot create `{}`", self.db.display()))?;
        let repo = git2::Repository::init_bare(&self.db)
            .with_context(|| format!("cannot create `{}`", self.db.display()))?;
        // Remember the URL, for `fb packs`.
        repo.config()?.set_str("fb.url", &self.url)?;
        Ok(repo)
    }

    /// True when the cache holds a database for this remote.
    pub fn is_cached(&self) -> bool {
        self.db.join("HEAD").is_file()
    }

    /// Fetches the remote's tags (moved tags are updated, deleted ones pruned).
    pub fn fetch(&self, shell: &Shell) -> Result<()> {
        let repo = self.open_db()?;
        let mut remote = repo
            .remote_anonymous(&self.url)
            .with_context(|| format!("invalid git URL `{}`", self.url))?;
        let progress = shell.progress(&format!("Fetching {}", self.url));
        let mut callbacks = git2::RemoteCallbacks::new();
        callbacks.transfer_progress(|p| {
            progress.set(p.received_objects() as u64, p.total_objects() as u64);
            true
        });
        let mut tried_agent = false;
        callbacks.credentials(move |url, username, allowed| {
            // ssh-agent first for ssh URLs, then git's own credential helpers.
            if allowed.contains(git2::CredentialType::SSH_KEY) && !tried_agent {
                tried_agent = true;
                return git2::Cred::ssh_key_from_agent(username.unwrap_or("git"));
            }
            if allowed.contains(git2::CredentialType::USER_PASS_PLAINTEXT) {
                let config = git2::Config::open_default()?;
                return git2::Cred::credential_helper(&config, url, username);
            }
            git2::Cred::default()
        });
        let mut options = git2::FetchOptions::new();
        options
            .remote_callbacks(callbacks)
            .prune(git2::FetchPrune::On)
            .download_tags(git2::AutotagOption::None);
        let result = remote.fetch(&["+refs/tags/*:refs/tags/*"], Some(&mut options), None);
        progress.finish();
        result.with_context(|| format!("cannot fetch `{}`", self.url))?;
        Ok(())
    }

    /// The versions the cached database knows, oldest first.
    pub fn versions(&self) -> Result<Vec<Tagged>> {
        if !self.is_cached() {
            return Ok(Vec::new());
        }
        let repo = self.open_db()?;
        let mut out = Vec::new();
        for name in repo.tag_names(None)?.iter().flatten().flatten() {
            let Some(version) = parse_tag(name) else {
                continue;
            };
            let reference = repo.find_reference(&format!("refs/tags/{name}"))?;
            let commit = reference
                .peel_to_commit()
                .with_context(|| format!("tag `{name}` does not point to a commit"))?;
            out.push(Tagged {
                version,
                tag: name.to_string(),
                commit: commit.id().to_string(),
            });
        }
        out.sort_by(|a, b| a.version.cmp(&b.version));
        // `v1.0.0` and `1.0.0` both tagging one version: keep the first.
        out.dedup_by(|a, b| a.version == b.version);
        Ok(out)
    }

    /// Loads the pack at `commit`, from its cached checkout or by checking it out of the database.
    pub fn load_commit(&self, commit: &str) -> Result<Pack> {
        let dir = self.checkouts.join(commit);
        let marker = self.checkouts.join(format!("{commit}.ok"));
        if !marker.is_file() {
            self.checkout(commit, &dir, &marker)?;
        }
        let recorded = std::fs::read_to_string(&marker)
            .with_context(|| format!("cannot read `{}`", marker.display()))?;
        let pack = super::dir::load(&dir)
            .with_context(|| format!("cannot load the cached checkout `{}`", dir.display()))?;
        if pack.checksum != recorded.trim() {
            bail!(
                "the cached checkout `{}` of `{}` was modified since fb checked it out (its checksum is {}, it was {}): delete that directory and run the command again",
                dir.display(),
                self.url,
                pack.checksum,
                recorded.trim()
            );
        }
        Ok(pack)
    }

    /// True when the database has this commit.
    pub fn has_commit(&self, commit: &str) -> bool {
        self.is_cached()
            && self.open_db().ok().is_some_and(|repo| {
                git2::Oid::from_str(commit)
                    .ok()
                    .is_some_and(|oid| repo.find_commit(oid).is_ok())
            })
    }

    /// Writes the tree of `commit` into `dir` (through a temporary directory), then the marker.
    fn checkout(&self, commit: &str, dir: &Path, marker: &Path) -> Result<()> {
        let repo = self.open_db()?;
        let oid = git2::Oid::from_str(commit)
            .with_context(|| format!("`{commit}` is not a commit id"))?;
        let commit_obj = repo
            .find_commit(oid)
            .with_context(|| format!("commit {commit} is not in the cache of `{}`", self.url))?;
        let tree = commit_obj.tree()?;
        let mut files: BTreeMap<String, (Vec<u8>, bool)> = BTreeMap::new();
        collect_tree(&repo, &tree, "", &mut files, &mut PackSize::default())?;
        // A malformed tree can hold `a` twice, as a link and as a directory: writing `a/b` after
        // the link `a` would write through it, outside the cache. No path may be another's parent.
        if let Some((file, _)) = crate::paths::nested_pair(&files) {
            bail!(
                "commit {commit} of `{}` is not a valid pack: `{file}` is both a file and a directory",
                self.url
            );
        }
        std::fs::create_dir_all(&self.checkouts)
            .with_context(|| format!("cannot create `{}`", self.checkouts.display()))?;
        let staging = tempfile::Builder::new()
            .prefix(".checkout-")
            .tempdir_in(&self.checkouts)?;
        for (path, (bytes, is_link)) in &files {
            let dest = staging.path().join(path);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if *is_link {
                write_symlink(bytes, &dest)?;
            } else {
                std::fs::write(&dest, bytes)?;
            }
        }
        if dir.exists() {
            // An interrupted earlier checkout (no marker): redo it.
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("cannot remove `{}`", dir.display()))?;
        }
        std::fs::rename(staging.path(), dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        let _ = staging.keep();
        let pack = super::dir::load(dir)
            .with_context(|| format!("commit {commit} of `{}` is not a valid pack", self.url))?;
        std::fs::write(marker, format!("{}\n", pack.checksum))?;
        Ok(())
    }
}

/// The URLs of the remotes in the cache.
pub fn cached_remotes() -> Result<Vec<String>> {
    let db = cache_root()?.join("git/db");
    let Ok(entries) = std::fs::read_dir(&db) else {
        return Ok(Vec::new());
    };
    let mut urls = Vec::new();
    for entry in entries.flatten() {
        if let Ok(repo) = git2::Repository::open_bare(entry.path())
            && let Ok(url) = repo.config().and_then(|c| c.get_string("fb.url"))
        {
            urls.push(url);
        }
    }
    urls.sort();
    Ok(urls)
}

/// Every blob of a tree: path → (content, is a symlink). Submodules are skipped.
fn collect_tree(
    repo: &git2::Repository,
    tree: &git2::Tree<'_>,
    prefix: &str,
    out: &mut BTreeMap<String, (Vec<u8>, bool)>,
    size: &mut PackSize,
) -> Result<()> {
    for entry in tree.iter() {
        let name = entry
            .name()
            .map_err(|_| anyhow!("a file name in the pack is not UTF-8"))?;
        if name.is_empty()
            || name == "."
            || name == ".."
            || name.contains(['/', '\\', '\0'])
            || name.eq_ignore_ascii_case(".git")
        {
            bail!("the pack's tree has an invalid entry `{name}`");
        }
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        match entry.kind() {
            Some(git2::ObjectType::Tree) => {
                let sub = repo.find_tree(entry.id())?;
                collect_tree(repo, &sub, &path, out, size)?;
            }
            Some(git2::ObjectType::Blob) => {
                // The size from the object header, before a huge blob is inflated.
                let (len, _) = repo.odb()?.read_header(entry.id())?;
                size.add(&path, len as u64)?;
                let blob = repo.find_blob(entry.id())?;
                out.insert(
                    path,
                    (blob.content().to_vec(), entry.filemode() == 0o120000),
                );
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(unix)]
fn write_symlink(target: &[u8], dest: &Path) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(target), dest)
        .with_context(|| format!("cannot create the symlink `{}`", dest.display()))
}

#[cfg(not(unix))]
fn write_symlink(_target: &[u8], dest: &Path) -> Result<()> {
    bail!(
        "the pack holds a symlink (`{}`), which fb supports only on Unix",
        dest.display()
    )
}

/// `v1.2.0` or `1.2.0` → 1.2.0; anything else is not a version tag.
pub fn parse_tag(tag: &str) -> Option<semver::Version> {
    semver::Version::parse(tag.strip_prefix('v').unwrap_or(tag))
        .ok()
        .filter(|v| v.build.is_empty())
}

/// The version to use: the one asked for (pre-releases only when named), else the newest release.
pub fn pick<'a>(versions: &'a [Tagged], wanted: Option<&semver::Version>) -> Option<&'a Tagged> {
    match wanted {
        Some(w) => versions.iter().find(|t| &t.version == w),
        None => versions.iter().rev().find(|t| t.version.pre.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_picking() {
        assert_eq!(parse_tag("v1.2.3"), Some(semver::Version::new(1, 2, 3)));
        assert_eq!(parse_tag("1.2.3"), Some(semver::Version::new(1, 2, 3)));
        assert_eq!(parse_tag("release-1"), None);
        assert_eq!(parse_tag("v1.2"), None);
        let t = |v: &str| Tagged {
            version: semver::Version::parse(v).unwrap(),
            tag: format!("v{v}"),
            commit: String::new(),
        };
        let versions = [t("1.0.0"), t("1.1.0"), t("2.0.0-rc.1")];
        assert_eq!(pick(&versions, None).unwrap().version.to_string(), "1.1.0");
        let rc = semver::Version::parse("2.0.0-rc.1").unwrap();
        assert_eq!(pick(&versions, Some(&rc)).unwrap().tag, "v2.0.0-rc.1");
        assert!(pick(&versions, Some(&semver::Version::new(3, 0, 0))).is_none());
    }
}
