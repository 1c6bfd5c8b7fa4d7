//! `--format json`: what `fb status`, `fb diff` and the changing commands print for scripts, on
//! stdout, one JSON object per run. Each object names its `schema` and its `version`; a version
//! only grows by new fields, and a field's meaning never changes within one (see README, "JSON
//! output").

use serde_json::{Value, json};

use crate::ops::change::Prepared;
use crate::ops::status::StatusReport;
use crate::plan::FileChange;

/// The version of every schema below; bumped only for a change that is not an addition.
pub const VERSION: u32 = 1;

/// `fb status --format json`.
pub fn status(report: &StatusReport) -> Value {
    let lock = &report.lock;
    let changes = &report.changes;
    json!({
        "schema": "fb.status",
        "version": VERSION,
        "root": report.root.display().to_string(),
        "project": lock.project,
        "pack": {
            "name": lock.pack.name,
            "source": lock.pack.source,
            "version": lock.pack.version,
            "commit": lock.pack.commit,
            "checksum": lock.pack.checksum,
        },
        "options": lock.options,
        "modified": changes.modified,
        "deleted": changes.deleted,
        "added": changes.added,
        "conflicted": changes.conflicted,
        "newer": report.newer.as_ref().map(ToString::to_string),
    })
}

fn file(change: &FileChange) -> Value {
    json!({
        "path": change.path,
        "change": change.kind.label(),
        "from": change.from,
        "writes": change.writes(),
        "conflicts": change.conflicts,
        "regenerate": change.regenerate,
    })
}

/// The plan of `fb upgrade`, `fb update` or `fb add`: what it did, or under `--dry-run` would do.
pub fn plan(command: &str, prepared: &Prepared, dry_run: bool) -> Value {
    let plan = &prepared.plan;
    json!({
        "schema": "fb.plan",
        "version": VERSION,
        "command": command,
        "up_to_date": false,
        "applied": !dry_run,
        "from": prepared.old_label,
        "to": prepared.new_label,
        "files": plan.visible().map(file).collect::<Vec<_>>(),
        "conflicted": plan.conflicted().iter().map(|c| c.path.as_str()).collect::<Vec<_>>(),
        "notes": prepared.notes,
    })
}

/// A changing command that had nothing to do.
pub fn up_to_date(command: &str) -> Value {
    json!({
        "schema": "fb.plan",
        "version": VERSION,
        "command": command,
        "up_to_date": true,
        "applied": false,
        "files": [],
        "conflicted": [],
        "notes": [],
    })
}

/// `fb diff --format json`: each changed file, with its unified diff (`null` for binary files).
pub fn diff(labels: &(String, String), changes: &[FileChange]) -> Value {
    json!({
        "schema": "fb.diff",
        "version": VERSION,
        "from": labels.0,
        "to": labels.1,
        "files": changes
            .iter()
            .map(|c| {
                let mut entry = file(c);
                entry["diff"] = super::report::unified(c).map_or(Value::Null, Value::from);
                entry
            })
            .collect::<Vec<_>>(),
    })
}

/// `fb update --check --format json`.
pub fn update_check(current: &semver::Version, newest: &semver::Version) -> Value {
    json!({
        "schema": "fb.update-check",
        "version": VERSION,
        "current": current.to_string(),
        "newest": newest.to_string(),
        "update_available": newest > current,
    })
}
