//! Template packs: a `pack.toml` manifest, a `template/` tree rendered into the project, and
//! `partials/` that templates may import. A pack is loaded whole into memory from its source.

pub mod clash;
pub mod expr;
pub mod manifest;
pub mod options;
pub mod render;
pub mod resource;
pub mod value;

use std::collections::BTreeMap;

use anyhow::{Context, Result, anyhow};

pub use manifest::Manifest;

use crate::hash::{Hasher, sha256_tagged};

/// A loaded pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub manifest: Manifest,
    /// Files under `template/`, by path relative to it.
    pub templates: BTreeMap<String, Vec<u8>>,
    /// Files under `partials/`, by path relative to it.
    /// Shared with the template loader, which parses each one only when a template uses it.
    pub partials: std::sync::Arc<BTreeMap<String, String>>,
    /// `sha256:` of every file of the pack, see [`checksum`].
    pub checksum: String,
}

pub const MANIFEST: &str = "pack.toml";

impl Pack {
    /// Builds a pack from all of its files (paths relative to the pack root, `/`-separated).
    pub fn from_files(files: BTreeMap<String, Vec<u8>>) -> Result<Pack> {
        let pack_checksum = checksum(&files);
        Pack::with_checksum(files, pack_checksum)
    }

    /// [`Pack::from_files`] with the checksum already known (the built-in pack's, from build time).
    pub fn with_checksum(files: BTreeMap<String, Vec<u8>>, pack_checksum: String) -> Result<Pack> {
        let mut size = crate::limits::PackSize::default();
        for (path, bytes) in &files {
            size.add(path, bytes.len() as u64)?;
        }
        let manifest_text = files
            .get(MANIFEST)
            .ok_or_else(|| anyhow!("the pack has no `{MANIFEST}`"))?;
        crate::limits::check_size(
            &format!("`{MANIFEST}`"),
            manifest_text.len() as u64,
            crate::limits::MAX_MANIFEST_BYTES,
        )?;
        let manifest_text =
            std::str::from_utf8(manifest_text).map_err(|_| anyhow!("`{MANIFEST}` is not UTF-8"))?;
        let manifest = Manifest::parse(manifest_text, crate::FB_VERSION)
            .with_context(|| format!("invalid `{MANIFEST}`"))?;
        let mut templates = BTreeMap::new();
        let mut partials = BTreeMap::new();
        for (path, bytes) in files {
            if let Some(rel) = path.strip_prefix("template/") {
                templates.insert(rel.to_string(), bytes);
            } else if let Some(rel) = path.strip_prefix("partials/") {
                let text =
                    String::from_utf8(bytes).map_err(|_| anyhow!("`{path}` is not UTF-8 text"))?;
                partials.insert(rel.to_string(), text);
            }
        }
        if templates.is_empty() {
            anyhow::bail!("the pack has no files under `template/`");
        }
        Ok(Pack {
            checksum: pack_checksum,
            manifest,
            templates,
            partials: std::sync::Arc::new(partials),
        })
    }

    pub fn name(&self) -> &str {
        &self.manifest.pack.name
    }

    pub fn version(&self) -> &str {
        &self.manifest.pack.version
    }
}

/// The checksum of a pack: the sha256 of a `sha256sum`-style listing of its files sorted by path
/// (`<hex>  <path>\n` per file), so it can be checked with shell tools:
/// `find . -type f ! -path './.git/*' | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum`.
pub fn checksum(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut listing = Hasher::default();
    for (path, bytes) in files {
        let digest = sha256_tagged(bytes);
        listing.update(digest.trim_start_matches("sha256:").as_bytes());
        listing.update(b"  ");
        listing.update(path.as_bytes());
        listing.update(b"\n");
    }
    listing.finish_tagged()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_sha256sum_listing() {
        let files: BTreeMap<String, Vec<u8>> = [
            ("a".to_string(), b"x".to_vec()),
            ("b/c".to_string(), b"y".to_vec()),
        ]
        .into();
        let listing = format!(
            "{}  a\n{}  b/c\n",
            sha256_tagged(b"x").trim_start_matches("sha256:"),
            sha256_tagged(b"y").trim_start_matches("sha256:")
        );
        assert_eq!(checksum(&files), sha256_tagged(listing.as_bytes()));
    }

    #[test]
    fn a_pack_needs_a_manifest_and_templates() {
        let err = Pack::from_files(BTreeMap::new()).unwrap_err().to_string();
        assert!(err.contains("no `pack.toml`"), "{err}");
        let only_manifest: BTreeMap<String, Vec<u8>> = [(
            "pack.toml".to_string(),
            b"[pack]\nname = \"t\"\nversion = \"1.0.0\"\n".to_vec(),
        )]
        .into();
        assert!(
            Pack::from_files(only_manifest)
                .unwrap_err()
                .to_string()
                .contains("template/")
        );
    }
}
