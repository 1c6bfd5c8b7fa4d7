//! The one gate for running a program a pack names: the commands of its `[[generated]]` files
//! (`uv lock`) and of its `[[checks]]` (the project's ruff). A pack is data: rendering it runs no
//! code. Its commands are code, so fb runs them for the pack built into fb (they are fb's own) and
//! for any other pack only when the user says they trust it (`--trust`, or `FB_TRUST=1`), as copier
//! asks for `--trust` before it runs a template's tasks. Otherwise fb says what it did not run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Whether fb may run the commands of the pack a change renders.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Trust {
    /// The pack built into fb.
    Builtin,
    /// Another pack, trusted by the user for this command.
    Granted,
    /// Another pack, not trusted: its source as the lockfile names it.
    #[default]
    Refused,
}

impl Trust {
    /// Decides from the pack's source as the lockfile records it (`builtin`, `path+…`, `git+…`)
    /// and whether the user passed `--trust`. A lockfile cannot claim trust for a pack: `builtin`
    /// is loaded from this binary, never from the project.
    pub fn decide(lock_source: &str, granted: bool) -> Trust {
        match (lock_source == "builtin", granted) {
            (true, _) => Trust::Builtin,
            (false, true) => Trust::Granted,
            (false, false) => Trust::Refused,
        }
    }
}

/// What the user allowed for the pack's commands of one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    /// Run the pack's `[[checks]]` (`--no-check` turns them off).
    pub checks: bool,
    /// Run the commands of a pack that is not built in (`--trust`).
    pub trust: bool,
}

/// Why a command did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRun {
    /// The pack is not built in and the user did not pass `--trust`.
    Untrusted,
    /// The pack's command is empty.
    NoCommand,
    /// The program does not exist: `in_project` when the pack names it by a path in the project.
    Missing { program: String, in_project: bool },
    /// It could not be started.
    Failed(String),
}

impl std::fmt::Display for NotRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRun::Untrusted => {
                f.write_str("fb runs the commands of a pack that is not built in only with --trust")
            }
            NotRun::NoCommand => f.write_str("the pack gives no command"),
            NotRun::Missing {
                program,
                in_project: true,
            } => write!(f, "the project has no `{program}`"),
            NotRun::Missing { program, .. } => write!(f, "`{program}` is not installed"),
            NotRun::Failed(why) => f.write_str(why),
        }
    }
}

/// Runs `command` (words split on whitespace, no shell) in `root`, with no input, if `trust`
/// allows it. A program given by a path (`.venv/bin/ruff`) is the project's: it is resolved in
/// `root`, whatever the platform does with a relative program and a working directory.
pub fn run(root: &Path, command: &str, trust: &Trust) -> Result<Output, NotRun> {
    if *trust == Trust::Refused {
        return Err(NotRun::Untrusted);
    }
    let words: Vec<&str> = command.split_whitespace().collect();
    let Some((program, args)) = words.split_first() else {
        return Err(NotRun::NoCommand);
    };
    let in_project = program.contains('/');
    let program_path = match in_project {
        true => root.join(program),
        false => PathBuf::from(program),
    };
    Command::new(&program_path)
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => NotRun::Missing {
                program: program.to_string(),
                in_project,
            },
            _ => NotRun::Failed(e.to_string()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_builtin_pack_is_trusted_without_asking() {
        assert_eq!(Trust::decide("builtin", false), Trust::Builtin);
        assert_eq!(Trust::decide("path+/tmp/pack", false), Trust::Refused);
        assert_eq!(Trust::decide("git+https://x/y.git", false), Trust::Refused);
        assert_eq!(Trust::decide("git+https://x/y.git", true), Trust::Granted);
    }

    #[test]
    fn an_untrusted_pack_runs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let command = format!("touch {}", marker.display());
        assert_eq!(
            run(dir.path(), &command, &Trust::Refused).unwrap_err(),
            NotRun::Untrusted
        );
        assert!(!marker.exists());
        assert!(run(dir.path(), &command, &Trust::Granted).is_ok());
        assert!(marker.exists());
    }

    #[test]
    fn missing_programs_and_empty_commands_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let trust = Trust::Builtin;
        assert_eq!(
            run(dir.path(), "  ", &trust).unwrap_err(),
            NotRun::NoCommand
        );
        let err = run(dir.path(), ".venv/bin/ruff check", &trust).unwrap_err();
        assert_eq!(err.to_string(), "the project has no `.venv/bin/ruff`");
        let err = run(dir.path(), "fb-no-such-program-here", &trust).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`fb-no-such-program-here` is not installed"
        );
    }
}
