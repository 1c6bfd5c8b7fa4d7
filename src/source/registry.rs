//! The registry: known packs and their pinned versions, from `registry/index.toml` compiled into
//! fb (or the file `FB_REGISTRY` names, for tests and private registries).

use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

const BUILTIN_INDEX: &str = include_str!("../../registry/index.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    #[serde(default)]
    pub packs: Vec<Entry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub url: String,
    #[serde(default)]
    pub versions: Vec<PinnedVersion>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinnedVersion {
    pub version: String,
    pub commit: String,
    pub checksum: String,
}

/// The registry in use. A broken `FB_REGISTRY` file is reported once and treated as empty.
pub fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        load().unwrap_or_else(|e| {
            eprintln!("warning: {e:#}; using no registry");
            Index { packs: Vec::new() }
        })
    })
}

fn load() -> Result<Index> {
    match std::env::var_os("FB_REGISTRY") {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read FB_REGISTRY `{}`", path.to_string_lossy()))?;
            toml::from_str(&text).with_context(|| {
                format!(
                    "FB_REGISTRY `{}` is not a valid registry",
                    path.to_string_lossy()
                )
            })
        }
        None => toml::from_str(BUILTIN_INDEX).context("the built-in registry is invalid"),
    }
}

pub fn find(name: &str) -> Option<&'static Entry> {
    index().packs.iter().find(|e| e.name == name)
}

/// Refuses a version whose commit or checksum differs from the registry's pin.
pub fn verify(url: &str, version: &semver::Version, commit: &str, checksum: &str) -> Result<()> {
    let Some(entry) = index().packs.iter().find(|e| e.url == url) else {
        return Ok(());
    };
    let Some(pin) = entry
        .versions
        .iter()
        .find(|v| v.version == version.to_string())
    else {
        return Ok(());
    };
    if pin.commit != commit {
        bail!(
            "version {version} of registry pack `{}` should be commit {}, but its tag points to {commit}: the tag was moved; fb refuses it",
            entry.name,
            pin.commit
        );
    }
    if pin.checksum != checksum {
        bail!(
            "version {version} of registry pack `{}` should have checksum {}, but has {checksum}",
            entry.name,
            pin.checksum
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_builtin_index_parses() {
        let index: super::Index = toml::from_str(super::BUILTIN_INDEX).unwrap();
        assert!(index.packs.iter().all(|p| !p.url.is_empty()));
    }
}
