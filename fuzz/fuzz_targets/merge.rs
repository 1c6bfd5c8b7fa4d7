//! Fuzzes the three-way merge with arbitrary inputs: it must never panic, trivial merges must
//! return their input, and a clean merge of text must decode as text again.
#![no_main]

use fb::merge::{Labels, Outcome, merge_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Split the input into three parts at the first two 0xFF bytes (never valid UTF-8 anyway).
    let mut parts = data.splitn(3, |&b| b == 0xff);
    let base = parts.next().unwrap_or_default();
    let ours = parts.next().unwrap_or_default();
    let theirs = parts.next().unwrap_or_default();
    let labels = Labels::default();
    let out = merge_bytes(base, ours, theirs, &labels);
    assert_eq!(
        merge_bytes(base, base, theirs, &labels),
        Outcome::Clean(theirs.to_vec())
    );
    assert_eq!(
        merge_bytes(base, ours, base, &labels),
        Outcome::Clean(ours.to_vec())
    );
    if let Outcome::Clean(text) = out
        && std::str::from_utf8(ours).is_ok()
        && std::str::from_utf8(theirs).is_ok()
        && std::str::from_utf8(base).is_ok()
    {
        assert!(std::str::from_utf8(&text).is_ok());
    }
});
