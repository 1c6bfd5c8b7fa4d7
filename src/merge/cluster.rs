//! Which edits of the two sides must be merged together (clusters), and how a cluster resolves.
//!
//! Every rule here that resolves a cluster holding edits of both sides cleanly is a refinement
//! of diff3 (which conflicts on any overlap or contact); each says in its doc comment why it is
//! safe, and `tests/merge_properties.rs` tries to break it.

use std::collections::HashSet;

use super::diff::Edit;
use super::{Hunk, Origin, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Ours,
    Theirs,
}

/// An edit of one side, with the base range it claims: its own range, widened over equal lines
/// where its place is ambiguous (see [`super::diff::slide_ranges`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Tagged {
    pub side: Side,
    pub edit: Edit,
    pub claim: (usize, usize),
}

/// Edits of both sides that must be merged together, over base lines `start..end`.
#[derive(Debug, Clone)]
pub(super) struct Cluster {
    pub start: usize,
    pub end: usize,
    pub members: Vec<Tagged>,
    /// Forced to a conflict (a check outside the cluster found it unsafe).
    pub conflict: bool,
}

/// Tags each side's edits with its claim (see [`super::diff::claims`]), sorted by claim.
pub(super) fn tag(
    ours: &[Edit],
    ours_claims: &[(usize, usize)],
    theirs: &[Edit],
    theirs_claims: &[(usize, usize)],
) -> Vec<Tagged> {
    let mut all = Vec::with_capacity(ours.len() + theirs.len());
    for (side, edits, claims) in [
        (Side::Ours, ours, ours_claims),
        (Side::Theirs, theirs, theirs_claims),
    ] {
        for (e, claim) in edits.iter().zip(claims) {
            all.push(Tagged {
                side,
                edit: *e,
                claim: *claim,
            });
        }
    }
    all.sort_by_key(|t| (t.claim.0, t.claim.1, t.side == Side::Theirs));
    all
}

/// Groups tagged edits (sorted by claim): claims that overlap, and claims that only touch but
/// still interact (see [`touching_edits_interact`]). Every edit whose claim meets a cluster's
/// range is in it, so each side's text over the range is that side's own lines.
pub(super) fn clusters(
    all: &[Tagged],
    base: &Text<'_>,
    ours: &Text<'_>,
    theirs: &Text<'_>,
) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = Vec::new();
    for &t in all {
        if let Some(c) = out.last_mut() {
            // An insertion strictly inside the range, or any overlap of lines.
            let joins = t.claim.0 < c.end
                || (t.claim.0 == c.end
                    && c.members.iter().any(|m| {
                        m.claim.1 == t.claim.0 && touching_edits_interact(*m, t, base, ours, theirs)
                    }));
            if joins {
                c.end = c.end.max(t.claim.1);
                c.members.push(t);
                continue;
            }
        }
        out.push(Cluster {
            start: t.claim.0,
            end: t.claim.1,
            members: vec![t],
            conflict: false,
        });
    }
    out
}

/// Whether two edits whose claims touch at one base position (`a` ends where `b` starts) must be
/// merged together rather than applied one after the other. Applying them in sequence (the
/// "adjacent changes" refinement) is safe only when neither edit's meaning depends on lines the
/// other replaced; so they interact when:
/// - both insert at one point (their order is not determined), or one inserts where the other's
///   claim reaches past its own lines (an alignment as cheap makes that one an insertion there);
/// - one inserts beside the other's deletion (the insertion's anchor is gone);
/// - one inserts beside the other's change whose lines could also be aligned as a change of
///   those same lines (the inserted block continues with the base lines after the change, as when
///   a user adds a look-alike block next to the one the template edits);
/// - one lies inside an indented block whose header line (the nearest line above it with less
///   indentation) the other replaced: it belongs to a block that no longer exists as it was.
pub(super) fn touching_edits_interact(
    a: Tagged,
    b: Tagged,
    base: &Text<'_>,
    ours: &Text<'_>,
    theirs: &Text<'_>,
) -> bool {
    let (a_side, b_side) = (a.side, b.side);
    if a_side == b_side {
        return false;
    }
    // An edit whose claim reaches past its own lines to the point where the other inserts could
    // as well be aligned as an insertion at that point itself: two insertions at one point.
    if (b.edit.is_insertion() && a.claim.1 > a.edit.base.1)
        || (a.edit.is_insertion() && b.claim.0 < b.edit.base.0)
    {
        return true;
    }
    let (a, b) = (a.edit, b.edit);
    if a.is_insertion() && b.is_insertion() {
        return true;
    }
    let text = |side: Side| if side == Side::Ours { ours } else { theirs };
    if inside_replaced_block(b, text(b_side), a, base)
        || inside_replaced_block(a, text(a_side), b, base)
    {
        return true;
    }
    if a.is_insertion() {
        // `a` inserts before `b`'s change of base[p..q].
        if b.is_deletion() {
            return true;
        }
        let inserted = &text(a_side).lines[a.side.0..a.side.1];
        let n = b.base.1 - b.base.0;
        return inserted.len() > n && base.lines.get(b.base.1) == Some(&inserted[n]);
    }
    if b.is_insertion() {
        // `b` inserts after `a`'s change of base[p..q].
        if a.is_deletion() {
            return true;
        }
        let inserted = &text(b_side).lines[b.side.0..b.side.1];
        let n = a.base.1 - a.base.0;
        return inserted.len() > n
            && a.base.0 > 0
            && base.lines[a.base.0 - 1] == inserted[inserted.len() - n - 1];
    }
    false
}

fn indent(line: &str) -> Option<usize> {
    if line.trim().is_empty() {
        None
    } else {
        Some(line.len() - line.trim_start().len())
    }
}

/// A TOML or INI table header (`[tool.ruff]`, `[[bin]]`): the lines after it, up to the next
/// one, belong to it although they are not indented.
fn is_section_header(line: &str) -> bool {
    let t = line.trim();
    t.len() > 2 && t.starts_with('[') && t.ends_with(']') && !t.contains('=')
}

/// True when edit `x` (of text `side`) sits inside a block whose header line is among the base
/// lines `other` replaced. The header is the nearest non-blank base line above `x` that is
/// indented less than every non-blank line `x` removes or adds, or a table header (see
/// [`is_section_header`]) at most as indented, when `x` holds no table header itself.
fn inside_replaced_block(x: Edit, side: &Text<'_>, other: Edit, base: &Text<'_>) -> bool {
    if other.is_insertion() {
        return false;
    }
    let own_lines = || {
        base.lines[x.base.0..x.base.1]
            .iter()
            .chain(&side.lines[x.side.0..x.side.1])
    };
    let Some(own) = own_lines().filter_map(|l| indent(l)).min() else {
        return false;
    };
    let sections = !own_lines().any(|l| is_section_header(l));
    let header = base.lines[..x.base.0].iter().rposition(|l| {
        indent(l).is_some_and(|i| i < own || (sections && i <= own && is_section_header(l)))
    });
    header.is_some_and(|h| other.base.0 <= h && h < other.base.1)
}

/// One side's text over base lines `start..end`, with its edits in the cluster applied.
pub(super) fn side_text<'a>(
    base: &Text<'a>,
    side: &Text<'a>,
    edits: &[Edit],
    start: usize,
    end: usize,
) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut pos = start;
    for e in edits {
        out.extend_from_slice(&base.lines[pos..e.base.0]);
        out.extend_from_slice(&side.lines[e.side.0..e.side.1]);
        pos = e.base.1;
    }
    out.extend_from_slice(&base.lines[pos..end]);
    out
}

/// The members of `side`, in base order.
pub(super) fn of(cluster: &Cluster, side: Side) -> Vec<Edit> {
    let mut edits: Vec<Edit> = cluster
        .members
        .iter()
        .filter(|t| t.side == side)
        .map(|t| t.edit)
        .collect();
    edits.sort_by_key(|e| (e.base.0, e.base.1));
    edits
}

/// Resolves one cluster: clean where one of the rules below makes it safe, else a conflict.
/// `moved` holds, per side, the lines that side moves (deletes here and adds elsewhere).
pub(super) fn resolve<'a>(
    base: &Text<'a>,
    ours: &Text<'a>,
    theirs: &Text<'a>,
    cluster: &Cluster,
    moved: &(HashSet<&'a str>, HashSet<&'a str>),
) -> Hunk<'a> {
    let (start, end) = (cluster.start, cluster.end);
    let (ours_edits, theirs_edits) = (of(cluster, Side::Ours), of(cluster, Side::Theirs));
    let o = side_text(base, ours, &ours_edits, start, end);
    let t = side_text(base, theirs, &theirs_edits, start, end);
    let b = base.lines[start..end].to_vec();
    let conflict = |o: Vec<&'a str>, t: Vec<&'a str>| Hunk::Conflict {
        ours: o,
        base: b.clone(),
        theirs: t,
    };
    if cluster.conflict {
        return conflict(o, t);
    }
    if theirs_edits.is_empty() {
        return Hunk::Clean {
            lines: o,
            origin: Origin::Ours,
        };
    }
    if ours_edits.is_empty() {
        return Hunk::Clean {
            lines: t,
            origin: Origin::Theirs,
        };
    }
    // Both sides' own lines over the same base range are equal: whatever the alignment, the two
    // changes are one change.
    if o == t {
        return Hunk::Clean {
            lines: o,
            origin: Origin::Both,
        };
    }
    // Where a side moves lines, the rules below could drop the move: only exact agreement is clean.
    let touches_moved = |edits: &[Edit], side: &Text<'a>, moved: &HashSet<&'a str>| {
        edits.iter().any(|e| {
            base.lines[e.base.0..e.base.1]
                .iter()
                .chain(&side.lines[e.side.0..e.side.1])
                .any(|l| moved.contains(l.trim()))
        })
    };
    if touches_moved(&ours_edits, ours, &moved.0) || touches_moved(&theirs_edits, theirs, &moved.1)
    {
        return conflict(o, t);
    }
    let deleted = |edits: &[Edit]| -> Vec<bool> {
        let mut d = vec![false; end - start];
        for e in edits {
            d[e.base.0 - start..e.base.1 - start]
                .iter_mut()
                .for_each(|x| *x = true);
        }
        d
    };
    let (ours_deleted, theirs_deleted) = (deleted(&ours_edits), deleted(&theirs_edits));
    let adds = |edits: &[Edit]| edits.iter().any(|e| e.side.1 > e.side.0);
    let (ours_adds, theirs_adds) = (adds(&ours_edits), adds(&theirs_edits));
    // Both only delete: a line either side deleted is unwanted by that side and unchanged by the
    // other, so it goes; a line deleted by both is counted once. Deletions claim their slide
    // ranges, so they meet here, but where each sits within its range is the diff's pick: the
    // union is clean only when it keeps the same lines wherever each side's deletions slide.
    if !ours_adds && !theirs_adds {
        let union = |ours_up: bool, theirs_up: bool| -> Vec<&'a str> {
            let o = slid_deletions(&base.lines, &ours_edits, ours_up, start, end);
            let t = slid_deletions(&base.lines, &theirs_edits, theirs_up, start, end);
            (start..end)
                .filter(|i| !o[i - start] && !t[i - start])
                .map(|i| base.lines[i])
                .collect()
        };
        // Blank lines are left out of the comparison: which of the blank lines between two
        // deleted neighbours goes is a matter of layout, not of content.
        let solid = |lines: &[&'a str]| -> Vec<&'a str> {
            lines
                .iter()
                .copied()
                .filter(|l| !l.trim().is_empty())
                .collect()
        };
        let kept = union(false, false);
        let robust = [(true, true), (true, false), (false, true)]
            .into_iter()
            .all(|(o, t)| solid(&union(o, t)) == solid(&kept));
        if !robust {
            return conflict(o, t);
        }
        return Hunk::Clean {
            lines: kept,
            origin: Origin::Both,
        };
    }
    let only_insertions = ours_edits
        .iter()
        .chain(&theirs_edits)
        .all(Edit::is_insertion);
    if only_insertions {
        // Two insertions at one point: clean only when one side's block is contained in the
        // other's and keeps its meaning there: no line that opens a block (a TOML table, a
        // heading, a line ending in `:`) that it lacks comes before any of its lines. Otherwise
        // its lines would read in a context its author never saw (an entry appended to a table
        // landing under a new table).
        if b.is_empty() && contained_in_place(&o, &t) {
            return Hunk::Clean {
                lines: t,
                origin: Origin::Theirs,
            };
        }
        if b.is_empty() && contained_in_place(&t, &o) {
            return Hunk::Clean {
                lines: o,
                origin: Origin::Ours,
            };
        }
        return conflict(o, t);
    }
    if contains_change(&b, &o, &ours_deleted, ours_adds, &t, &theirs_deleted) {
        return Hunk::Clean {
            lines: t,
            origin: Origin::Theirs,
        };
    }
    if contains_change(&b, &t, &theirs_deleted, theirs_adds, &o, &ours_deleted) {
        return Hunk::Clean {
            lines: o,
            origin: Origin::Ours,
        };
    }
    conflict(o, t)
}

/// True when `small`'s lines appear in order in `big` with no block-opening line of `big` that
/// `small` lacks before any of them.
fn contained_in_place(small: &[&str], big: &[&str]) -> bool {
    let mut unmatched_header = false;
    let mut rest = big.iter();
    for line in small {
        loop {
            let Some(b) = rest.next() else {
                return false;
            };
            if b == line {
                break;
            }
            unmatched_header |= opens_block(b);
        }
        if unmatched_header {
            return false;
        }
    }
    true
}

/// A line after which the following lines mean something else: a TOML table or INI section, a
/// Markdown heading or setext underline, a Python or YAML block opener.
fn opens_block(line: &str) -> bool {
    let l = line.trim();
    (l.starts_with('[') && l.ends_with(']'))
        || l.starts_with('#')
        || (l.len() >= 3 && (l.chars().all(|c| c == '=') || l.chars().all(|c| c == '-')))
        || (l.ends_with(':') && !l.starts_with('-'))
}

/// Which base lines of `start..end` a side's deletions remove once each is slid as far up (or
/// down) as equal lines let it, without crossing the side's other edits or the cluster's bounds.
fn slid_deletions(lines: &[&str], edits: &[Edit], up: bool, start: usize, end: usize) -> Vec<bool> {
    let mut deleted = vec![false; end - start];
    for (k, e) in edits.iter().enumerate() {
        let lo = if k == 0 { start } else { edits[k - 1].base.1 };
        let hi = edits.get(k + 1).map_or(end, |n| n.base.0);
        let (mut a, mut b) = e.base;
        if up {
            while a > lo && lines[a - 1] == lines[b - 1] {
                a -= 1;
                b -= 1;
            }
        } else {
            while b < hi && lines[a] == lines[b] {
                a += 1;
                b += 1;
            }
        }
        deleted[a - start..b - start]
            .iter_mut()
            .for_each(|x| *x = true);
    }
    deleted
}

/// True when side X's change (`x`, deleting `x_deleted`, adding lines) is already part of side Y's
/// change (`y`): Y deletes every base line X deletes, and X's text, less the base lines Y deleted,
/// appears in order within Y's text. Safe because nothing X wrote or removed is lost: each of X's
/// lines is in Y's text in X's order, and each line X removed Y removed too. X must add something:
/// a pure deletion against a modification is a real conflict (the user deleted what the template
/// changed, or the reverse).
fn contains_change(
    base: &[&str],
    x: &[&str],
    x_deleted: &[bool],
    x_adds: bool,
    y: &[&str],
    y_deleted: &[bool],
) -> bool {
    if !x_adds || x_deleted.iter().zip(y_deleted).any(|(xd, yd)| *xd && !*yd) {
        return false;
    }
    // Base lines that X kept but Y deleted are not part of X's change.
    let dropped_by_y: Vec<&str> = base
        .iter()
        .zip(x_deleted.iter().zip(y_deleted))
        .filter(|(_, (xd, yd))| !**xd && **yd)
        .map(|(l, _)| *l)
        .collect();
    let mut dropped = dropped_by_y.iter().peekable();
    let x_less: Vec<&str> = x
        .iter()
        .filter(|line| {
            if dropped.peek().is_some_and(|d| *d == *line) {
                dropped.next();
                false
            } else {
                true
            }
        })
        .copied()
        .collect();
    is_subsequence(&x_less, y)
}

fn is_subsequence(small: &[&str], big: &[&str]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}
