//! Database migrations that a pack adds to a project, chained after the project's own.
//!
//! A pack's Alembic revisions name the revision they follow (`down_revision`), but a template only
//! knows the pack's revisions: a user who wrote a migration since would get a second head, and
//! `alembic upgrade head` fails. So when a change adds revisions, fb reads the project's revisions
//! from disk and, when a new one would not follow the project's head, records `revision=head` in
//! the list option the pack names (`[[migrations]] parents`). The template renders that parent,
//! and because the record is in the lock, the merge base renders the same file again later.
//! The same record keeps history the project has from being rewritten: a revision on disk whose
//! parent the new render would change keeps the parent it has.

use std::collections::BTreeSet;
use std::io::Read;

use anyhow::{Context, Result};

use crate::limits;
use crate::pack::manifest::MigrationChain;
use crate::pack::render::Tree;
use crate::pack::value::{OptValue, Options};
use crate::paths::{Entry, Origin, Root};

/// One revision: its id and the ids it follows (none for a first revision, two for a merge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: String,
    pub parents: Vec<String>,
}

/// What recording the parents of a change's new revisions found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Chained {
    /// `(revision, parent)` pairs to record: the first of each run of new revisions, where the
    /// template's parent is not the project's head.
    pub records: Vec<(String, String)>,
    /// Why fb could not chain the new revisions after one head, for the user.
    pub warning: Option<String>,
}

/// Reads `revision` and `down_revision` from the top of an Alembic revision file. `None` when the
/// file is not one (an `__init__.py`, a helper module).
pub fn parse_alembic(text: &str) -> Option<Revision> {
    let id = assignment(text, "revision")?;
    let id = strings(&id).into_iter().next()?;
    let parents = assignment(text, "down_revision")
        .map(|rhs| strings(&rhs))
        .unwrap_or_default();
    Some(Revision { id, parents })
}

/// The right-hand side of a module-level `NAME = ...` or `NAME: type = ...`, up to the end of the
/// line, or past it while a bracket is open (`down_revision = (\n "a",\n "b",\n)`).
fn assignment(text: &str, name: &str) -> Option<String> {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix(name) else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = match rest.strip_prefix(':') {
            Some(annotated) => annotated.split_once('=')?.1,
            None => match rest.strip_prefix('=') {
                Some(value) if !value.starts_with('=') => value,
                _ => continue,
            },
        };
        let mut value = rest.trim().to_string();
        let mut depth = brackets(&value);
        while depth > 0 {
            let Some(next) = lines.next() else { break };
            value.push(' ');
            value.push_str(next.trim());
            depth = brackets(&value);
        }
        return Some(value);
    }
    None
}

fn brackets(text: &str) -> i32 {
    text.chars().fold(0, |depth, c| match c {
        '(' | '[' => depth + 1,
        ')' | ']' => depth - 1,
        _ => depth,
    })
}

/// The quoted strings of a Python expression such as `"a"`, `('a', "b")` or `None`.
fn strings(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = expr.chars();
    while let Some(c) = chars.next() {
        if c == '#' {
            break;
        }
        if c == '"' || c == '\'' {
            let s: String = chars.by_ref().take_while(|&d| d != c).collect();
            if !s.is_empty() {
                out.push(s);
            }
        }
    }
    out
}

/// The revisions no other revision follows, in the order given.
pub fn heads(revisions: &[Revision]) -> Vec<String> {
    let followed: BTreeSet<&str> = revisions
        .iter()
        .flat_map(|r| r.parents.iter().map(String::as_str))
        .collect();
    revisions
        .iter()
        .filter(|r| !followed.contains(r.id.as_str()))
        .map(|r| r.id.clone())
        .collect()
}

/// Which of `new` (the change's revisions, in render order) must be recorded to follow the head
/// of `disk` (the project's revisions). Each run of new revisions (a first one and those that
/// follow it) goes after the head, and the next run after its last revision, so the project keeps
/// one head.
pub fn chain(disk: &[Revision], new: &[Revision]) -> Chained {
    let disk_heads = heads(disk);
    let mut head = match disk_heads.as_slice() {
        [] => return Chained::default(),
        [head] => head.clone(),
        several => {
            return Chained {
                records: Vec::new(),
                warning: Some(format!(
                    "the project's Alembic history has {} heads ({}), so the migrations this change adds follow the pack's own revisions: run `alembic merge heads`",
                    several.len(),
                    several.join(", ")
                )),
            };
        }
    };
    let new_ids: BTreeSet<&str> = new.iter().map(|r| r.id.as_str()).collect();
    let mut records = Vec::new();
    for first in new
        .iter()
        .filter(|r| !r.parents.iter().any(|p| new_ids.contains(p.as_str())))
    {
        if first.parents != [head.clone()] {
            records.push((first.id.clone(), head.clone()));
        }
        // The run's last revision: follow the new revisions that follow it, one at a time.
        let mut tip = first.id.clone();
        while let Some(next) = new.iter().find(|r| r.parents == [tip.clone()]) {
            tip = next.id.clone();
        }
        head = tip;
    }
    Chained {
        records,
        warning: None,
    }
}

/// The revisions of the `.py` files directly in `dir` of a rendered tree.
pub fn rendered(tree: &Tree, dir: &str) -> Vec<Revision> {
    let prefix = format!("{dir}/");
    tree.iter()
        .filter(|(path, _)| {
            path.strip_prefix(&prefix)
                .is_some_and(|name| !name.contains('/') && name.ends_with(".py"))
        })
        .filter_map(|(_, bytes)| parse_alembic(&String::from_utf8_lossy(bytes)))
        .collect()
}

/// The revisions of the `.py` files directly in `dir` of the project on disk. Only the head of
/// each file is read, and only regular files: a symlink or a special file is not a revision fb
/// can vouch for, and is left out.
pub fn on_disk(root: &Root, dir: &str) -> Result<Vec<Revision>> {
    let (full, entry) = root.locate(dir, Origin::Pack)?;
    if !matches!(entry, Entry::Dir) {
        return Ok(Vec::new());
    }
    let mut names: Vec<String> = std::fs::read_dir(&full)
        .with_context(|| format!("cannot list `{}`", full.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".py"))
        .collect();
    names.sort();
    names.truncate(limits::MAX_MIGRATION_FILES);
    let mut revisions = Vec::new();
    for name in names {
        let rel = format!("{dir}/{name}");
        let Ok((path, Entry::File)) = root.locate(&rel, Origin::Pack) else {
            continue;
        };
        let mut head = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(limits::MIGRATION_HEAD_BYTES).read_to_end(&mut head))
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        if let Some(revision) = parse_alembic(&String::from_utf8_lossy(&head)) {
            revisions.push(revision);
        }
    }
    Ok(revisions)
}

/// The change's new revisions under `chain.dir`: in `theirs`, neither in the merge base nor on disk.
pub fn new_revisions(base: &Tree, theirs: &Tree, disk: &[Revision], dir: &str) -> Vec<Revision> {
    let known: BTreeSet<String> = rendered(base, dir)
        .into_iter()
        .chain(disk.iter().cloned())
        .map(|r| r.id)
        .collect();
    rendered(theirs, dir)
        .into_iter()
        .filter(|r| !known.contains(&r.id))
        .collect()
}

/// Revisions the project has whose parent the new render changes (a resource removed before them
/// in the pack's chain, a pack revision placed after the last resource): history that is on disk
/// is not rewritten, so each keeps its parent, as long as that parent stays (the new render has
/// it, or it is the user's own). A revision with several parents is left to the template.
pub fn kept_parents(
    base: &Tree,
    theirs: &Tree,
    disk: &[Revision],
    dir: &str,
) -> Vec<(String, String)> {
    let base = rendered(base, dir);
    let theirs = rendered(theirs, dir);
    let on_disk = |id: &str| disk.iter().any(|r| r.id == id);
    let stays = |id: &str| {
        theirs.iter().any(|r| r.id == id) || (on_disk(id) && !base.iter().any(|r| r.id == id))
    };
    theirs
        .iter()
        .filter(|t| on_disk(&t.id))
        .filter_map(|t| {
            let before = base.iter().find(|b| b.id == t.id)?;
            match before.parents.as_slice() {
                [parent] if before.parents != t.parents && stays(parent) => {
                    Some((t.id.clone(), parent.clone()))
                }
                _ => None,
            }
        })
        .collect()
}

/// `options` with `records` written into the chain's list option (`revision=parent`, one entry
/// per revision: a new record replaces an old one).
pub fn with_records(
    options: &Options,
    chain: &MigrationChain,
    records: &[(String, String)],
) -> Options {
    let mut options = options.clone();
    let mut items = match options.get(&chain.parents) {
        Some(OptValue::List(items)) => items.clone(),
        _ => Vec::new(),
    };
    for (revision, parent) in records {
        let key = format!("{revision}=");
        items.retain(|item| !item.starts_with(&key));
        items.push(format!("{revision}={parent}"));
    }
    options.insert(chain.parents.clone(), OptValue::List(items));
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(id: &str, parents: &[&str]) -> Revision {
        Revision {
            id: id.into(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn parses_the_forms_alembic_writes() {
        let typed = "\"\"\"doc\"\"\"\nrevision: str = \"0001\"\ndown_revision: str | Sequence[str] | None = None\n";
        assert_eq!(parse_alembic(typed), Some(rev("0001", &[])));
        let plain = "revision = 'a1b2'\ndown_revision = 'c3d4'  # after c3d4\n";
        assert_eq!(parse_alembic(plain), Some(rev("a1b2", &["c3d4"])));
        let merge = "revision = \"m\"\ndown_revision = (\n    \"a\",\n    \"b\",\n)\n";
        assert_eq!(parse_alembic(merge), Some(rev("m", &["a", "b"])));
        let union = "revision: str = \"x\"\ndown_revision: Union[str, None] = \"y\"\n";
        assert_eq!(parse_alembic(union), Some(rev("x", &["y"])));
    }

    #[test]
    fn other_modules_are_not_revisions() {
        assert_eq!(parse_alembic(""), None);
        assert_eq!(parse_alembic("revisions = ['a']\nx = 1\n"), None);
        assert_eq!(parse_alembic("if revision == 'a':\n    pass\n"), None);
        // Indented assignments are not module level.
        assert_eq!(parse_alembic("def f():\n    revision = 'a'\n"), None);
    }

    #[test]
    fn heads_are_the_revisions_nothing_follows() {
        let revs = [rev("1", &[]), rev("2", &["1"]), rev("3", &["1"])];
        assert_eq!(heads(&revs), ["2", "3"]);
        assert_eq!(heads(&[rev("1", &[]), rev("m", &["1"])]), ["m"]);
    }

    #[test]
    fn a_new_revision_follows_the_users_head() {
        let disk = [rev("0001", &[]), rev("user1", &["0001"])];
        let new = [rev("add_orders", &["0001"])];
        let chained = chain(&disk, &new);
        assert_eq!(chained.records, [("add_orders".into(), "user1".into())]);
        assert_eq!(chained.warning, None);
    }

    #[test]
    fn nothing_is_recorded_when_the_template_already_follows_the_head() {
        let disk = [rev("0001", &[]), rev("add_orders", &["0001"])];
        let new = [rev("add_invoices", &["add_orders"])];
        assert_eq!(chain(&disk, &new), Chained::default());
        // A project without migrations (an upgrade to the level that brings Alembic).
        assert_eq!(
            chain(&[], &[rev("0001", &[]), rev("add_x", &["0001"])]),
            Chained::default()
        );
    }

    #[test]
    fn runs_of_new_revisions_follow_each_other() {
        let disk = [rev("0001", &[]), rev("u", &["0001"])];
        // Two new runs: a→b (after 0001 in the template) and c (also after 0001).
        let new = [rev("a", &["0001"]), rev("b", &["a"]), rev("c", &["0001"])];
        let chained = chain(&disk, &new);
        assert_eq!(
            chained.records,
            [("a".into(), "u".into()), ("c".into(), "b".into())]
        );
        let mut all: Vec<Revision> = disk.to_vec();
        for r in new {
            let parent = chained
                .records
                .iter()
                .find(|(id, _)| *id == r.id)
                .map(|(_, p)| vec![p.clone()]);
            all.push(Revision {
                parents: parent.unwrap_or(r.parents),
                ..r
            });
        }
        assert_eq!(heads(&all), ["c"]);
    }

    #[test]
    fn several_heads_are_reported_not_guessed() {
        let disk = [rev("0001", &[]), rev("a", &["0001"]), rev("b", &["0001"])];
        let chained = chain(&disk, &[rev("n", &["0001"])]);
        assert!(chained.records.is_empty());
        let warning = chained.warning.unwrap();
        assert!(
            warning.contains("2 heads (a, b)") && warning.contains("alembic merge heads"),
            "{warning}"
        );
    }

    fn tree(files: &[(&str, &str, Option<&str>)]) -> Tree {
        files
            .iter()
            .map(|(path, id, parent)| {
                let down = parent.map_or("None".to_string(), |p| format!("\"{p}\""));
                (
                    format!("v/{path}.py"),
                    format!("revision = \"{id}\"\ndown_revision = {down}\n").into_bytes(),
                )
            })
            .collect()
    }

    #[test]
    fn revisions_on_disk_keep_their_parents() {
        // The pack's last revision follows the last resource; a new resource would move it.
        let base = tree(&[
            ("1", "0001", None),
            ("o", "add_o", Some("0001")),
            ("p", "0002", Some("add_o")),
        ]);
        let theirs = tree(&[
            ("1", "0001", None),
            ("o", "add_o", Some("0001")),
            ("i", "add_i", Some("add_o")),
            ("p", "0002", Some("add_i")),
        ]);
        let disk = rendered(&base, "v");
        assert_eq!(
            kept_parents(&base, &theirs, &disk, "v"),
            [("0002".to_string(), "add_o".to_string())]
        );
        // Not on disk (the user deleted it): nothing to keep.
        let without: Vec<Revision> = disk.iter().filter(|r| r.id != "0002").cloned().collect();
        assert!(kept_parents(&base, &theirs, &without, "v").is_empty());
    }

    #[test]
    fn a_parent_that_goes_is_not_kept() {
        // A resource removed from the middle of the chain: its revision goes with it, and the
        // next one follows what is left (keeping the gone parent would leave it dangling).
        let base = tree(&[
            ("1", "0001", None),
            ("a", "add_a", Some("0001")),
            ("b", "add_b", Some("add_a")),
        ]);
        let theirs = tree(&[("1", "0001", None), ("b", "add_b", Some("0001"))]);
        let disk = rendered(&base, "v");
        assert!(kept_parents(&base, &theirs, &disk, "v").is_empty());
        // A parent of the user's own stays.
        let base = tree(&[("1", "0001", None), ("b", "add_b", Some("u"))]);
        let mut disk = rendered(&base, "v");
        disk.push(rev("u", &["0001"]));
        assert!(
            kept_parents(&base, &theirs, &disk, "v") == [("add_b".to_string(), "u".to_string())]
        );
    }

    #[test]
    fn records_replace_older_ones_for_the_same_revision() {
        let chain = MigrationChain {
            kind: "alembic".into(),
            dir: "alembic/versions".into(),
            parents: "alembic_parents".into(),
        };
        let mut options = Options::new();
        options.insert(
            "alembic_parents".into(),
            OptValue::List(vec!["a=x".into(), "b=y".into()]),
        );
        let out = with_records(&options, &chain, &[("a".into(), "z".into())]);
        assert_eq!(
            out["alembic_parents"],
            OptValue::List(vec!["b=y".into(), "a=z".into()])
        );
    }
}
