//! Fuzzes the lockfile parser: any input is parsed or refused without a panic; an error quotes
//! little of the input; a lock that parses writes back to text that parses to the same lock, and
//! every file it names has passed the path gate.
#![no_main]

use fb::lock::Lock;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Lock::parse(text) {
        Ok(lock) => {
            for path in lock.files.keys() {
                assert!(fb::paths::check(path, fb::paths::Origin::Lock).is_ok(), "{path:?}");
            }
            let again = Lock::parse(&lock.to_toml()).expect("a written lock parses");
            assert_eq!(again, lock);
        }
        Err(e) => {
            // One line, and never the whole of a long input.
            let message = e.to_string();
            assert!(!message.contains('\n'), "{message}");
            assert!(message.len() < 2_000, "{} bytes", message.len());
        }
    }
});
