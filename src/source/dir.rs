//! Packs in a directory on disk. Symlinks are followed only when they stay inside the pack; the
//! `.git` directory is not part of a pack.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::limits::PackSize;
use crate::pack::Pack;

pub fn load(root: &Path) -> Result<Pack> {
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot open `{}`", root.display()))?;
    if !root.join(crate::pack::MANIFEST).is_file() {
        bail!(
            "`{}` has no `{}`: is it a pack directory?",
            root.display(),
            crate::pack::MANIFEST
        );
    }
    let mut files = BTreeMap::new();
    walk(&root, &root, &mut files, &mut PackSize::default())?;
    Pack::from_files(files)
}

fn walk(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, Vec<u8>>,
    size: &mut PackSize,
) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let rel = path.strip_prefix(root).expect("walk stays under root");
        let rel_str = crate::paths::from_relative(rel)
            .with_context(|| format!("`{}` is not a UTF-8 path", path.display()))?;
        if rel_str.contains('\\') {
            bail!("`{rel_str}` has a backslash in its name, which fb does not allow in a pack");
        }
        if rel_str == ".git" {
            continue;
        }
        let meta = fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            let target = path
                .canonicalize()
                .with_context(|| format!("symlink `{rel_str}` points nowhere"))?;
            if !target.starts_with(root) {
                bail!(
                    "symlink `{rel_str}` points outside the pack (to `{}`); refusing the pack",
                    target.display()
                );
            }
            if target.is_dir() {
                bail!("symlink `{rel_str}` points to a directory; a pack may only link to files");
            }
            size.add(&rel_str, fs::metadata(&target)?.len())?;
            files.insert(rel_str, fs::read(&target)?);
        } else if meta.is_dir() {
            walk(root, &path, files, size)?;
        } else if meta.is_file() {
            size.add(&rel_str, meta.len())?;
            files.insert(
                rel_str,
                fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?,
            );
        }
    }
    Ok(())
}
