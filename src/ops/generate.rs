//! Files a pack declares as generated (`[[generated]]`: `uv.lock`, made by `uv lock`). fb does not
//! render them: after it writes a project, it runs their command in the project, so that every
//! level gets the file the same way and a re-render never three-way merges it line by line.

use std::path::Path;

use super::pack_commands::{self, NotRun, Trust};
use crate::pack::manifest::Generated;
use crate::ui::Shell;

/// When to run the commands.
#[derive(Debug, Clone, Copy)]
pub struct When {
    /// `--no-lock` (or `FB_NO_LOCK`): never run them; the user is told what to run.
    pub skip: bool,
    /// `--offline`: run the command's offline form, or skip it when the pack gives none.
    pub offline: bool,
    /// The command changed files (or created the project): generated files may be stale.
    pub changed: bool,
}

/// What happened to one generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generation {
    /// The command ran and succeeded.
    Ran { path: String, command: String },
    /// Nothing changed and the file is there: the command did not run.
    Current,
    /// Not run (`--no-lock`, `--offline` without an offline form, or the program is missing).
    NotRun {
        path: String,
        command: String,
        why: String,
    },
    /// The command ran and failed; `detail` is the end of its error output.
    Failed {
        path: String,
        command: String,
        detail: String,
    },
}

/// Runs the command of every generated file of `root` that may be stale.
pub fn run(
    root: &Path,
    generated: &[Generated],
    when: When,
    trust: &Trust,
    shell: &Shell,
) -> Vec<Generation> {
    generated
        .iter()
        .map(|g| run_one(root, g, when, trust, shell))
        .collect()
}

fn run_one(root: &Path, g: &Generated, when: When, trust: &Trust, shell: &Shell) -> Generation {
    if !when.changed && root.join(&g.path).exists() {
        return Generation::Current;
    }
    let not_run = |why: String| Generation::NotRun {
        path: g.path.clone(),
        command: g.command.clone(),
        why,
    };
    if when.skip {
        return not_run("--no-lock".to_string());
    }
    let command = match (when.offline, &g.offline) {
        (false, _) => &g.command,
        (true, Some(offline)) => offline,
        (true, None) => return not_run("--offline".to_string()),
    };
    if *trust != Trust::Refused {
        shell.status("Running", format!("`{command}` (writes {})", g.path));
    }
    match pack_commands::run(root, command, trust) {
        Err(why @ (NotRun::Untrusted | NotRun::NoCommand | NotRun::Missing { .. })) => {
            not_run(why.to_string())
        }
        Err(NotRun::Failed(detail)) => Generation::Failed {
            path: g.path.clone(),
            command: command.clone(),
            detail,
        },
        Ok(out) if out.status.success() => Generation::Ran {
            path: g.path.clone(),
            command: command.clone(),
        },
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stderr);
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            let tail = lines[lines.len().saturating_sub(6)..].join("\n");
            Generation::Failed {
                path: g.path.clone(),
                command: command.clone(),
                detail: format!("{}\n{tail}", out.status),
            }
        }
    }
}

/// Says what was not written and why; returns true when a command failed (exit status 1: the
/// project is written, but its generated file is missing or stale). A command that was not run
/// (by request, offline, or without its program) gets a note only.
pub fn report(results: &[Generation], shell: &Shell) -> bool {
    let mut failed = false;
    for result in results {
        match result {
            Generation::Ran { .. } | Generation::Current => {}
            // Asked for: said only with -v (the next steps say how the file comes).
            Generation::NotRun { path, command, why } if why == "--no-lock" => shell.verbose(
                "Skipped",
                format!("`{command}` (--no-lock): `{path}` was not written"),
            ),
            Generation::NotRun { path, command, why } => shell.note(format!(
                "`{path}` was not written ({why}): run `{command}` in the project"
            )),
            Generation::Failed {
                path,
                command,
                detail,
            } => {
                failed = true;
                shell.warn(format!(
                    "`{command}` failed, so `{path}` is missing or stale: run it in the project once the cause is fixed\n{detail}"
                ));
            }
        }
    }
    failed
}
