//! Rebuild when the built-in pack changes: `include_dir!` does not notice new files by itself.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=registry");
}
