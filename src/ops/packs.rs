//! `fb packs`: the built-in pack, the registry's packs and the git packs in the cache.

use anyhow::Result;

use crate::source::{self, git, registry};

pub struct PackInfo {
    pub name: String,
    /// `builtin`, `registry` or `cached`.
    pub origin: &'static str,
    pub description: String,
    pub url: Option<String>,
    pub versions: Vec<semver::Version>,
}

pub fn run() -> Result<Vec<PackInfo>> {
    let current = source::builtin_pack()?;
    let mut out = vec![PackInfo {
        name: current.name().to_string(),
        origin: "builtin",
        description: current.manifest.pack.description.clone(),
        url: None,
        versions: source::builtin_versions(),
    }];
    let cached = git::cached_remotes()?;
    for entry in &registry::index().packs {
        let remote = git::Remote::new(&entry.url)?;
        let mut versions: Vec<semver::Version> = entry
            .versions
            .iter()
            .filter_map(|v| semver::Version::parse(&v.version).ok())
            .collect();
        versions.extend(remote.versions()?.into_iter().map(|t| t.version));
        versions.sort();
        versions.dedup();
        out.push(PackInfo {
            name: entry.name.clone(),
            origin: "registry",
            description: entry.description.clone(),
            url: Some(entry.url.clone()),
            versions,
        });
    }
    for url in cached {
        if registry::index().packs.iter().any(|e| e.url == url) {
            continue;
        }
        let remote = git::Remote::new(&url)?;
        let versions = remote.versions()?.into_iter().map(|t| t.version).collect();
        let name = url
            .trim_end_matches('/')
            .trim_end_matches(".git")
            .rsplit(['/', ':'])
            .next()
            .unwrap_or(&url)
            .to_string();
        out.push(PackInfo {
            name,
            origin: "cached",
            description: String::new(),
            url: Some(url),
            versions,
        });
    }
    Ok(out)
}
