//! Three-way merge of text files, line by line, with no I/O.
//!
//! A merge is data: a list of [`Hunk`]s, clean or conflicting. Conflict markers are one rendering
//! of that data ([`Merge::render`]). Before any line diff, trivial merges are resolved (one side
//! unchanged, or both equal). Line endings are normalised for the merge and the result is written
//! in the user's ("ours") style; a BOM and a missing final newline are kept as the user had them.
//! Binary content (NUL bytes, invalid UTF-8) is never line-merged.
//!
//! How it improves on a classic diff3: each side's changes against the base are computed as edits
//! (base range → new lines), and only edits that really overlap are merged together. Changes on
//! adjacent lines apply cleanly, an identical change made by both applies once, and where one
//! side's change is contained in the other's, the larger one wins. When that still conflicts and one
//! side moved a block the other edited, the move is replayed on both and the merge tried again
//! (`moves`).

mod moves;
mod text;

use std::collections::HashSet;

use similar::{Algorithm, DiffOp};

pub use text::{Text, is_binary};

/// The result of merging three versions of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Merged without conflicts.
    Clean(Vec<u8>),
    /// Merged with `conflicts` conflict blocks, rendered with markers.
    Conflicted { text: Vec<u8>, conflicts: usize },
    /// At least one side is binary: the caller decides (fb keeps the user's copy).
    Binary,
}

/// Names shown on conflict markers.
#[derive(Debug, Clone)]
pub struct Labels<'a> {
    pub ours: &'a str,
    pub base: &'a str,
    pub theirs: &'a str,
}

impl Default for Labels<'_> {
    fn default() -> Self {
        Labels {
            ours: "yours",
            base: "base",
            theirs: "theirs",
        }
    }
}

/// Merges `theirs`' changes (against `base`) into `ours`.
pub fn merge_bytes(base: &[u8], ours: &[u8], theirs: &[u8], labels: &Labels<'_>) -> Outcome {
    // Trivial merges first: no diff, and the bytes stay exactly as they were.
    if ours == theirs || base == theirs {
        return Outcome::Clean(ours.to_vec());
    }
    if base == ours {
        return Outcome::Clean(theirs.to_vec());
    }
    let (Some(b), Some(o), Some(t)) =
        (Text::decode(base), Text::decode(ours), Text::decode(theirs))
    else {
        return Outcome::Binary;
    };
    let mut merge = Merge::compute(&b, &o, &t);
    if merge.conflicts() > 0
        && let Some(across) = moves::merge_across_moves(&b, &o, &t)
    {
        merge = across;
    }
    let conflicts = merge.conflicts();
    let text = merge.render(labels);
    if conflicts == 0 {
        Outcome::Clean(text)
    } else {
        Outcome::Conflicted { text, conflicts }
    }
}

/// Who a clean stretch of output comes from; decides whose final-newline state the file takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Unchanged on both sides.
    Base,
    Ours,
    Theirs,
    /// Both sides made the same change.
    Both,
}

/// A stretch of the merged file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hunk<'a> {
    Clean {
        lines: Vec<&'a str>,
        origin: Origin,
    },
    Conflict {
        ours: Vec<&'a str>,
        base: Vec<&'a str>,
        theirs: Vec<&'a str>,
    },
}

/// A merge of three decoded texts, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge<'a> {
    pub hunks: Vec<Hunk<'a>>,
    /// The file conventions of the result.
    pub bom: bool,
    pub crlf: bool,
    pub final_newline: bool,
    /// Longest run of marker characters that starts a line of any input (0 if under 7).
    longest_marker_run: usize,
}

/// One side's change: base lines `base` replaced by side lines `side`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edit {
    base: (usize, usize),
    side: (usize, usize),
}

impl Edit {
    fn is_insertion(&self) -> bool {
        self.base.0 == self.base.1
    }

    fn is_deletion(&self) -> bool {
        self.side.0 == self.side.1
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Ours,
    Theirs,
}

impl<'a> Merge<'a> {
    pub fn compute(base: &Text<'a>, ours: &Text<'a>, theirs: &Text<'a>) -> Merge<'a> {
        let ours_edits = edits(&base.lines, &ours.lines);
        let theirs_edits = edits(&base.lines, &theirs.lines);
        let mut all: Vec<(Side, Edit)> = ours_edits
            .iter()
            .map(|e| (Side::Ours, *e))
            .chain(theirs_edits.iter().map(|e| (Side::Theirs, *e)))
            .collect();
        all.sort_by_key(|(side, e)| (e.base.0, e.base.1, *side == Side::Theirs));

        let clusters = join_duplicate_additions(clusters(&all, base, ours, theirs), ours, theirs);
        let moved = (
            moved_lines(base, ours, &ours_edits),
            moved_lines(base, theirs, &theirs_edits),
        );
        let mut hunks: Vec<Hunk<'a>> = Vec::new();
        let mut pos = 0; // next base line not yet emitted
        for cluster in &clusters {
            push_clean(&mut hunks, &base.lines[pos..cluster.start], Origin::Base);
            hunks.push(resolve_cluster(base, ours, theirs, cluster, &moved));
            pos = cluster.end;
        }
        push_clean(&mut hunks, &base.lines[pos..], Origin::Base);

        let final_newline = final_newline(&hunks, base, ours, theirs);
        let longest_marker_run = [base, ours, theirs]
            .iter()
            .flat_map(|t| t.lines.iter())
            .map(|l| marker_run(l))
            .max()
            .unwrap_or(0);
        Merge {
            hunks,
            bom: ours.bom,
            crlf: ours.crlf,
            final_newline,
            longest_marker_run,
        }
    }

    pub fn conflicts(&self) -> usize {
        self.hunks
            .iter()
            .filter(|h| matches!(h, Hunk::Conflict { .. }))
            .count()
    }

    /// The length of conflict markers: 7, or longer than any marker-like line in the inputs.
    pub fn marker_size(&self) -> usize {
        if self.longest_marker_run >= 7 {
            self.longest_marker_run + 1
        } else {
            7
        }
    }

    /// The merged file, with diff3-style markers around conflicts.
    pub fn render(&self, labels: &Labels<'_>) -> Vec<u8> {
        let size = self.marker_size();
        let marker = |c: char, label: &str| {
            let run: String = std::iter::repeat_n(c, size).collect();
            if label.is_empty() {
                run
            } else {
                format!("{run} {label}")
            }
        };
        let mut lines: Vec<std::borrow::Cow<'_, str>> = Vec::new();
        let mut ends_in_conflict = false;
        for hunk in &self.hunks {
            match hunk {
                Hunk::Clean { lines: l, .. } => {
                    lines.extend(l.iter().map(|s| (*s).into()));
                    ends_in_conflict = ends_in_conflict && l.is_empty();
                }
                Hunk::Conflict { ours, base, theirs } => {
                    lines.push(marker('<', labels.ours).into());
                    lines.extend(ours.iter().map(|s| (*s).into()));
                    lines.push(marker('|', labels.base).into());
                    lines.extend(base.iter().map(|s| (*s).into()));
                    lines.push(marker('=', "").into());
                    lines.extend(theirs.iter().map(|s| (*s).into()));
                    lines.push(marker('>', labels.theirs).into());
                    ends_in_conflict = true;
                }
            }
        }
        // A closing marker always ends its line.
        let final_newline = self.final_newline || ends_in_conflict;
        text::encode(&lines, self.bom, self.crlf, final_newline)
    }
}

/// Edits of both sides that must be merged together, over base lines `start..end`.
#[derive(Debug, Clone)]
struct Cluster {
    start: usize,
    end: usize,
    members: Vec<(Side, Edit)>,
    /// Forced to a conflict: both sides added the same lines in different places (a move).
    conflict: bool,
}

/// Groups sorted edits: edits whose base ranges overlap, insertions at one point, and edits that
/// only touch but still interact (see [`touching_edits_interact`]).
fn clusters(
    all: &[(Side, Edit)],
    base: &Text<'_>,
    ours: &Text<'_>,
    theirs: &Text<'_>,
) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = Vec::new();
    for &(side, edit) in all {
        if let Some(c) = out.last_mut() {
            let joins = edit.base.0 < c.end
                || (edit.base.0 == c.end
                    && c.members.iter().any(|&(s, e)| {
                        e.base.1 == edit.base.0
                            && touching_edits_interact((s, e), (side, edit), base, ours, theirs)
                    }));
            if joins {
                c.end = c.end.max(edit.base.1);
                c.members.push((side, edit));
                continue;
            }
        }
        out.push(Cluster {
            start: edit.base.0,
            end: edit.base.1,
            members: vec![(side, edit)],
            conflict: false,
        });
    }
    out
}

/// Whether two edits that touch at one base position (`a` ends where `b` starts) must be merged
/// together rather than applied one after the other:
/// - two insertions at one point (their order is ambiguous);
/// - an insertion beside a deletion by the other side (the insertion's anchor is gone);
/// - an insertion beside the other side's change whose lines could also be aligned as a change of
///   those same lines (the inserted block continues with the base lines after the change, as when
///   a user adds a look-alike block next to the one the template edits): then both sides may have
///   changed the same lines, and only a conflict is safe.
fn touching_edits_interact(
    a: (Side, Edit),
    b: (Side, Edit),
    base: &Text<'_>,
    ours: &Text<'_>,
    theirs: &Text<'_>,
) -> bool {
    let ((a_side, a), (b_side, b)) = (a, b);
    if a.is_insertion() && b.is_insertion() {
        return true;
    }
    if a_side == b_side {
        return false;
    }
    let text = |side: Side| if side == Side::Ours { ours } else { theirs };
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

/// Where one side's changes add a substantive line that the other side's changes also add, in a
/// different place, the two are a move or a duplicate: merging them cleanly would repeat the
/// lines. Such clusters, and everything between them, become one conflict.
fn join_duplicate_additions(
    mut clusters: Vec<Cluster>,
    ours: &Text<'_>,
    theirs: &Text<'_>,
) -> Vec<Cluster> {
    // What a cluster adds, as keys: each long line, and each pair of neighbouring added lines
    // (short lines like `}` alone say nothing; a block of them does).
    let added = |c: &Cluster, side: Side, text: &Text<'_>| -> Vec<String> {
        let mut keys = Vec::new();
        for (_, e) in c.members.iter().filter(|(s, _)| *s == side) {
            let lines: Vec<&str> = text.lines[e.side.0..e.side.1]
                .iter()
                .map(|l| l.trim())
                .collect();
            for (i, line) in lines.iter().enumerate() {
                let wordy = |l: &str| l.chars().any(char::is_alphanumeric);
                if line.len() >= 8 && wordy(line) {
                    keys.push((*line).to_string());
                }
                if let Some(next) = lines.get(i + 1)
                    && (wordy(line) || wordy(next))
                {
                    keys.push(format!("{line}\n{next}"));
                }
            }
        }
        keys
    };
    loop {
        // Clusters where each substantive line is added, per side.
        let mut ours_adds: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, c) in clusters.iter().enumerate() {
            for line in added(c, Side::Ours, ours) {
                ours_adds.entry(line).or_default().push(i);
            }
        }
        let mut pair: Option<(usize, usize)> = None;
        for (j, c) in clusters.iter().enumerate() {
            for line in added(c, Side::Theirs, theirs) {
                for &i in ours_adds.get(&line).into_iter().flatten() {
                    if i != j {
                        let candidate = (i.min(j), i.max(j));
                        pair = Some(pair.map_or(candidate, |p| p.min(candidate)));
                    }
                }
            }
        }
        let Some((i, j)) = pair else { return clusters };
        let merged: Vec<Cluster> = clusters.drain(i..=j).collect();
        let joined = Cluster {
            start: merged[0].start,
            end: merged.iter().map(|c| c.end).max().unwrap_or(merged[0].end),
            members: merged.into_iter().flat_map(|c| c.members).collect(),
            conflict: true,
        };
        clusters.insert(i, joined);
    }
}

fn push_clean<'a>(hunks: &mut Vec<Hunk<'a>>, lines: &[&'a str], origin: Origin) {
    if lines.is_empty() {
        return;
    }
    if let Some(Hunk::Clean {
        lines: prev,
        origin: prev_origin,
    }) = hunks.last_mut()
        && *prev_origin == origin
    {
        prev.extend_from_slice(lines);
        return;
    }
    hunks.push(Hunk::Clean {
        lines: lines.to_vec(),
        origin,
    });
}

/// The edits that turn `base` into `side`, each a maximal run of changed lines.
fn edits(base: &[&str], side: &[&str]) -> Vec<Edit> {
    let ops = similar::capture_diff_slices(Algorithm::Patience, base, side);
    let mut out: Vec<Edit> = Vec::new();
    for op in ops {
        let (old, new) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => ((old_index, old_index + old_len), (new_index, new_index)),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => ((old_index, old_index), (new_index, new_index + new_len)),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                (old_index, old_index + old_len),
                (new_index, new_index + new_len),
            ),
        };
        match out.last_mut() {
            Some(prev) if prev.base.1 == old.0 && prev.side.1 == new.0 => {
                prev.base.1 = old.1;
                prev.side.1 = new.1;
            }
            _ => out.push(Edit {
                base: old,
                side: new,
            }),
        }
    }
    out
}

/// Lines a side both deletes somewhere and adds somewhere else: the lines it moves.
fn moved_lines<'a>(base: &Text<'a>, side: &Text<'a>, edits: &[Edit]) -> HashSet<&'a str> {
    let deleted: HashSet<&'a str> = edits
        .iter()
        .flat_map(|e| base.lines[e.base.0..e.base.1].iter())
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    edits
        .iter()
        .flat_map(|e| side.lines[e.side.0..e.side.1].iter())
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && deleted.contains(l))
        .collect()
}

/// One side's text over base lines `start..end`, with its edits in the cluster applied.
fn side_text<'a>(
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

fn resolve_cluster<'a>(
    base: &Text<'a>,
    ours: &Text<'a>,
    theirs: &Text<'a>,
    cluster: &Cluster,
    moved: &(HashSet<&'a str>, HashSet<&'a str>),
) -> Hunk<'a> {
    let (start, end) = (cluster.start, cluster.end);
    let of = |side: Side| {
        cluster
            .members
            .iter()
            .filter(|(s, _)| *s == side)
            .map(|(_, e)| *e)
            .collect::<Vec<_>>()
    };
    let (ours_edits, theirs_edits) = (of(Side::Ours), of(Side::Theirs));
    let o = side_text(base, ours, &ours_edits, start, end);
    let t = side_text(base, theirs, &theirs_edits, start, end);
    if cluster.conflict {
        return Hunk::Conflict {
            ours: o,
            base: base.lines[start..end].to_vec(),
            theirs: t,
        };
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
        return Hunk::Conflict {
            ours: o,
            base: base.lines[start..end].to_vec(),
            theirs: t,
        };
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
    // Both only deleted lines: every line either side deleted goes.
    if !ours_adds && !theirs_adds {
        let kept = (start..end).filter(|i| !ours_deleted[i - start] && !theirs_deleted[i - start]);
        return Hunk::Clean {
            lines: kept.map(|i| base.lines[i]).collect(),
            origin: Origin::Both,
        };
    }
    let b = &base.lines[start..end];
    if contains_change(b, &o, &ours_deleted, ours_adds, &t, &theirs_deleted) {
        return Hunk::Clean {
            lines: t,
            origin: Origin::Theirs,
        };
    }
    if contains_change(b, &t, &theirs_deleted, theirs_adds, &o, &ours_deleted) {
        return Hunk::Clean {
            lines: o,
            origin: Origin::Ours,
        };
    }
    Hunk::Conflict {
        ours: o,
        base: b.to_vec(),
        theirs: t,
    }
}

/// True when side X's change (`x`, deleting `x_deleted`, adding lines) is already part of side Y's
/// change (`y`): Y deletes every base line X deletes, and X's text, less the base lines Y deleted,
/// appears in order within Y's text. X must add something: a pure deletion against a modification
/// is a real conflict (the user deleted what the template changed, or the reverse).
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

/// Whose final-newline state the result takes: the side that wrote the last line, or a three-way
/// merge of the flag when the end of the file is unchanged.
fn final_newline(hunks: &[Hunk<'_>], base: &Text<'_>, ours: &Text<'_>, theirs: &Text<'_>) -> bool {
    let three_way = || {
        if ours.final_newline != base.final_newline {
            ours.final_newline
        } else {
            theirs.final_newline
        }
    };
    match hunks
        .iter()
        .rev()
        .find(|h| !matches!(h, Hunk::Clean { lines, .. } if lines.is_empty()))
    {
        None => three_way(),
        Some(Hunk::Conflict { .. }) => true,
        Some(Hunk::Clean { origin, .. }) => match origin {
            Origin::Base => three_way(),
            Origin::Ours => ours.final_newline,
            // Theirs wrote the last line; a newline change the user made to it still counts.
            Origin::Theirs if ours.final_newline != base.final_newline => ours.final_newline,
            Origin::Theirs => theirs.final_newline,
            Origin::Both => {
                if ours.final_newline == theirs.final_newline {
                    ours.final_newline
                } else {
                    three_way()
                }
            }
        },
    }
}

/// The length of the run of one marker character (`<|=>`) that starts `line`.
fn marker_run(line: &str) -> usize {
    let Some(first) = line.chars().next().filter(|c| "<|=>".contains(*c)) else {
        return 0;
    };
    line.chars().take_while(|c| *c == first).count()
}

#[cfg(test)]
mod tests;
