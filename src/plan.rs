//! The file-level plan shared by every command that changes a project.
//!
//! Three versions of each path: base (the locked pack version rendered with the locked options,
//! which reproduces the recorded render), ours (the files on disk) and theirs (the new render).
//! Each path is classified; the plan says what each file becomes. Nothing here writes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use anyhow::Result;

use crate::hash::sha256_tagged;
use crate::merge::{self, Labels};
use crate::pack::render::Tree;
use crate::paths::{Origin, Root};

/// How one path is affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Nothing to do.
    Unchanged,
    /// The user never touched it: the new render replaces it.
    Update,
    /// User edits and template changes merged cleanly.
    Merged,
    /// Merged with conflict markers: the user must resolve them.
    Conflict,
    /// New in the template.
    Added,
    /// The template dropped it and the user never touched it.
    Removed,
    /// The user deleted it: it stays deleted.
    KeptDeleted,
    /// The template dropped a file the user changed: it is kept, as the user's own.
    KeptModified,
    /// Both changed a binary file: the user's copy stays, the template's goes beside it as `.fb-new`.
    BinaryConflict,
    /// The template moved the file: the user's edits follow it to the new path.
    Moved,
    /// Both changed a generated file (a lock file): the user's copy stays; its command re-creates it.
    Regenerate,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Unchanged => "unchanged",
            Kind::Update => "update",
            Kind::Merged => "merged",
            Kind::Conflict => "conflict",
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::KeptDeleted => "kept-deleted",
            Kind::KeptModified => "kept-modified",
            Kind::BinaryConflict => "binary-conflict",
            Kind::Regenerate => "regenerate",
            Kind::Moved => "moved",
        }
    }

    /// True when the user has to act on the file.
    pub fn needs_user(self) -> bool {
        matches!(self, Kind::Conflict | Kind::BinaryConflict)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What happens to one path.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub path: String,
    pub kind: Kind,
    /// The file on disk now (`None`: absent).
    pub old: Option<Vec<u8>>,
    /// The file after the change (`None`: absent).
    pub new: Option<Vec<u8>>,
    pub conflicts: usize,
    /// For a move: the path the file comes from.
    pub from: Option<String>,
    /// For a binary conflict: the template's version, written beside the user's as `FILE.fb-new`.
    pub fb_new: Option<Vec<u8>>,
    /// For a generated file: the command that re-creates it.
    pub regenerate: Option<String>,
}

impl FileChange {
    /// True when applying it changes the disk.
    pub fn writes(&self) -> bool {
        self.old != self.new
    }
}

/// Every change a command will make, in path order, plus the pristine hashes of the new render.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub changes: Vec<FileChange>,
    /// Path → sha256 of the new render, as the new lock records it.
    pub new_hashes: BTreeMap<String, String>,
}

impl Plan {
    pub fn conflicted(&self) -> Vec<&FileChange> {
        self.changes
            .iter()
            .filter(|c| c.kind.needs_user())
            .collect()
    }

    /// The changes worth showing (everything but `Unchanged`).
    pub fn visible(&self) -> impl Iterator<Item = &FileChange> {
        self.changes.iter().filter(|c| c.kind != Kind::Unchanged)
    }
}

/// A file whose content moves to a new path between the base and the new render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub from: String,
    pub to: String,
}

/// Builds the plan. `recorded` holds the hashes of the lock (the pristine render on record);
/// `base` must reproduce them. Reads the project's files; writes nothing.
pub fn build(
    root: &Path,
    recorded: &BTreeMap<String, String>,
    base: &Tree,
    theirs: &Tree,
    moves: &[Move],
    generated: &BTreeMap<String, String>,
    labels: &Labels<'_>,
) -> Result<Plan> {
    // Every path here came out of a render, so it has passed the gate; reading it through
    // `Root` also refuses a symlink anywhere on its way.
    let gate = Root::new(root);
    let read = |path: &str| gate.read(path, Origin::Pack);
    // An unreadable `.gitattributes` only means default markers.
    let gitattributes = read(".gitattributes")
        .ok()
        .flatten()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let labels = &Style {
        labels,
        gitattributes: gitattributes.as_deref(),
    };
    // A user file is "unmodified" when it matches what the lock recorded.
    let unmodified = |path: &str, bytes: &[u8]| {
        recorded
            .get(path)
            .is_some_and(|h| *h == sha256_tagged(bytes))
    };

    let moves: Vec<&Move> = moves
        .iter()
        .filter(|m| {
            base.contains_key(&m.from)
                && !theirs.contains_key(&m.from)
                && theirs.contains_key(&m.to)
                && !base.contains_key(&m.to)
        })
        .collect();
    let moved_from: BTreeSet<&str> = moves.iter().map(|m| m.from.as_str()).collect();

    let mut changes = Vec::new();
    let paths: BTreeSet<&String> = base.keys().chain(theirs.keys()).collect();
    for path in paths {
        let change = |kind, old: Option<Vec<u8>>, new: Option<Vec<u8>>, conflicts| FileChange {
            path: path.clone(),
            kind,
            old,
            new,
            conflicts,
            from: None,
            fb_new: None,
            regenerate: None,
        };
        let disk = read(path)?;
        match (base.get(path), theirs.get(path)) {
            (Some(b), Some(t)) => match disk {
                None => changes.push(change(Kind::KeptDeleted, None, None, 0)),
                Some(d) if unmodified(path, &d) => {
                    let kind = if b == t {
                        Kind::Unchanged
                    } else {
                        Kind::Update
                    };
                    changes.push(change(kind, Some(d), Some(t.clone()), 0));
                }
                Some(d) if b == t => {
                    changes.push(change(Kind::Unchanged, Some(d.clone()), Some(d), 0))
                }
                Some(d) => match generated.get(path.as_str()) {
                    Some(command) => changes.push(regenerate(path, d, command)),
                    None => changes.push(merged(path, b, d, t, labels)),
                },
            },
            (Some(_), None) if moved_from.contains(path.as_str()) => {} // handled at its new path
            // A generated file that an older version rendered and this one leaves to its
            // command (uv.lock from pack 0.4): the file stays, and the command keeps it current.
            (Some(_), None) if generated.contains_key(path.as_str()) => {}
            (Some(_), None) => match disk {
                None => {}
                Some(d) if unmodified(path, &d) => {
                    changes.push(change(Kind::Removed, Some(d), None, 0))
                }
                Some(d) => changes.push(change(Kind::KeptModified, Some(d.clone()), Some(d), 0)),
            },
            (None, Some(t)) => {
                if let Some(m) = moves.iter().find(|m| m.to == *path) {
                    changes.extend(moved(
                        m,
                        &base[&m.from],
                        read(&m.from)?,
                        disk,
                        t,
                        &unmodified,
                        labels,
                    )?);
                    continue;
                }
                match disk {
                    None => changes.push(change(Kind::Added, None, Some(t.clone()), 0)),
                    Some(d) if d == *t => {
                        changes.push(change(Kind::Unchanged, Some(d.clone()), Some(d), 0))
                    }
                    // The user created a file where the template now adds one: merge, never overwrite.
                    Some(d) => match generated.get(path.as_str()) {
                        Some(command) => changes.push(regenerate(path, d, command)),
                        None => changes.push(merged(path, &[], d, t, labels)),
                    },
                }
            }
            (None, None) => unreachable!("paths come from base or theirs"),
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan {
        changes,
        new_hashes: crate::project::hashes(theirs),
    })
}

/// How conflicts are written: the labels, and the marker length git's `conflict-marker-size`
/// attribute gives a file in the project's `.gitattributes` (as `git merge` would write them).
struct Style<'a, 'l> {
    labels: &'a Labels<'l>,
    gitattributes: Option<&'a str>,
}

impl Style<'_, '_> {
    fn marker_size(&self, path: &str) -> usize {
        self.gitattributes
            .and_then(|g| merge::marker_size_from_gitattributes(g, path))
            .unwrap_or(merge::DEFAULT_MARKER_SIZE)
    }
}

/// Merges the user's edits into the template's new version of one file.
fn merged(
    path: &str,
    base: &[u8],
    ours: Vec<u8>,
    theirs: &[u8],
    style: &Style<'_, '_>,
) -> FileChange {
    let outcome =
        merge::merge_bytes_with(base, &ours, theirs, style.labels, style.marker_size(path));
    let (kind, new, conflicts) = match outcome {
        merge::Outcome::Clean(text) if text == ours => (Kind::Unchanged, text, 0),
        merge::Outcome::Clean(text) => (Kind::Merged, text, 0),
        merge::Outcome::Conflicted { text, conflicts } => (Kind::Conflict, text, conflicts),
        merge::Outcome::Binary => (Kind::BinaryConflict, ours.clone(), 1),
    };
    let fb_new = (kind == Kind::BinaryConflict).then(|| theirs.to_vec());
    FileChange {
        path: path.to_string(),
        kind,
        old: Some(ours),
        new: Some(new),
        conflicts,
        from: None,
        fb_new,
        regenerate: None,
    }
}

/// A generated file both sides changed: the user's copy stays until its command re-creates it.
fn regenerate(path: &str, ours: Vec<u8>, command: &str) -> FileChange {
    FileChange {
        path: path.to_string(),
        kind: Kind::Regenerate,
        old: Some(ours.clone()),
        new: Some(ours),
        conflicts: 0,
        from: None,
        fb_new: None,
        regenerate: Some(command.to_string()),
    }
}

/// The changes for one move: the new path gets the user's edits merged in; the old path goes
/// when that merge is clean.
fn moved(
    m: &Move,
    base: &[u8],
    old_disk: Option<Vec<u8>>,
    new_disk: Option<Vec<u8>>,
    theirs: &[u8],
    unmodified: &dyn Fn(&str, &[u8]) -> bool,
    labels: &Style<'_, '_>,
) -> Result<Vec<FileChange>> {
    let Some(ours) = old_disk else {
        // The user deleted the file: it stays deleted at its new place too.
        return Ok(vec![FileChange {
            path: m.to.clone(),
            kind: Kind::KeptDeleted,
            old: new_disk.clone(),
            new: new_disk,
            conflicts: 0,
            from: Some(m.from.clone()),
            fb_new: None,
            regenerate: None,
        }]);
    };
    if new_disk.is_some() {
        anyhow::bail!(
            "the template moves `{}` to `{}`, but `{}` already exists: move or remove it first",
            m.from,
            m.to,
            m.to
        );
    }
    let mut to = if unmodified(&m.from, &ours) {
        FileChange {
            path: m.to.clone(),
            kind: Kind::Moved,
            old: None,
            new: Some(theirs.to_vec()),
            conflicts: 0,
            from: Some(m.from.clone()),
            fb_new: None,
            regenerate: None,
        }
    } else {
        let mut c = merged(&m.to, base, ours.clone(), theirs, labels);
        if c.kind == Kind::Unchanged || c.kind == Kind::Merged {
            c.kind = Kind::Moved;
        }
        c.old = None;
        c.from = Some(m.from.clone());
        c
    };
    if to.kind == Kind::BinaryConflict {
        // Keep the user's binary at its old path; the template's goes to the new path.
        to.new = Some(theirs.to_vec());
        to.fb_new = None;
        return Ok(vec![to]);
    }
    let mut out = vec![to.clone()];
    if to.kind == Kind::Moved {
        out.push(FileChange {
            path: m.from.clone(),
            kind: Kind::Removed,
            old: Some(ours),
            new: None,
            conflicts: 0,
            from: None,
            fb_new: None,
            regenerate: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        files
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    fn plan(
        disk: &[(&str, &str)],
        base: &[(&str, &str)],
        theirs: &[(&str, &str)],
        moves: &[Move],
    ) -> Plan {
        let dir = tempfile::tempdir().unwrap();
        for (p, c) in disk {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, c).unwrap();
        }
        let base = tree(base);
        let recorded = crate::project::hashes(&base);
        build(
            dir.path(),
            &recorded,
            &base,
            &tree(theirs),
            moves,
            &[("uv.lock".to_string(), "uv lock".to_string())].into(),
            &Labels::default(),
        )
        .unwrap()
    }

    fn kinds(plan: &Plan) -> Vec<(String, Kind)> {
        plan.changes
            .iter()
            .map(|c| (c.path.clone(), c.kind))
            .collect()
    }

    #[test]
    fn classifies_every_case() {
        let base = [
            ("same", "s\n"),
            ("update", "u\n"),
            ("merge", "a\nb\nc\n"),
            ("clash", "x\n"),
            ("deleted", "d\n"),
            ("dropped", "r\n"),
            ("dropped-edited", "k\n"),
            ("uv.lock", "pins = 1\n"),
        ];
        let disk = [
            ("same", "s\n"),
            ("update", "u\n"),
            ("merge", "A\nb\nc\n"),
            ("clash", "mine\n"),
            ("dropped", "r\n"),
            ("dropped-edited", "k edited\n"),
            ("mine", "user file\n"),
            ("both-added", "user's\n"),
            ("uv.lock", "pins = 1\nmine = 1\n"),
        ];
        let theirs = [
            ("same", "s\n"),
            ("update", "u2\n"),
            ("merge", "a\nb\nC\n"),
            ("clash", "theirs\n"),
            ("deleted", "d2\n"),
            ("new", "n\n"),
            ("both-added", "template's\n"),
            ("uv.lock", "pins = 2\n"),
        ];
        let p = plan(&disk, &base, &theirs, &[]);
        assert_eq!(
            kinds(&p),
            [
                ("both-added", Kind::Conflict),
                ("clash", Kind::Conflict),
                ("deleted", Kind::KeptDeleted),
                ("dropped", Kind::Removed),
                ("dropped-edited", Kind::KeptModified),
                ("merge", Kind::Merged),
                ("new", Kind::Added),
                ("same", Kind::Unchanged),
                ("update", Kind::Update),
                ("uv.lock", Kind::Regenerate),
            ]
            .map(|(p, k)| (p.to_string(), k))
        );
        let merged = p.changes.iter().find(|c| c.path == "merge").unwrap();
        assert_eq!(merged.new.as_deref(), Some(&b"A\nb\nC\n"[..]));
        assert!(
            !p.changes.iter().any(|c| c.path == "mine"),
            "user files are never touched"
        );
    }

    #[test]
    fn a_generated_file_the_new_render_leaves_to_its_command_stays() {
        // Pack 0.3 rendered uv.lock; 0.4 leaves it to `uv lock`: edited or not, it stays.
        for disk_lock in ["lock 0.3", "lock the user re-made"] {
            let p = plan(
                &[("uv.lock", disk_lock), ("a.txt", "a")],
                &[("uv.lock", "lock 0.3"), ("a.txt", "a")],
                &[("a.txt", "a")],
                &[],
            );
            assert!(
                p.changes.iter().all(|c| c.path != "uv.lock"),
                "{disk_lock}: {:?}",
                p.changes
                    .iter()
                    .map(|c| (&c.path, c.kind))
                    .collect::<Vec<_>>()
            );
            assert!(!p.new_hashes.contains_key("uv.lock"));
        }
    }

    #[test]
    fn binary_conflicts_keep_the_users_copy() {
        let p = plan(
            &[("logo.png", "\0mine")],
            &[("logo.png", "\0base")],
            &[("logo.png", "\0theirs")],
            &[],
        );
        let c = &p.changes[0];
        assert_eq!(
            (c.kind, c.new.as_deref()),
            (Kind::BinaryConflict, Some(&b"\0mine"[..]))
        );
    }

    #[test]
    fn moves_carry_user_edits() {
        let mv = [Move {
            from: "app/routers/tasks.py".into(),
            to: "app/api/tasks.py".into(),
        }];
        let base = [("app/routers/tasks.py", "a\nb\nc\n")];
        let theirs = [("app/api/tasks.py", "a\nb\nc\nd\n")];
        let p = plan(
            &[("app/routers/tasks.py", "A\nb\nc\n")],
            &base,
            &theirs,
            &mv,
        );
        assert_eq!(
            kinds(&p),
            [
                ("app/api/tasks.py".to_string(), Kind::Moved),
                ("app/routers/tasks.py".to_string(), Kind::Removed)
            ]
        );
        assert_eq!(p.changes[0].new.as_deref(), Some(&b"A\nb\nc\nd\n"[..]));
        // A user who deleted the file keeps it deleted.
        let p = plan(&[], &base, &theirs, &mv);
        assert_eq!(
            kinds(&p),
            [("app/api/tasks.py".to_string(), Kind::KeptDeleted)]
        );
    }
}
