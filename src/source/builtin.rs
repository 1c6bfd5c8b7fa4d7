//! The pack that ships inside the binary: the current version built from `templates/fastapi/`, and
//! every earlier released version from `registry/archive/` (one compressed tar each, unpacked by
//! build.rs), all embedded at compile time, so a
//! project made by an older fb can be updated offline.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use include_dir::{Dir, include_dir};

use crate::pack::Pack;

static CURRENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates/fastapi");

include!(concat!(env!("OUT_DIR"), "/builtin_checksums.rs"));

/// The embedded pack in `dir` (`""` for the current one), with its checksum from build time.
fn embedded(dir: &Dir<'static>, name: &str) -> Result<Pack> {
    let checksum = BUILTIN_CHECKSUMS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c.to_string());
    let files = files(dir, name);
    match checksum {
        Some(checksum) => Pack::with_checksum(files, checksum),
        None => Pack::from_files(files),
    }
}
/// The archived releases, unpacked by build.rs from `registry/archive/*.tar.zst`.
static ARCHIVE: Dir<'static> = include_dir!("$OUT_DIR/archive");

/// The current built-in pack.
pub fn load() -> Result<Pack> {
    embedded(&CURRENT, "")
}

/// A given version of the built-in pack: the current one, or an archived one.
pub fn load_version(version: &semver::Version) -> Result<Pack> {
    let current = load()?;
    if &current.manifest.version() == version {
        return Ok(current);
    }
    let name = format!("{}-{version}", super::BUILTIN_NAME);
    match ARCHIVE.get_dir(&name) {
        Some(dir) => embedded(dir, &name),
        None => bail!(
            "the built-in pack has no version {version} (this fb has {}): a newer fb may have it",
            versions()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The built-in pack's versions, oldest first.
pub fn versions() -> Vec<semver::Version> {
    let prefix = format!("{}-", super::BUILTIN_NAME);
    let mut out: Vec<semver::Version> = ARCHIVE
        .dirs()
        .filter_map(|d| {
            d.path()
                .to_str()?
                .strip_prefix(&prefix)
                .and_then(|v| semver::Version::parse(v).ok())
        })
        .collect();
    if let Ok(current) = load() {
        out.push(current.manifest.version());
    }
    out.sort();
    out.dedup();
    out
}

fn files(dir: &Dir<'static>, strip: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    collect(dir, strip, &mut out);
    out
}

fn collect(dir: &Dir<'static>, strip: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let rel = path
            .strip_prefix(strip)
            .map(|p| p.trim_start_matches('/'))
            .unwrap_or(&path);
        files.insert(rel.to_string(), file.contents().to_vec());
    }
    for sub in dir.dirs() {
        collect(sub, strip, files);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Released versions and their checksums: existing projects' lockfiles record these, so an
    /// archived pack must never change. (The checksum can be checked by hand; see README.)
    const RELEASED: &[(&str, &str)] = &[
        (
            "0.1.0",
            "sha256:9032260ae9e3ceb14dce71d92eb022d6f23cc1bec65e9c89089c56a8ee538ed9",
        ),
        (
            "0.2.0",
            "sha256:4f337a90d9ddd035d6effb48e289ec6790275f2dc4d273a9759382e8aabc3618",
        ),
        (
            "0.3.0",
            "sha256:7e59affe19c82eeaba79e9ce367fc013119bf174251ab8d750dfbcf5cfe0a957",
        ),
    ];

    #[test]
    fn archived_versions_never_change() {
        for (version, checksum) in RELEASED {
            let pack = load_version(&semver::Version::parse(version).unwrap()).unwrap();
            assert_eq!(pack.version(), *version);
            if pack.manifest.version() != load().unwrap().manifest.version() {
                assert_eq!(
                    &pack.checksum, checksum,
                    "the archived built-in pack {version} changed"
                );
            }
        }
    }

    #[test]
    fn build_time_checksums_are_the_checksums() {
        assert_eq!(
            load().unwrap().checksum,
            crate::pack::checksum(&files(&CURRENT, ""))
        );
        for dir in ARCHIVE.dirs() {
            let name = dir.path().to_str().unwrap();
            assert_eq!(
                embedded(dir, name).unwrap().checksum,
                crate::pack::checksum(&files(dir, name)),
                "{name}"
            );
        }
    }

    #[test]
    fn every_version_is_listed_and_loads() {
        let versions = versions();
        assert!(!versions.is_empty());
        for v in &versions {
            assert_eq!(load_version(v).unwrap().manifest.version(), *v);
        }
    }
}
