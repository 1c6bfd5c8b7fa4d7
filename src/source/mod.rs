//! Where packs come from: the pack built into fb, a pack directory on disk, or a git repository
//! whose semver tags are its versions. Each source loads a whole [`Pack`] into memory and names
//! itself for the lockfile (`source = "builtin" | "path+…" | "git+…"`).

mod builtin;
mod dir;
pub mod git;
pub mod registry;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::lock::LockedPack;
use crate::pack::Pack;
use crate::ui::Shell;

/// The name of the built-in pack, as `--pack` accepts it.
pub const BUILTIN_NAME: &str = "fastapi";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackSource {
    /// The pack embedded in this fb binary (its current and archived versions).
    Builtin,
    /// A pack directory on disk (absolute path).
    Dir(PathBuf),
    /// A git repository (a URL; local repositories as `file://`).
    Git(String),
}

/// A source plus the version the user asked for, if any (`fastapi@0.1.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackRequest {
    pub source: PackSource,
    pub version: Option<semver::Version>,
}

/// A pack with what the lockfile records about where it came from.
pub struct Loaded {
    pub pack: Pack,
    pub source: PackSource,
    /// The exact commit, for git sources.
    pub commit: Option<String>,
}

impl Loaded {
    pub fn locked(&self) -> LockedPack {
        LockedPack {
            name: self.pack.name().to_string(),
            source: self.source.lock_string(),
            version: self.pack.version().to_string(),
            commit: self.commit.clone(),
            checksum: self.pack.checksum.clone(),
        }
    }
}

impl PackRequest {
    /// Parses `--pack SOURCE[@VERSION]`.
    pub fn parse(spec: &str) -> Result<PackRequest> {
        let (source, version) = match spec.rsplit_once('@') {
            Some((s, v)) if !s.is_empty() && looks_like_version(v) => {
                let v = v.strip_prefix('v').unwrap_or(v);
                let version = semver::Version::parse(v)
                    .with_context(|| format!("`{v}` in `{spec}` is not a version like 1.2.0"))?;
                (s, Some(version))
            }
            _ => (spec, None),
        };
        Ok(PackRequest {
            source: PackSource::parse(source)?,
            version,
        })
    }

    /// Loads the requested version (default: the newest release). Git sources are fetched unless
    /// the version asked for is already cached, or `offline` forbids it.
    pub fn load(&self, offline: bool, shell: &Shell) -> Result<Loaded> {
        match &self.source {
            PackSource::Builtin => {
                let pack = match &self.version {
                    Some(v) => builtin::load_version(v)?,
                    None => builtin::load()?,
                };
                Ok(Loaded {
                    pack,
                    source: PackSource::Builtin,
                    commit: None,
                })
            }
            PackSource::Dir(dir) => {
                let pack = dir::load(dir)
                    .with_context(|| format!("cannot load the pack at `{}`", dir.display()))?;
                if let Some(wanted) = &self.version
                    && &pack.manifest.version() != wanted
                {
                    bail!(
                        "the pack at `{}` is version {}, not {wanted}",
                        dir.display(),
                        pack.version()
                    );
                }
                Ok(Loaded {
                    pack,
                    source: self.source.clone(),
                    commit: None,
                })
            }
            PackSource::Git(url) => {
                let remote = git::Remote::new(url)?;
                let mut versions = remote.versions()?;
                if git::pick(&versions, self.version.as_ref()).is_none() || self.version.is_none() {
                    if offline {
                        if git::pick(&versions, self.version.as_ref()).is_none() {
                            bail!(
                                "{} of `{url}` is not in the cache, and --offline forbids fetching it",
                                describe_version(self.version.as_ref())
                            );
                        }
                    } else {
                        remote.fetch(shell)?;
                        versions = remote.versions()?;
                    }
                }
                let Some(tagged) = git::pick(&versions, self.version.as_ref()) else {
                    let known: Vec<String> =
                        versions.iter().map(|t| t.version.to_string()).collect();
                    bail!(
                        "`{url}` has no {} (versions: {})",
                        describe_version(self.version.as_ref()),
                        if known.is_empty() {
                            "none: it has no vX.Y.Z tags".to_string()
                        } else {
                            known.join(", ")
                        }
                    );
                };
                let pack = remote.load_commit(&tagged.commit)?;
                if pack.manifest.version() != tagged.version {
                    bail!(
                        "tag `{}` of `{url}` holds a pack.toml with version {}: the tag and the pack disagree, so fb will not use it",
                        tagged.tag,
                        pack.version()
                    );
                }
                registry::verify(url, &tagged.version, &tagged.commit, &pack.checksum)?;
                Ok(Loaded {
                    pack,
                    source: self.source.clone(),
                    commit: Some(tagged.commit.clone()),
                })
            }
        }
    }
}

fn describe_version(v: Option<&semver::Version>) -> String {
    match v {
        Some(v) => format!("version {v}"),
        None => "release".to_string(),
    }
}

fn looks_like_version(s: &str) -> bool {
    let s = s.strip_prefix('v').unwrap_or(s);
    s.starts_with(|c: char| c.is_ascii_digit()) && s.contains('.')
}

impl PackSource {
    pub fn parse(source: &str) -> Result<PackSource> {
        if source == BUILTIN_NAME || source == "builtin" {
            return Ok(PackSource::Builtin);
        }
        if let Some(entry) = registry::find(source) {
            return Ok(PackSource::Git(entry.url.clone()));
        }
        let is_url = ["https://", "http://", "ssh://", "git@", "file://", "git://"]
            .iter()
            .any(|p| source.starts_with(p));
        if is_url {
            return Ok(PackSource::Git(
                source.trim_start_matches("git+").to_string(),
            ));
        }
        let path = Path::new(source);
        if path.is_dir() {
            let abs = path
                .canonicalize()
                .with_context(|| format!("cannot resolve `{source}`"))?;
            // A git repository is versioned by its tags; a plain directory is used as it is.
            if git2::Repository::open(&abs)
                .is_ok_and(|r| r.path().parent() == Some(&abs) || r.is_bare())
            {
                return Ok(PackSource::Git(format!("file://{}", abs.display())));
            }
            return Ok(PackSource::Dir(abs));
        }
        if path.exists() {
            bail!(
                "`{source}` is not a directory: a pack is a directory with `pack.toml` and `template/`"
            );
        }
        bail!(
            "no pack named `{source}`: pass `{BUILTIN_NAME}` (the built-in pack), a registry name (see `fb packs`), a git URL or the path of a pack directory"
        )
    }

    /// How the lockfile names this source.
    pub fn lock_string(&self) -> String {
        match self {
            PackSource::Builtin => "builtin".to_string(),
            PackSource::Dir(dir) => format!("path+{}", dir.display()),
            PackSource::Git(url) => format!("git+{url}"),
        }
    }

    /// The inverse of [`lock_string`](Self::lock_string), for commands that re-render a project.
    pub fn from_lock_string(s: &str) -> Result<PackSource> {
        if s == "builtin" {
            return Ok(PackSource::Builtin);
        }
        if let Some(path) = s.strip_prefix("path+") {
            return Ok(PackSource::Dir(PathBuf::from(path)));
        }
        if let Some(url) = s.strip_prefix("git+") {
            return Ok(PackSource::Git(url.to_string()));
        }
        bail!("unknown pack source `{s}` in the lockfile")
    }
}

/// A git pack that is not in the cache while fb may not fetch.
#[derive(Debug, thiserror::Error)]
#[error(
    "pack `{name}` {version} (commit {commit}) from `{url}` is not in the cache, and --offline forbids fetching it"
)]
pub struct NotCached {
    pub name: String,
    pub version: String,
    pub commit: String,
    pub url: String,
}

/// Loads the exact pack a lockfile records and checks it is the same: the same version, and for
/// git the same commit (a tag that moved is refused), and the same checksum.
pub fn load_locked(locked: &LockedPack, offline: bool, shell: &Shell) -> Result<Pack> {
    let source = PackSource::from_lock_string(&locked.source)?;
    let version = semver::Version::parse(&locked.version).with_context(|| {
        format!(
            "the lockfile's pack version `{}` is not semver",
            locked.version
        )
    })?;
    let pack = match &source {
        PackSource::Builtin => builtin::load_version(&version)?,
        PackSource::Dir(dir) => dir::load(dir).with_context(|| {
            format!(
                "cannot load the pack at `{}` recorded in the lockfile",
                dir.display()
            )
        })?,
        PackSource::Git(url) => {
            let commit = locked.commit.as_deref().with_context(|| {
                format!("the lockfile records no commit for the git pack `{url}`")
            })?;
            let remote = git::Remote::new(url)?;
            if !remote.has_commit(commit) {
                if offline {
                    return Err(NotCached {
                        name: locked.name.clone(),
                        version: locked.version.clone(),
                        commit: commit.to_string(),
                        url: url.clone(),
                    }
                    .into());
                }
                remote.fetch(shell)?;
            }
            check_locked_tag(locked)?;
            if !remote.has_commit(commit) {
                bail!(
                    "commit {commit} of `{url}` (pack `{}` {}) no longer exists upstream",
                    locked.name,
                    locked.version
                );
            }
            remote.load_commit(commit)?
        }
    };
    if pack.name() != locked.name || pack.version() != locked.version {
        bail!(
            "the project was made with pack `{}` {}, but `{}` provides `{}` {}",
            locked.name,
            locked.version,
            locked.source,
            pack.name(),
            pack.version()
        );
    }
    if pack.checksum != locked.checksum {
        bail!(
            "pack `{}` {} from `{}` has changed since it made this project (its checksum is {}, the lockfile records {}): restore that pack version, or regenerate the project",
            locked.name,
            locked.version,
            locked.source,
            pack.checksum,
            locked.checksum
        );
    }
    Ok(pack)
}

/// The current built-in pack.
pub fn builtin_pack() -> Result<Pack> {
    builtin::load()
}

/// The built-in pack's versions (current and archived), oldest first.
pub fn builtin_versions() -> Vec<semver::Version> {
    builtin::versions()
}

/// Refuses a git pack whose version tag (as last fetched) names another commit than the lock: the
/// version was rewritten upstream. Other sources have nothing to check.
pub fn check_locked_tag(locked: &LockedPack) -> Result<()> {
    let (PackSource::Git(url), Some(commit)) = (
        PackSource::from_lock_string(&locked.source)?,
        &locked.commit,
    ) else {
        return Ok(());
    };
    let remote = git::Remote::new(&url)?;
    if let Some(tagged) = remote
        .versions()?
        .into_iter()
        .find(|t| t.version.to_string() == locked.version)
        && &tagged.commit != commit
    {
        bail!(
            "tag `{}` of `{url}` now points to commit {}, but this project was made from commit {commit}: the tag was moved upstream, so fb cannot trust that version; ask the pack's authors to restore the tag",
            tagged.tag,
            tagged.commit
        );
    }
    Ok(())
}

/// Every version a source offers, oldest first (fetching git sources unless offline).
pub fn versions(source: &PackSource, offline: bool, shell: &Shell) -> Result<Vec<semver::Version>> {
    Ok(match source {
        PackSource::Builtin => builtin::versions(),
        PackSource::Dir(dir) => vec![dir::load(dir)?.manifest.version()],
        PackSource::Git(url) => {
            let remote = git::Remote::new(url)?;
            if !offline {
                remote.fetch(shell)?;
            }
            remote.versions()?.into_iter().map(|t| t.version).collect()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sources_and_versions() {
        assert_eq!(
            PackRequest::parse("fastapi").unwrap(),
            PackRequest {
                source: PackSource::Builtin,
                version: None
            }
        );
        let r = PackRequest::parse("fastapi@v0.1.0").unwrap();
        assert_eq!(r.version, Some(semver::Version::new(0, 1, 0)));
        let r = PackRequest::parse("https://example.com/p.git@1.2.0").unwrap();
        assert_eq!(
            r.source,
            PackSource::Git("https://example.com/p.git".into())
        );
        assert_eq!(r.version, Some(semver::Version::new(1, 2, 0)));
        assert_eq!(
            PackRequest::parse("git@github.com:org/pack.git")
                .unwrap()
                .source,
            PackSource::Git("git@github.com:org/pack.git".into())
        );
        assert!(
            PackRequest::parse("/no/such/dir")
                .unwrap_err()
                .to_string()
                .contains("no pack named")
        );
    }

    #[test]
    fn builtin_pack_loads_and_refuses_unknown_versions() {
        let pack = builtin::load().unwrap();
        assert_eq!(pack.name(), BUILTIN_NAME);
        let err = builtin::load_version(&semver::Version::new(99, 0, 0))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("99.0.0"), "{err}");
    }

    #[test]
    fn lock_strings_round_trip() {
        for s in [
            PackSource::Builtin,
            PackSource::Dir(PathBuf::from("/packs/x")),
            PackSource::Git("https://h/p.git".into()),
        ] {
            assert_eq!(PackSource::from_lock_string(&s.lock_string()).unwrap(), s);
        }
    }
}
