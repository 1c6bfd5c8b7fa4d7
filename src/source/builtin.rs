//! The pack that ships inside the binary, built from `templates/fastapi/` at compile time.

use std::collections::BTreeMap;

use anyhow::Result;
use include_dir::{Dir, include_dir};

use crate::pack::Pack;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates/fastapi");

pub fn load() -> Result<Pack> {
    let mut files = BTreeMap::new();
    collect(&BUILTIN, &mut files);
    Pack::from_files(files)
}

fn collect(dir: &Dir<'static>, files: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        files.insert(path, file.contents().to_vec());
    }
    for sub in dir.dirs() {
        collect(sub, files);
    }
}
