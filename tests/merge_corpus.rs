//! Runs every case of `tests/merge_cases/` through fb's merge: no clean case may merge to anything
//! but its expected bytes, no true conflict may merge silently, and a conflicted output keeps the
//! lines both sides changed, and no clean case may conflict (fb merges every clean case cleanly).

use std::path::Path;

use fb::merge::{Labels, Outcome, merge_bytes};

#[derive(serde::Deserialize)]
struct Meta {
    kind: String,
    #[serde(default)]
    expected_contains: Vec<String>,
}

#[test]
fn corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/merge_cases");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "the corpus has only {} cases",
        cases.len()
    );
    let labels = Labels {
        ours: "yours",
        base: "base",
        theirs: "theirs",
    };
    let mut failures = Vec::new();
    let mut clean_passed = 0;
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let read =
            |f: &str| std::fs::read(case.join(f)).unwrap_or_else(|e| panic!("{name}/{f}: {e}"));
        let meta: Meta = toml::from_str(&String::from_utf8(read("meta.toml")).unwrap()).unwrap();
        let out = merge_bytes(&read("base"), &read("ours"), &read("theirs"), &labels);
        match (meta.kind.as_str(), out) {
            ("clean", Outcome::Clean(text)) if text == read("expected") => clean_passed += 1,
            ("clean", Outcome::Clean(_)) => {
                failures.push(format!("{name}: WRONG (a silent mis-merge)"))
            }
            ("clean", _) => failures.push(format!(
                "{name}: OVER (a conflict where a clean merge is right)"
            )),
            ("conflict", Outcome::Conflicted { text, .. }) => {
                let text = String::from_utf8_lossy(&text);
                let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
                for expected in &meta.expected_contains {
                    if !lines.contains(&expected.as_str()) {
                        failures.push(format!("{name}: MISSING-LINES ({expected:?})"));
                    }
                }
            }
            ("conflict", _) => {
                failures.push(format!("{name}: MISSED (a true conflict merged silently)"))
            }
            (kind, _) => failures.push(format!("{name}: unknown kind `{kind}`")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!(
        "merge corpus: {} cases, {clean_passed} clean merged exactly",
        cases.len()
    );
}
