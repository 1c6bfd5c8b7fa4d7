//! Rebuild when the built-in pack changes (`include_dir!` does not notice new files by itself),
//! unpack the archived releases (`registry/archive/*.tar.zst`) into `OUT_DIR/archive`, where the
//! binary embeds them from, and compute the checksum of every embedded built-in pack once, here,
//! instead of on every run; an archive that differs from its recorded checksum fails the build.
//! The listing is the one `pack::checksum` hashes; a unit test checks the two agree.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=registry");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let mut packs = vec![("".to_string(), Path::new("templates/fastapi").to_path_buf())];
    let recorded = recorded_checksums(Path::new("registry/archive/checksums.toml"));
    let unpacked = out_dir.join("archive");
    if unpacked.exists() {
        std::fs::remove_dir_all(&unpacked).expect("OUT_DIR is writable");
    }
    std::fs::create_dir_all(&unpacked).expect("OUT_DIR is writable");
    let mut archived: Vec<PathBuf> = std::fs::read_dir("registry/archive")
        .expect("registry/archive exists")
        .map(|e| e.expect("readable archive").path())
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".tar.zst")))
        .collect();
    archived.sort();
    for archive in archived {
        let file = archive.file_name().unwrap().to_str().unwrap();
        let name = file.trim_end_matches(".tar.zst").to_string();
        let dest = unpacked.join(&name);
        unpack(&archive, &dest);
        packs.push((name, dest));
    }
    let mut out = String::from(
        "/// (archive directory, or \"\" for the current pack; its checksum), computed by build.rs.\npub const BUILTIN_CHECKSUMS: &[(&str, &str)] = &[\n",
    );
    for (name, dir) in packs {
        let checksum = checksum(&dir);
        // A release never changes: the lockfiles of projects made with it record this checksum.
        if !name.is_empty() {
            match recorded.get(&name) {
                Some(r) if *r == checksum => {}
                Some(r) => panic!(
                    "registry/archive/{name}.tar.zst unpacks to a pack with checksum {checksum}, but registry/archive/checksums.toml records {r}: a released pack must not change"
                ),
                None => panic!(
                    "registry/archive/{name}.tar.zst has no checksum in registry/archive/checksums.toml: archive releases with scripts/archive-pack"
                ),
            }
        }
        let _ = writeln!(out, "    ({name:?}, {checksum:?}),");
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("builtin_checksums.rs"), out).expect("OUT_DIR is writable");
}

/// The pack checksum (`pack::checksum`): sha256 over `<sha256 of file>  <path>\n`, sorted by path.
fn checksum(dir: &Path) -> String {
    let mut files = BTreeMap::new();
    collect(dir, dir, &mut files);
    let mut listing = Sha256::new();
    for (path, bytes) in &files {
        listing.update(hex(&Sha256::digest(bytes)).as_bytes());
        listing.update(b"  ");
        listing.update(path.as_bytes());
        listing.update(b"\n");
    }
    format!("sha256:{}", hex(&listing.finalize()))
}

/// `"name" = "sha256:..."` lines of `checksums.toml`.
fn recorded_checksums(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).expect("registry/archive/checksums.toml exists");
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .expect("`\"name\" = \"sha256:...\"` lines");
            (
                k.trim().trim_matches('"').to_string(),
                v.trim().trim_matches('"').to_string(),
            )
        })
        .collect()
}

fn unpack(archive: &Path, dest: &Path) {
    let file = std::fs::File::open(archive).expect("readable archive");
    let decoder = ruzstd::decoding::StreamingDecoder::new(std::io::BufReader::new(file))
        .unwrap_or_else(|e| panic!("{} is not zstd: {e}", archive.display()));
    tar::Archive::new(decoder)
        .unpack(dest)
        .unwrap_or_else(|e| panic!("cannot unpack {}: {e}", archive.display()));
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
