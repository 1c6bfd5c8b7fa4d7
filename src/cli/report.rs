//! Printing plans and diffs, shared by the commands that change projects.

use console::Style;

use super::Outcome;
use super::write_args::Format;
use crate::ops::change::Prepared;
use crate::plan::{FileChange, Kind, Plan};
use crate::ui::Shell;

/// The whole report of a change: [`plan`], then a summary line, `Upgraded from level 2 to level 3:
/// 24 file(s) changed` (or, for a dry run, what would have changed), then the pack's notes.
pub fn change(
    shell: &Shell,
    prepared: &Prepared,
    dry_run: bool,
    verb: &str,
    what: &str,
    format: Format,
    (no_lock, offline): (bool, bool),
) -> Outcome {
    let plan_ = &prepared.plan;
    let changed = plan_.changes.iter().filter(|c| c.writes()).count();
    let outcome = change_report(shell, prepared, dry_run, verb, what, format, changed);
    // The generated files (uv.lock) follow the new inputs: their commands run once the change
    // is applied.
    let lock_failed = !dry_run && {
        let when = crate::ops::generate::When {
            skip: no_lock,
            offline,
            changed: changed > 0,
        };
        let results = crate::ops::generate::run(
            &prepared.root,
            &prepared.generated,
            when,
            &prepared.trust,
            shell,
        );
        crate::ops::generate::report(&results, shell)
    };
    // Then the pack's checks, against what they found before: what the change broke is said.
    let broke = match (&prepared.baseline, dry_run) {
        (Some(before), false) => crate::ops::checks::report(
            &prepared.root,
            &prepared.checks,
            before,
            &prepared.trust,
            shell,
        ),
        _ => false,
    };
    match lock_failed || broke {
        true => Outcome::NeedsUser,
        false => outcome,
    }
}

fn change_report(
    shell: &Shell,
    prepared: &Prepared,
    dry_run: bool,
    verb: &str,
    what: &str,
    format: Format,
    changed: usize,
) -> Outcome {
    let plan_ = &prepared.plan;
    if format == Format::Json {
        // The command as the user typed it: `Upgraded` is `fb upgrade`.
        let command = match verb {
            "Upgraded" => "upgrade",
            "Updated" => "update",
            "Added" => "add",
            "Removed" => "remove",
            other => other,
        };
        shell.out(super::json::plan(command, prepared, dry_run));
        return match plan_.conflicted().is_empty() {
            true => Outcome::Done,
            false => Outcome::NeedsUser,
        };
    }
    let outcome = plan(shell, plan_, dry_run);
    if dry_run {
        shell.note(format!(
            "{changed} file(s) would change {what}; nothing was written (--dry-run)"
        ));
    } else {
        shell.status(verb, format!("{what}: {changed} file(s) changed"));
    }
    for note in &prepared.notes {
        shell.note(note);
    }
    outcome
}

/// One status line per changed file, then the conflicts; returns the command's outcome.
pub fn plan(shell: &Shell, plan: &Plan, dry_run: bool) -> Outcome {
    for change in plan.visible() {
        let (verb, warn) = verb(change.kind, dry_run);
        let what = match &change.from {
            Some(from) => format!("{} (from {from})", change.path),
            None => change.path.clone(),
        };
        if warn {
            shell.status_warn(verb, what);
        } else {
            shell.status(verb, what);
        }
    }
    let commands: std::collections::BTreeSet<&str> = plan
        .changes
        .iter()
        .filter_map(|c| c.regenerate.as_deref())
        .collect();
    for command in commands {
        let files: Vec<&str> = plan
            .changes
            .iter()
            .filter(|c| c.regenerate.as_deref() == Some(command))
            .map(|c| c.path.as_str())
            .collect();
        shell.warn(format!("you and the template both changed {}: yours is kept; run `{command}` to bring it up to date", files.join(", ")));
    }
    let conflicted = plan.conflicted();
    if conflicted.is_empty() {
        return Outcome::Done;
    }
    if shell.is_quiet() {
        // One line even with --quiet: conflicts left are never a secret.
        let paths: Vec<&str> = conflicted.iter().map(|c| c.path.as_str()).collect();
        shell.alert(format!(
            "{} file(s) {} conflicts to resolve: {}",
            conflicted.len(),
            if dry_run { "would have" } else { "have" },
            crate::limits::list_cut(&paths, 10)
        ));
        return Outcome::NeedsUser;
    }
    let mut lines = vec![format!(
        "{} file(s) {} conflicts to resolve:",
        conflicted.len(),
        if dry_run { "would have" } else { "have" }
    )];
    for c in &conflicted {
        match c.kind {
            Kind::BinaryConflict => lines.push(format!(
                "  {} (binary: yours kept, the template's is in {}.fb-new)",
                c.path, c.path
            )),
            _ => lines.push(format!("  {} ({} conflict(s))", c.path, c.conflicts)),
        }
    }
    shell.warn(lines.join("\n"));
    Outcome::NeedsUser
}

fn verb(kind: Kind, dry_run: bool) -> (&'static str, bool) {
    let (done, would) = match kind {
        Kind::Unchanged => ("Unchanged", "Unchanged"),
        Kind::Update => ("Updated", "Update"),
        Kind::Merged => ("Merged", "Merge"),
        Kind::Conflict => ("Conflict", "Conflict"),
        Kind::Added => ("Added", "Add"),
        Kind::Removed => ("Removed", "Remove"),
        Kind::KeptDeleted => ("Kept deleted", "Keep deleted"),
        Kind::KeptModified => ("Kept", "Keep"),
        Kind::BinaryConflict => ("Conflict", "Conflict"),
        Kind::Regenerate => ("Kept", "Keep"),
        Kind::Moved => ("Moved", "Move"),
    };
    (
        if dry_run { would } else { done },
        kind.needs_user() || kind == Kind::KeptModified,
    )
}

/// The unified diff of one change, `None` for binary content.
pub fn unified(change: &FileChange) -> Option<String> {
    let old = change.old.as_deref().unwrap_or_default();
    let new = change.new.as_deref().unwrap_or_default();
    let a = if change.old.is_some() {
        format!("a/{}", change.from.as_deref().unwrap_or(&change.path))
    } else {
        "/dev/null".into()
    };
    let b = if change.new.is_some() {
        format!("b/{}", change.path)
    } else {
        "/dev/null".into()
    };
    let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
        return None;
    };
    Some(
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string(),
    )
}

/// A unified diff of each change, coloured on a terminal.
pub fn diffs(shell: &Shell, changes: &[FileChange]) {
    for change in changes {
        if change.old == change.new {
            continue;
        }
        let Some(text) = unified(change) else {
            let side = |p: &Option<Vec<u8>>, prefix: &str, path: &str| match p {
                Some(_) => format!("{prefix}/{path}"),
                None => "/dev/null".to_string(),
            };
            shell.out(format!(
                "Binary files {} and {} differ",
                side(
                    &change.old,
                    "a",
                    change.from.as_deref().unwrap_or(&change.path)
                ),
                side(&change.new, "b", &change.path)
            ));
            continue;
        };
        for line in text.lines() {
            let style = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => Some(Style::new().green()),
                Some(b'-') if !line.starts_with("---") => Some(Style::new().red()),
                Some(b'@') => Some(Style::new().cyan()),
                _ => None,
            };
            match style {
                Some(style) => shell.out(shell.paint(line, style)),
                None => shell.out(shell.bold(line)),
            }
        }
    }
}
