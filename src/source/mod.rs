//! Where packs come from: the pack built into fb, or a pack directory on disk. Each source loads
//! a whole [`Pack`] into memory and names itself for the lockfile (`source = "…"`).
//! Git sources plug in here as another variant.

mod builtin;
mod dir;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::pack::Pack;

/// The name of the built-in pack, as `--pack` accepts it.
pub const BUILTIN_NAME: &str = "fastapi";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackSource {
    /// The pack embedded in this fb binary.
    Builtin,
    /// A pack directory on disk (absolute path).
    Dir(PathBuf),
}

/// A source plus the version the user asked for, if any (`fastapi@0.1.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackRequest {
    pub source: PackSource,
    pub version: Option<semver::Version>,
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

    pub fn load(&self) -> Result<Pack> {
        let pack = self.source.load()?;
        if let Some(wanted) = &self.version {
            let found = pack.manifest.version();
            if &found != wanted {
                match &self.source {
                    PackSource::Builtin => bail!(
                        "the built-in pack is version {found}, not {wanted}: other versions come from git sources, which this fb does not support yet"
                    ),
                    PackSource::Dir(dir) => bail!(
                        "the pack at `{}` is version {found}, not {wanted}",
                        dir.display()
                    ),
                }
            }
        }
        Ok(pack)
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
        let is_url = ["https://", "http://", "ssh://", "git@", "file://", "git://"]
            .iter()
            .any(|p| source.starts_with(p));
        if is_url {
            bail!(
                "git pack sources (`{source}`) are not supported yet: pass a local pack directory, or leave out --pack for the built-in pack"
            );
        }
        let path = Path::new(source);
        if path.is_dir() {
            let abs = path
                .canonicalize()
                .with_context(|| format!("cannot resolve `{source}`"))?;
            return Ok(PackSource::Dir(abs));
        }
        if path.exists() {
            bail!(
                "`{source}` is not a directory: a pack is a directory with `pack.toml` and `template/`"
            );
        }
        bail!(
            "no pack named `{source}`: pass `{BUILTIN_NAME}` (the built-in pack) or the path of a pack directory"
        )
    }

    pub fn load(&self) -> Result<Pack> {
        match self {
            PackSource::Builtin => builtin::load(),
            PackSource::Dir(dir) => dir::load(dir)
                .with_context(|| format!("cannot load the pack at `{}`", dir.display())),
        }
    }

    /// How the lockfile names this source.
    pub fn lock_string(&self) -> String {
        match self {
            PackSource::Builtin => "builtin".to_string(),
            PackSource::Dir(dir) => format!("path+{}", dir.display()),
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
        bail!("unknown pack source `{s}` in the lockfile")
    }
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
        assert!(
            PackRequest::parse("https://example.com/p.git")
                .unwrap_err()
                .to_string()
                .contains("not supported yet")
        );
        assert!(
            PackRequest::parse("/no/such/dir")
                .unwrap_err()
                .to_string()
                .contains("no pack named")
        );
    }

    #[test]
    fn builtin_pack_loads_and_refuses_other_versions() {
        let pack = PackSource::Builtin.load().unwrap();
        assert_eq!(pack.name(), BUILTIN_NAME);
        let err = PackRequest::parse("fastapi@99.0.0")
            .unwrap()
            .load()
            .unwrap_err()
            .to_string();
        assert!(err.contains("not 99.0.0"), "{err}");
    }

    #[test]
    fn lock_strings_round_trip() {
        for s in [
            PackSource::Builtin,
            PackSource::Dir(PathBuf::from("/packs/x")),
        ] {
            assert_eq!(PackSource::from_lock_string(&s.lock_string()).unwrap(), s);
        }
    }
}
