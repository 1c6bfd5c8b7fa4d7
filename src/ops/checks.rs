//! The pack's `[[checks]]`: the project's own linter, run before and after a change, so that fb can
//! say which problems the change brought into the user's code (a name the new level removed that a
//! moved router still uses) instead of leaving the user to find out when the app fails to import.
//!
//! A check's output is one finding per line, `path:line:column: message` (ruff's `concise` format,
//! and most linters'). Findings are compared without their line and column, which a merge shifts.

use std::collections::BTreeSet;
use std::path::Path;

use super::pack_commands::{self, Trust};
use crate::pack::manifest::Check;
use crate::ui::Shell;

/// The most findings fb reads from one run, and shows.
const MAX_FINDINGS: usize = 10_000;
const MAX_SHOWN: usize = 20;

/// One run of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// It ran: these findings (none when it passed).
    Findings(Vec<String>),
    /// It could not run (its program is missing, or it failed without findings): why.
    Unavailable(String),
}

/// Runs every check in `root`.
pub fn run_all(root: &Path, checks: &[Check], trust: &Trust) -> Vec<Run> {
    checks.iter().map(|c| run_one(root, c, trust)).collect()
}

fn run_one(root: &Path, check: &Check, trust: &Trust) -> Run {
    let out = match pack_commands::run(root, &check.command, trust) {
        Ok(out) => out,
        Err(why) => return Run::Unavailable(why.to_string()),
    };
    let findings: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| location(line).is_some())
        .take(MAX_FINDINGS)
        .map(str::to_string)
        .collect();
    match out.status.code() {
        Some(0) => Run::Findings(Vec::new()),
        Some(1) if !findings.is_empty() => Run::Findings(findings),
        _ => {
            let err = String::from_utf8_lossy(&out.stderr);
            let last = err
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            Run::Unavailable(format!(
                "it exited with {}{}",
                out.status,
                if last.is_empty() {
                    String::new()
                } else {
                    format!(": {}", crate::limits::quote(last.trim()))
                }
            ))
        }
    }
}

/// `(path, message)` of a `path:line:column: message` line.
fn location(line: &str) -> Option<(&str, &str)> {
    let mut parts = line.splitn(4, ':');
    let (path, row, col, message) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (!path.is_empty() && numeric(row) && numeric(col)).then(|| (path, message.trim()))
}

/// The findings of `after` that `before` did not have (compared by path and message).
pub fn new_findings(before: &Run, after: &[String]) -> Vec<String> {
    let known: BTreeSet<(&str, &str)> = match before {
        Run::Findings(findings) => findings.iter().filter_map(|f| location(f)).collect(),
        Run::Unavailable(_) => BTreeSet::new(),
    };
    after
        .iter()
        .filter(|f| location(f).is_none_or(|key| !known.contains(&key)))
        .cloned()
        .collect()
}

/// Runs the checks again after a change and says what the change brought. Returns true when it
/// brought findings (the user must fix them: exit status 1).
pub fn report(root: &Path, checks: &[Check], before: &[Run], trust: &Trust, shell: &Shell) -> bool {
    let mut found = false;
    for (check, before) in checks.iter().zip(before) {
        if *trust != Trust::Refused {
            shell.status("Checking", check.label());
        }
        match run_one(root, check, trust) {
            Run::Findings(after) => {
                let brought = new_findings(before, &after);
                if brought.is_empty() {
                    continue;
                }
                found = true;
                let how = match before {
                    Run::Findings(_) => "this change brought",
                    Run::Unavailable(_) => "it finds (it could not run before the change)",
                };
                let mut lines: Vec<String> = brought.iter().take(MAX_SHOWN).cloned().collect();
                if brought.len() > MAX_SHOWN {
                    lines.push(format!("... and {} more", brought.len() - MAX_SHOWN));
                }
                shell.alert(format!(
                    "{}: {} problem(s) {how}, in code of yours{}:\n{}",
                    check.label(),
                    brought.len(),
                    match check.help.is_empty() {
                        true => String::new(),
                        false => format!(" ({})", check.help),
                    },
                    lines
                        .iter()
                        .map(|l| format!("  {l}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
            Run::Unavailable(why) => shell.note(format!(
                "could not run {} ({why}): run `{}` yourself to find code the change broke",
                check.label(),
                check.command
            )),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_lines_with_a_location() {
        assert_eq!(
            location("app/x.py:3:7: F821 Undefined name `SessionDep`"),
            Some(("app/x.py", "F821 Undefined name `SessionDep`"))
        );
        assert_eq!(location("Found 2 errors."), None);
        assert_eq!(location("warning: a:b:c: d"), None);
        assert_eq!(location("a.py:x:1: m"), None);
    }

    #[test]
    fn only_new_findings_count_wherever_they_moved() {
        let before = Run::Findings(vec!["a.py:1:1: F401 `os` imported but unused".into()]);
        let after = vec![
            "a.py:9:1: F401 `os` imported but unused".to_string(),
            "b.py:2:5: F821 Undefined name `task_crud`".to_string(),
        ];
        assert_eq!(
            new_findings(&before, &after),
            ["b.py:2:5: F821 Undefined name `task_crud`"]
        );
        // Without a run before, everything counts.
        assert_eq!(new_findings(&Run::Unavailable("x".into()), &after).len(), 2);
    }

    #[test]
    fn runs_report_findings_failures_and_missing_programs() {
        let dir = tempfile::tempdir().unwrap();
        let check = |command: &str| Check {
            name: None,
            command: command.into(),
            help: String::new(),
        };
        assert_eq!(
            run_one(dir.path(), &check("true"), &Trust::Builtin),
            Run::Findings(Vec::new())
        );
        std::fs::write(
            dir.path().join("lint.sh"),
            "echo 'a.py:1:2: F1 x'\necho 'Found 1 error.'\nexit 1\n",
        )
        .unwrap();
        assert_eq!(
            run_one(dir.path(), &check("sh lint.sh"), &Trust::Builtin),
            Run::Findings(vec!["a.py:1:2: F1 x".into()])
        );
        std::fs::write(
            dir.path().join("broken.sh"),
            "echo 'no config' >&2\nexit 2\n",
        )
        .unwrap();
        match run_one(dir.path(), &check("sh broken.sh"), &Trust::Builtin) {
            Run::Unavailable(why) => assert!(why.contains("no config"), "{why}"),
            other => panic!("{other:?}"),
        }
        match run_one(
            dir.path(),
            &check("fb-no-such-program --x"),
            &Trust::Builtin,
        ) {
            Run::Unavailable(why) => assert!(why.contains("is not installed"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
