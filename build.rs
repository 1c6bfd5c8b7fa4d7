//! Rebuild when the built-in pack changes (`include_dir!` does not notice new files by itself),
//! and compute the checksum of every embedded built-in pack once, here, instead of on every run.
//! The listing is the one `pack::checksum` hashes; a unit test checks the two agree.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=registry");
    let mut packs = vec![("".to_string(), Path::new("templates/fastapi").to_path_buf())];
    let archive = Path::new("registry/archive");
    let mut archived: Vec<_> = std::fs::read_dir(archive)
        .expect("registry/archive exists")
        .map(|e| e.expect("readable archive").path())
        .filter(|p| p.is_dir())
        .collect();
    archived.sort();
    for dir in archived {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        packs.push((name, dir));
    }
    let mut out = String::from(
        "/// (archive directory, or \"\" for the current pack; its checksum), computed by build.rs.\npub const BUILTIN_CHECKSUMS: &[(&str, &str)] = &[\n",
    );
    for (name, dir) in packs {
        let mut files = BTreeMap::new();
        collect(&dir, &dir, &mut files);
        let mut listing = Sha256::new();
        for (path, bytes) in &files {
            listing.update(hex(&Sha256::digest(bytes)).as_bytes());
            listing.update(b"  ");
            listing.update(path.as_bytes());
            listing.update(b"\n");
        }
        let _ = writeln!(
            out,
            "    ({name:?}, \"sha256:{}\"),",
            hex(&listing.finalize())
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_checksums.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).expect("readable pack directory") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path.strip_prefix(root).unwrap();
            let rel: Vec<&str> = rel
                .components()
                .map(|c| c.as_os_str().to_str().unwrap())
                .collect();
            files.insert(rel.join("/"), std::fs::read(&path).unwrap());
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
