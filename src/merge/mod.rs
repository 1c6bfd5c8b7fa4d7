//! Three-way merge of text files, line by line, with no I/O.
//!
//! A merge is data: a list of [`Hunk`]s, clean or conflicting. Conflict markers are one rendering
//! of that data ([`Merge::render`]). Before any line diff, trivial merges are resolved (one side
//! unchanged, or both equal). Line endings are normalised for the merge and the result is written
//! in the user's ("ours") style; a BOM and a missing final newline are kept as the user had them.
//! Binary content (NUL bytes, invalid UTF-8) is never line-merged.
//!
//! How it works: each side's changes against the base are computed as edits (base range → new
//! lines), and only edits that overlap, or touch in a way that changes their meaning, are merged
//! together (`cluster`). Changes on adjacent lines apply cleanly, an identical change made by both
//! applies once, and where one side's change is contained in the other's, the larger one wins;
//! each such refinement states the rule that makes it safe.
//!
//! A clean result must not depend on how the diff happened to align look-alike lines. So the
//! merge is computed under two alignments (patience, matching repeated lines from the top, and
//! from the bottom): where they disagree, or where either conflicts, the result conflicts. (The
//! replay of moves below also reads moves off git's Myers diff: see `moves`.) Edits whose place is ambiguous (a deletion or insertion
//! that could slide over equal lines) claim the whole range they could occupy. After that, blocks
//! a clean merge would write twice, and lines one side moved that the other deleted, conflict.
//! When the merge still conflicts and one side moved a block the other edited, the move is
//! replayed on both and the merge tried again (`moves`). Conflicts are trimmed to the lines where
//! the two sides differ, as git does.

mod cluster;
mod diff;
mod moves;
mod text;

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use similar::Algorithm;

use cluster::{Cluster, Side};
use diff::{Alignment, Edit, Interned, claims, edits_numbered};
pub use text::{Text, is_binary};

/// git's conflict marker length: what `git diff --check` and pre-commit hooks look for.
pub const DEFAULT_MARKER_SIZE: usize = 7;

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

/// Merges `theirs`' changes (against `base`) into `ours`, with 7-character markers.
pub fn merge_bytes(base: &[u8], ours: &[u8], theirs: &[u8], labels: &Labels<'_>) -> Outcome {
    merge_bytes_with(base, ours, theirs, labels, DEFAULT_MARKER_SIZE)
}

/// [`merge_bytes`] with markers of `marker_size` characters (git's `conflict-marker-size`
/// attribute, see [`marker_size_from_gitattributes`]); sizes under 1 count as 1.
pub fn merge_bytes_with(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels<'_>,
    marker_size: usize,
) -> Outcome {
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
    let text = merge.render(labels, marker_size);
    if conflicts == 0 {
        Outcome::Clean(text)
    } else {
        Outcome::Conflicted { text, conflicts }
    }
}

/// The `conflict-marker-size` git attributes give `path`, from the text of a `.gitattributes`
/// file at the root of the work tree (later lines win, as in git). Only simple patterns are
/// understood: `*`, `*.ext`, a file name, and a path from the root; others never match.
pub fn marker_size_from_gitattributes(gitattributes: &str, path: &str) -> Option<usize> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut size = None;
    for line in gitattributes.lines() {
        let mut words = line.split_whitespace();
        let Some(pattern) = words.next().filter(|p| !p.starts_with('#')) else {
            continue;
        };
        let matches = if pattern == "*" {
            true
        } else if let Some(ext) = pattern.strip_prefix("*.") {
            !ext.contains(['*', '?', '[', '/']) && name.ends_with(&format!(".{ext}"))
        } else if pattern.contains(['*', '?', '[']) {
            false
        } else if let Some(rooted) = pattern.strip_prefix('/') {
            rooted == path
        } else if pattern.contains('/') {
            pattern == path
        } else {
            pattern == name
        };
        if !matches {
            continue;
        }
        for attr in words {
            if let Some(value) = attr.strip_prefix("conflict-marker-size=") {
                size = value.parse().ok().filter(|n: &usize| *n > 0);
            } else if attr == "-conflict-marker-size" || attr == "!conflict-marker-size" {
                size = None;
            }
        }
    }
    size
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
}

/// One alignment's merge: hunks, and the base range each hunk stands for.
struct Built<'a> {
    hunks: Vec<Hunk<'a>>,
    spans: Vec<(usize, usize)>,
}

impl<'a> Merge<'a> {
    /// The merge of three texts, clean only where both alignments agree on a clean result.
    pub fn compute(base: &Text<'a>, ours: &Text<'a>, theirs: &Text<'a>) -> Merge<'a> {
        let ids = Interned::new(base, ours, theirs);
        let side_edits = |alignment| {
            (
                edits_numbered(
                    alignment,
                    (&ids.base, &ids.ours),
                    ids.distinct,
                    &base.lines,
                    &ours.lines,
                ),
                edits_numbered(
                    alignment,
                    (&ids.base, &ids.theirs),
                    ids.distinct,
                    &base.lines,
                    &theirs.lines,
                ),
            )
        };
        let forward = side_edits(Alignment::Forward);
        let first = build(base, ours, theirs, &ids, (&forward.0, &forward.1), &[]);
        let a = tokens(&first);
        let lines = |t: &[(Tok<'a>, (usize, usize))]| t.iter().map(|x| x.0).collect::<Vec<_>>();
        let la = lines(&a);
        let mut seen = vec![forward.clone()];
        // Where another alignment disagrees with the first, or conflicts, the first must conflict.
        let mut forced: Vec<(usize, usize)> = Vec::new();
        for alignment in [Alignment::Backward] {
            let other = side_edits(alignment);
            if seen.contains(&other) {
                continue; // the same edits can only agree
            }
            let second = build(base, ours, theirs, &ids, (&other.0, &other.1), &[]);
            seen.push(other);
            let b = tokens(&second);
            let lb = lines(&b);
            if la == lb {
                continue;
            }
            forced.extend(
                second
                    .hunks
                    .iter()
                    .zip(&second.spans)
                    .filter(|(h, _)| matches!(h, Hunk::Conflict { .. }))
                    .map(|(_, s)| *s),
            );
            for op in similar::capture_diff_slices(Algorithm::Myers, &la, &lb) {
                if op.tag() == similar::DiffTag::Equal {
                    continue;
                }
                forced.push(span_of(&a, op.old_range()));
                forced.push(span_of(&b, op.new_range()));
            }
        }
        if debug() && !forced.is_empty() {
            eprintln!("merge: alignments disagree, forced base ranges {forced:?}");
        }
        let built = if forced.is_empty() {
            first
        } else {
            let forced_build = build(base, ours, theirs, &ids, (&forward.0, &forward.1), &forced);
            let clean = |b: &Built<'_>| !b.hunks.iter().any(|h| matches!(h, Hunk::Conflict { .. }));
            if clean(&forced_build) {
                // Every range where the alignments disagree met no edit of the first: force their
                // whole extent, so disagreeing alignments never give a clean result.
                let hull = (
                    forced.iter().map(|f| f.0).min().unwrap_or(0),
                    forced.iter().map(|f| f.1).max().unwrap_or(base.lines.len()),
                );
                build(base, ours, theirs, &ids, (&forward.0, &forward.1), &[hull])
            } else {
                forced_build
            }
        };
        Merge::finish(built, base, ours, theirs)
    }

    fn finish(built: Built<'a>, base: &Text<'a>, ours: &Text<'a>, theirs: &Text<'a>) -> Merge<'a> {
        let hunks = built.hunks;
        let final_newline = final_newline(&hunks, base, ours, theirs);
        Merge {
            hunks,
            bom: ours.bom,
            crlf: ours.crlf,
            final_newline,
        }
    }

    pub fn conflicts(&self) -> usize {
        self.hunks
            .iter()
            .filter(|h| matches!(h, Hunk::Conflict { .. }))
            .count()
    }

    /// The merged file, with diff3-style markers of `marker_size` characters around conflicts.
    pub fn render(&self, labels: &Labels<'_>, marker_size: usize) -> Vec<u8> {
        let size = marker_size.max(1);
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

/// An output line of a built merge, or a marker (`'<'`, `'|'`, `'='`, `'>'`) of a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Tok<'a> {
    Line(&'a str),
    Marker(char),
}

/// The output of a built merge as tokens, each with the base range it stands for: one line for
/// unchanged lines, the whole hunk's range otherwise.
fn tokens<'a>(built: &Built<'a>) -> Vec<(Tok<'a>, (usize, usize))> {
    let mut out = Vec::new();
    for (hunk, &span) in built.hunks.iter().zip(&built.spans) {
        match hunk {
            Hunk::Clean {
                lines,
                origin: Origin::Base,
            } => out.extend(
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (Tok::Line(l), (span.0 + i, span.0 + i + 1))),
            ),
            Hunk::Clean { lines, .. } => out.extend(lines.iter().map(|l| (Tok::Line(l), span))),
            Hunk::Conflict { ours, base, theirs } => {
                out.push((Tok::Marker('<'), span));
                out.extend(ours.iter().map(|l| (Tok::Line(l), span)));
                out.push((Tok::Marker('|'), span));
                out.extend(base.iter().map(|l| (Tok::Line(l), span)));
                out.push((Tok::Marker('='), span));
                out.extend(theirs.iter().map(|l| (Tok::Line(l), span)));
                out.push((Tok::Marker('>'), span));
            }
        }
    }
    out
}

/// The base range that output tokens `range` stand for (a point for an empty range).
fn span_of(tokens: &[(Tok<'_>, (usize, usize))], range: std::ops::Range<usize>) -> (usize, usize) {
    if range.is_empty() {
        let p = match tokens.get(range.start) {
            Some((_, s)) => s.0,
            None => tokens.last().map_or(0, |(_, s)| s.1),
        };
        return (p, p);
    }
    let spans = &tokens[range];
    (
        spans.iter().map(|(_, s)| s.0).min().unwrap_or(0),
        spans.iter().map(|(_, s)| s.1).max().unwrap_or(0),
    )
}

/// The merge under one alignment, with the base ranges `forced` made to conflict.
fn build<'a>(
    base: &Text<'a>,
    ours: &Text<'a>,
    theirs: &Text<'a>,
    ids: &Interned,
    (ours_edits, theirs_edits): (&[Edit], &[Edit]),
    forced: &[(usize, usize)],
) -> Built<'a> {
    let all = cluster::tag(
        ours_edits,
        &claims((&ids.base, &ids.ours), &base.lines, &ours.lines, ours_edits),
        theirs_edits,
        &claims(
            (&ids.base, &ids.theirs),
            &base.lines,
            &theirs.lines,
            theirs_edits,
        ),
    );
    let mut clusters = cluster::clusters(&all, base, ours, theirs);
    force(&mut clusters, forced);
    let moved = (
        moved_lines(base, ours, ours_edits),
        moved_lines(base, theirs, theirs_edits),
    );
    let mut resolved: Vec<Hunk<'a>> = clusters
        .iter()
        .map(|c| cluster::resolve(base, ours, theirs, c, &moved))
        .collect();
    let checked = Checked::new((base, ours, theirs), &clusters, &resolved);
    let mut unsafe_clean = duplicated_blocks(&checked);
    debug_rule("duplicated_blocks", &unsafe_clean, &clusters);
    let d = duplicated_keys(&checked);
    debug_rule("duplicated_keys", &d, &clusters);
    unsafe_clean.extend(d);
    let d = dropped_blocks(&checked);
    debug_rule("dropped_blocks", &d, &clusters);
    unsafe_clean.extend(d);
    let d = ambiguous_context(ids, &clusters, &resolved, (ours_edits, theirs_edits));
    debug_rule("ambiguous_context", &d, &clusters);
    unsafe_clean.extend(d);
    let d = moved_and_deleted(base, ours, theirs, &clusters, &resolved);
    debug_rule("moved_and_deleted", &d, &clusters);
    unsafe_clean.extend(d);
    if debug() {
        for (c, h) in clusters.iter().zip(&resolved) {
            if matches!(h, Hunk::Conflict { .. }) {
                eprintln!(
                    "merge: cluster {}..{} conflicts in resolve (forced: {}): {:?}",
                    c.start, c.end, c.conflict, c.members
                );
            }
        }
    }
    for i in unsafe_clean {
        clusters[i].conflict = true;
        resolved[i] = cluster::resolve(base, ours, theirs, &clusters[i], &moved);
    }

    let mut built = Built {
        hunks: Vec::new(),
        spans: Vec::new(),
    };
    let mut push = |hunk: Hunk<'a>, span: (usize, usize)| {
        let empty = matches!(&hunk, Hunk::Clean { lines, .. } if lines.is_empty());
        if !empty {
            built.hunks.push(hunk);
            built.spans.push(span);
        }
    };
    let mut pos = 0; // next base line not yet emitted
    for (c, hunk) in clusters.iter().zip(resolved) {
        push(
            Hunk::Clean {
                lines: base.lines[pos..c.start].to_vec(),
                origin: Origin::Base,
            },
            (pos, c.start),
        );
        for h in trim(hunk) {
            push(h, (c.start, c.end));
        }
        pos = c.end;
    }
    push(
        Hunk::Clean {
            lines: base.lines[pos..].to_vec(),
            origin: Origin::Base,
        },
        (pos, base.lines.len()),
    );
    built
}

/// Whether `FB_MERGE_DEBUG` is set: the merge then says on stderr which rule made each cluster
/// conflict (alignments disagreeing, a check forcing it, or the cluster's own resolution).
fn debug() -> bool {
    static DEBUG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("FB_MERGE_DEBUG").is_some())
}

/// With [`debug`], names the clusters `rule` forced to conflict.
fn debug_rule(rule: &str, hits: &[usize], clusters: &[Cluster]) {
    if !hits.is_empty() && debug() {
        for &i in hits {
            eprintln!(
                "merge: {rule} forces cluster {}..{}",
                clusters[i].start, clusters[i].end
            );
        }
    }
}

/// Joins the clusters that meet each forced base range into one forced conflict over it. A range
/// that meets no cluster is unchanged by both sides under this alignment and is left alone.
fn force(clusters: &mut Vec<Cluster>, forced: &[(usize, usize)]) {
    let mut forced = forced.to_vec();
    forced.sort_unstable();
    for &(s, e) in &forced {
        let meets = |c: &Cluster| c.start <= e && s <= c.end;
        let Some(first) = clusters.iter().position(meets) else {
            continue;
        };
        let last = clusters.iter().rposition(meets).unwrap_or(first);
        let joined: Vec<Cluster> = clusters.drain(first..=last).collect();
        let start = joined[0].start.min(s);
        let end = joined.iter().map(|c| c.end).max().unwrap_or(e).max(e);
        // The widened range must not reach into the clusters around it.
        let start = clusters[..first].last().map_or(start, |p| start.max(p.end));
        let end = clusters.get(first).map_or(end, |n| end.min(n.start));
        clusters.insert(
            first,
            Cluster {
                start,
                end,
                members: joined.into_iter().flat_map(|c| c.members).collect(),
                conflict: true,
            },
        );
    }
}

/// A conflict without the lines both sides have alike at its edges (those are clean, as in git);
/// any other hunk as it is.
fn trim<'a>(hunk: Hunk<'a>) -> Vec<Hunk<'a>> {
    let Hunk::Conflict { ours, base, theirs } = hunk else {
        return vec![hunk];
    };
    let prefix = ours.iter().zip(&theirs).take_while(|(o, t)| o == t).count();
    let suffix = ours[prefix..]
        .iter()
        .rev()
        .zip(theirs[prefix..].iter().rev())
        .take_while(|(o, t)| o == t)
        .count();
    if prefix == ours.len() && prefix == theirs.len() {
        return vec![Hunk::Clean {
            lines: ours,
            origin: Origin::Both,
        }];
    }
    // The base keeps only what is not the same as the trimmed lines.
    let base_prefix = base
        .iter()
        .zip(&ours[..prefix])
        .take_while(|(b, o)| b == o)
        .count();
    let base_suffix = base[base_prefix..]
        .iter()
        .rev()
        .zip(ours[ours.len() - suffix..].iter().rev())
        .take_while(|(b, o)| b == o)
        .count();
    let mut out = Vec::new();
    let edge = |lines: &[&'a str]| Hunk::Clean {
        lines: lines.to_vec(),
        origin: Origin::Both,
    };
    out.push(edge(&ours[..prefix]));
    out.push(Hunk::Conflict {
        ours: ours[prefix..ours.len() - suffix].to_vec(),
        base: base[base_prefix..base.len() - base_suffix].to_vec(),
        theirs: theirs[prefix..theirs.len() - suffix].to_vec(),
    });
    out.push(edge(&ours[ours.len() - suffix..]));
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

/// Neighbouring non-blank lines, trimmed: the unit a duplicated block is recognised by. Three of
/// them (two are too few: look-alike functions added by both sides share boilerplate pairs), or
/// the whole of an added block of two.
type Pair<'a> = Vec<&'a str>;

fn wordy(line: &str) -> bool {
    line.chars().any(char::is_alphanumeric)
}

/// Non-blank lines, trimmed: what [`duplicated_blocks`] and [`dropped_blocks`] compare.
fn solid<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect()
}

/// What the checks after resolution look at: the clusters, how each resolved, and, built on
/// first need and then shared by every check, the lines a merge would write if its clean
/// clusters were all it had (conflicts left out).
struct Checked<'c, 'a> {
    base: &'c Text<'a>,
    ours: &'c Text<'a>,
    theirs: &'c Text<'a>,
    clusters: &'c [Cluster],
    resolved: &'c [Hunk<'a>],
    result: OnceCell<Vec<&'a str>>,
    solid_result: OnceCell<Vec<&'a str>>,
    solid_sides: OnceCell<(Vec<&'a str>, Vec<&'a str>)>,
}

impl<'c, 'a> Checked<'c, 'a> {
    fn new(
        (base, ours, theirs): (&'c Text<'a>, &'c Text<'a>, &'c Text<'a>),
        clusters: &'c [Cluster],
        resolved: &'c [Hunk<'a>],
    ) -> Self {
        Checked {
            base,
            ours,
            theirs,
            clusters,
            resolved,
            result: OnceCell::new(),
            solid_result: OnceCell::new(),
            solid_sides: OnceCell::new(),
        }
    }

    /// The clean clusters' merge: base lines between clusters, each clean cluster's lines.
    fn result(&self) -> &[&'a str] {
        self.result.get_or_init(|| {
            let mut result: Vec<&'a str> = Vec::with_capacity(self.base.lines.len());
            let mut pos = 0;
            for (c, h) in self.clusters.iter().zip(self.resolved) {
                result.extend_from_slice(&self.base.lines[pos..c.start]);
                if let Hunk::Clean { lines, .. } = h {
                    result.extend_from_slice(lines);
                }
                pos = c.end;
            }
            result.extend_from_slice(&self.base.lines[pos..]);
            result
        })
    }

    /// [`Self::result`] as [`solid`] lines.
    fn solid_result(&self) -> &[&'a str] {
        self.solid_result.get_or_init(|| solid(self.result()))
    }

    /// Ours' and theirs' [`solid`] lines.
    fn solid_sides(&self) -> (&[&'a str], &[&'a str]) {
        let (o, t) = self
            .solid_sides
            .get_or_init(|| (solid(&self.ours.lines), solid(&self.theirs.lines)));
        (o, t)
    }

    fn text(&self, side: Side) -> &'c Text<'a> {
        if side == Side::Ours {
            self.ours
        } else {
            self.theirs
        }
    }

    /// The keys (`keys` of the lines each edit adds) that each clean cluster adds on `side`,
    /// with the clusters adding each.
    fn added<K: std::hash::Hash + Eq>(
        &self,
        side: Side,
        keys: impl Fn(&[&'a str]) -> Vec<K>,
    ) -> HashMap<K, Vec<usize>> {
        let text = self.text(side);
        let mut map: HashMap<K, Vec<usize>> = HashMap::new();
        for (i, c) in self.clusters.iter().enumerate() {
            if matches!(self.resolved[i], Hunk::Conflict { .. }) {
                continue;
            }
            for e in cluster::of(c, side) {
                for k in keys(&text.lines[e.side.0..e.side.1]) {
                    map.entry(k).or_default().push(i);
                }
            }
        }
        map
    }
}

/// The keys both sides add, with the clusters adding each on each side, where some cluster of
/// ours adding it is not one of theirs' (added at one place by both is one identical change).
fn shared<'m, K: std::hash::Hash + Eq>(
    by_ours: &'m HashMap<K, Vec<usize>>,
    by_theirs: &'m HashMap<K, Vec<usize>>,
) -> Vec<(&'m K, &'m [usize], &'m [usize])> {
    by_ours
        .iter()
        .filter_map(|(k, o)| by_theirs.get(k).map(|t| (k, o.as_slice(), t.as_slice())))
        .filter(|(_, o, t)| o.iter().any(|i| !t.contains(i)))
        .collect()
}

/// How often `key` occurs as a run in `lines`.
fn count_block(lines: &[&str], key: &[&str]) -> usize {
    lines.windows(key.len()).filter(|w| *w == key).count()
}

/// Clusters a clean merge would use to write one block twice: both sides add the same block
/// (three neighbouring lines, two of them wordy) in different places, as when both move a function to
/// different places or both add the same helper at different points. Only the clusters that add
/// the block conflict; the unchanged lines between them stay clean.
fn duplicated_blocks(checked: &Checked<'_, '_>) -> Vec<usize> {
    fn pairs<'a>(lines: &[&'a str]) -> Vec<Pair<'a>> {
        let nb = solid(lines);
        let size = nb.len().min(3);
        if size < 2 {
            return Vec::new();
        }
        nb.windows(size)
            .filter(|w| w.iter().filter(|l| wordy(l)).count() >= 2)
            .map(<[&str]>::to_vec)
            .collect()
    }
    // The blocks each clean cluster adds, per side.
    let by_ours = checked.added(Side::Ours, pairs);
    if by_ours.is_empty() {
        return Vec::new();
    }
    let by_theirs = checked.added(Side::Theirs, pairs);
    let shared = shared(&by_ours, &by_theirs);
    if shared.is_empty() {
        return Vec::new();
    }
    // A block is written twice when the result has it more often than either side.
    let (result, (in_ours, in_theirs)) = (checked.solid_result(), checked.solid_sides());
    let mut out = Vec::new();
    for (key, o, t) in shared {
        let r = count_block(result, key);
        if r > count_block(in_ours, key).max(count_block(in_theirs, key)) {
            out.extend(o.iter().chain(t.iter()).copied());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a trimmed line is the entry of a key in a data file: `"key": value` (JSON, YAML,
/// Python dicts), `key = value` (TOML, INI, `.env`) or `key: value` (YAML). A key names one thing
/// in its table, so the same entry written twice is a duplicate, never a repetition that means
/// something (unlike `if host is None:` or `return x`, which legitimately recur).
fn key_line(line: &str) -> bool {
    let line = line.trim().trim_start_matches("- ");
    let rest = if let Some(q) = line.chars().next().filter(|c| *c == '"' || *c == '\'') {
        match line[1..].find(q) {
            Some(end) if end > 0 => &line[end + 2..],
            _ => return false,
        }
    } else {
        let end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(line.len());
        if end == 0 {
            return false;
        }
        &line[end..]
    };
    let rest = rest.trim_start();
    let value = if let Some(v) = rest.strip_prefix(':') {
        v
    } else if let Some(v) = rest.strip_prefix('=').filter(|v| !v.starts_with('=')) {
        v
    } else {
        return false;
    };
    // A value must follow: `key:` alone opens a block (or ends a Python header).
    !value.trim().trim_end_matches(',').is_empty()
}

/// A key entry as [`duplicated_keys`] compares it: trimmed, without the comma that separates it
/// from the next entry (JSON, TOML arrays), so the same entry added last and in the middle match.
fn entry(line: &str) -> &str {
    line.trim().trim_end_matches(',').trim_end()
}

/// Where the table `lines[i]` belongs to opens: the index of the nearest line above it indented
/// less (a JSON object, a YAML mapping, a Python block), or for an unindented line of the nearest
/// `[table]` header above it (TOML, INI); `None` at the top level. A position, not a text: two
/// look-alike blocks (`with server as (host, port):` in two tests) are two tables.
fn parent_line(lines: &[&str], i: usize) -> Option<usize> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(lines[i]);
    lines[..i].iter().rposition(|l| {
        let t = l.trim();
        !t.is_empty()
            && if own == 0 {
                t.starts_with('[')
            } else {
                indent(l) < own
            }
    })
}

/// Clusters a clean merge would use to write one key entry twice: both sides add the same entry
/// (a line [`key_line`] accepts, absent from the base) in different places, as when each side adds
/// the same dependency at a different position of `package.json` or `pyproject.toml`, and the
/// result then holds it more often than either side, twice in one table (under the same
/// [`parent_line`]: the same field added to two different classes is no duplicate). A block of several lines is caught by
/// [`duplicated_blocks`]; a single line is only trusted to be a duplicate when it names a key,
/// since a table cannot hold one key twice. Only the clusters that add the entry conflict, so an
/// entry one side adds twice on purpose (its own count) stays clean, and so does an entry both add
/// at the same point (one cluster, merged as an identical change).
fn duplicated_keys(checked: &Checked<'_, '_>) -> Vec<usize> {
    fn keys<'a>(lines: &[&'a str]) -> Vec<&'a str> {
        solid(lines)
            .into_iter()
            .filter(|l| key_line(l))
            .map(entry)
            .collect()
    }
    let by_ours = checked.added(Side::Ours, keys);
    if by_ours.is_empty() {
        return Vec::new();
    }
    let by_theirs = checked.added(Side::Theirs, keys);
    let shared = shared(&by_ours, &by_theirs);
    if shared.is_empty() {
        return Vec::new();
    }
    let count = |lines: &[&str], key: &str| lines.iter().filter(|l| entry(l) == key).count();
    let (base, ours, theirs) = (checked.base, checked.ours, checked.theirs);
    let result = checked.result();
    let mut out = Vec::new();
    for (key, o, t) in shared {
        if count(&base.lines, key) > 0 {
            continue;
        }
        if count(result, key) <= count(&ours.lines, key).max(count(&theirs.lines, key)) {
            continue;
        }
        // Twice in one table: two copies under the same parent line.
        let mut parents: Vec<Option<usize>> = (0..result.len())
            .filter(|&i| entry(result[i]) == *key)
            .map(|i| parent_line(result, i))
            .collect();
        let n = parents.len();
        parents.sort_unstable();
        parents.dedup();
        if parents.len() < n {
            out.extend(o.iter().chain(t.iter()).copied());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Clusters a clean merge would use to drop a block both sides keep: each side removes one of
/// several copies (three neighbouring lines, two of them wordy), the diffs pick different copies,
/// and the result holds the block fewer times than either side does (two look-alike sections
/// both sides removed one of, which the result removes both of). Which copy each side removed is
/// its alignment's guess, so the clusters that remove it conflict.
fn dropped_blocks<'a>(checked: &Checked<'_, 'a>) -> Vec<usize> {
    let base = checked.base;
    // The blocks each clean cluster removes from the base, either side.
    let mut removed: HashMap<Pair<'a>, Vec<usize>> = HashMap::new();
    for (i, c) in checked.clusters.iter().enumerate() {
        if matches!(checked.resolved[i], Hunk::Conflict { .. }) {
            continue;
        }
        for side in [Side::Ours, Side::Theirs] {
            for e in cluster::of(c, side) {
                let nb = solid(&base.lines[e.base.0..e.base.1]);
                if nb.len() < 3 {
                    continue;
                }
                for w in nb
                    .windows(3)
                    .filter(|w| w.iter().filter(|l| wordy(l)).count() >= 2)
                {
                    removed.entry(w.to_vec()).or_default().push(i);
                }
            }
        }
    }
    if removed.is_empty() {
        return Vec::new();
    }
    let (result, (in_ours, in_theirs)) = (checked.solid_result(), checked.solid_sides());
    let mut out = Vec::new();
    for (key, by) in removed {
        if count_block(result, &key) < count_block(in_ours, &key).min(count_block(in_theirs, &key))
        {
            out.extend(by);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Where each line (by number) occurs in a text.
type LineIndex = HashMap<u32, Vec<usize>>;

/// Most lines of context looked at on each side of a change to find where it is.
const MAX_CONTEXT: usize = 12;

/// Clean clusters changed by one side only whose surroundings the other side copied or removed
/// a copy of. The change is placed by the base lines around it; when the other side holds those
/// lines a different number of times than the base (a duplicated job, a deleted look-alike
/// function), which copy the change belongs to is the alignment's guess, so it conflicts. The
/// context is the nearest lines on both sides, grown until it is unique in the base and in the
/// other side (or `MAX_CONTEXT` lines each way).
fn ambiguous_context(
    ids: &Interned,
    clusters: &[Cluster],
    resolved: &[Hunk<'_>],
    (ours_edits, theirs_edits): (&[Edit], &[Edit]),
) -> Vec<usize> {
    // Only a side that inserts or removes lines can change how often a stretch occurs (a
    // replacement of seven lines by one removes a copy as surely as a deletion does); one that
    // only rewrites single lines in place leaves every copy where it was.
    let moves_blocks = |edits: &[Edit]| {
        edits
            .iter()
            .any(|e| (e.base.1 - e.base.0).abs_diff(e.side.1 - e.side.0) >= 2)
    };
    let (ours_blocks, theirs_blocks) = (moves_blocks(ours_edits), moves_blocks(theirs_edits));
    if !resolved.iter().any(|h| {
        matches!(
            h,
            Hunk::Clean {
                origin: Origin::Ours | Origin::Theirs,
                ..
            }
        )
    }) {
        return Vec::new();
    }
    // Where each line occurs, per text, so a window is looked up only where its first line is;
    // built on first need (most changes hold a line unique to both texts).
    let index = |text: &[u32]| -> HashMap<u32, Vec<usize>> {
        let mut map: HashMap<u32, Vec<usize>> = HashMap::with_capacity(text.len());
        for (i, id) in text.iter().enumerate() {
            map.entry(*id).or_default().push(i);
        }
        map
    };
    let mut indexes: Option<[HashMap<u32, Vec<usize>>; 3]> = None;
    let count = |text: &[u32], at: &HashMap<u32, Vec<usize>>, window: &[u32]| -> usize {
        let Some(first) = window.first() else {
            return 0;
        };
        at.get(first).map_or(0, |starts| {
            starts
                .iter()
                .filter(|&&p| text.get(p..p + window.len()) == Some(window))
                .count()
        })
    };
    // The first place `window` occurs in `text`.
    let find = |text: &[u32], at: &HashMap<u32, Vec<usize>>, window: &[u32]| -> Option<usize> {
        at.get(window.first()?)?
            .iter()
            .copied()
            .find(|&p| text.get(p..p + window.len()) == Some(window))
    };
    let mut out = Vec::new();
    for (i, (c, h)) in clusters.iter().zip(resolved).enumerate() {
        let (other, which) = match h {
            Hunk::Clean {
                origin: Origin::Ours,
                ..
            } if theirs_blocks => (&ids.theirs, 2),
            Hunk::Clean {
                origin: Origin::Theirs,
                ..
            } if ours_blocks => (&ids.ours, 1),
            _ => continue,
        };
        let n = ids.base.len();
        // A line that occurs once in the base and at most once in the other side pins the
        // change down: no window search needed.
        let other_counts = if std::ptr::eq(other, &ids.ours) {
            &ids.ours_counts
        } else {
            &ids.theirs_counts
        };
        let near = &ids.base[c.start.saturating_sub(1)..(c.end + 1).min(n)];
        if near
            .iter()
            .any(|id| ids.base_counts[*id as usize] == 1 && other_counts[*id as usize] <= 1)
        {
            continue;
        }
        let [base_at, ours_at, theirs_at] =
            indexes.get_or_insert_with(|| [index(&ids.base), index(&ids.ours), index(&ids.theirs)]);
        let other_at = if which == 1 { &*ours_at } else { &*theirs_at };
        let base_at = &*base_at;
        let mut k = 1;
        let ambiguous = loop {
            let window = &ids.base[c.start.saturating_sub(k)..(c.end + k).min(n)];
            let (in_base, in_other) = (
                count(&ids.base, base_at, window),
                count(other, other_at, window),
            );
            // The other side removed one of several copies: which one is the alignment's guess,
            // and more context cannot tell (it is the context that was removed).
            if 0 < in_other && in_other < in_base {
                break true;
            }
            let settled = in_base <= 1 && in_other <= 1;
            if settled && in_base == 1 && in_other == 1 {
                // The context is unique on both sides, so it says where the change belongs in
                // the other side; when that is not where the other side's diff put the change's
                // place (it matched the base lines there to look-alike lines it added), the
                // alignment guessed.
                let start = c.start.saturating_sub(k);
                let found = find(other, other_at, window).expect("counted once");
                let other_edits = if which == 1 { ours_edits } else { theirs_edits };
                break side_position(other_edits, c.start) != Some(found + (c.start - start));
            }
            if k >= MAX_CONTEXT || settled || window.len() == n {
                break in_other > 0 && in_other != in_base;
            }
            k += 1;
        };
        let other_edits = if which == 1 { ours_edits } else { theirs_edits };
        let ambiguous = ambiguous
            && !pinned_between_anchors(
                ids,
                (other, other_counts),
                (base_at, other_at),
                other_edits,
                (c.start, c.end),
            );
        if ambiguous && debug() {
            let window = &ids.base[c.start.saturating_sub(k)..(c.end + k).min(n)];
            eprintln!(
                "merge: ambiguous_context {}..{} k={k} in_base={} in_other={}",
                c.start,
                c.end,
                count(&ids.base, base_at, window),
                count(other, other_at, window)
            );
        }
        if ambiguous {
            out.push(i);
        }
    }
    out
}

/// Whether a change at base lines `start..end` is pinned to one copy of its context by the lines
/// around it that are unique in the base and in the other side and that the other side's diff
/// keeps (its anchors: the nearest such line above the change and below it, or the file's ends).
///
/// The rule: between those two anchors the base holds the change's context (its nearest lines,
/// up to `MAX_CONTEXT` each way) exactly once, the other side holds it exactly once too, and
/// that copy is where the other side's diff puts the change. Then the change has one place to go
/// whatever alignment keeps the anchors: any other copy of the context the other side has (one it
/// added, as a new async twin of a class) or lost (a look-alike function it deleted) lies outside
/// the anchors, on the far side of a line both texts hold once, so it cannot be the copy the
/// change was made in. An alignment that drops an anchor instead is a different alignment, and
/// [`Merge::compute`] compares the result under a second one. Twins with no unique line between
/// them (two identical jobs) hold the context twice between the same anchors and stay ambiguous.
fn pinned_between_anchors(
    ids: &Interned,
    (other, other_counts): (&[u32], &[u32]),
    (base_at, other_at): (&LineIndex, &LineIndex),
    other_edits: &[Edit],
    (start, end): (usize, usize),
) -> bool {
    let kept = |i: usize| !other_edits.iter().any(|e| e.base.0 <= i && i < e.base.1);
    let anchor = |i: &usize| {
        let id = ids.base[*i] as usize;
        ids.base_counts[id] == 1 && other_counts[id] == 1 && kept(*i)
    };
    let n = ids.base.len();
    let above = (0..start).rev().find(anchor);
    let below = (end..n).find(anchor);
    let (Some(lo_other), Some(hi_other)) = (
        above.map_or(Some(0), |a| side_position(other_edits, a)),
        below.map_or(Some(other.len()), |z| side_position(other_edits, z)),
    ) else {
        return false;
    };
    let (lo, hi) = (above.map_or(0, |a| a + 1), below.unwrap_or(n));
    let Some(at) = side_position(other_edits, start) else {
        return false;
    };
    // Occurrences of `window` in `text` that lie wholly within `lo..hi`.
    let within = |text: &[u32], index: &LineIndex, window: &[u32], lo, hi| {
        let starts = window.first().and_then(|f| index.get(f));
        starts.map_or(Vec::new(), |starts| {
            starts
                .iter()
                .copied()
                .filter(|&p| lo <= p && p + window.len() <= hi)
                .filter(|&p| text.get(p..p + window.len()) == Some(window))
                .collect::<Vec<usize>>()
        })
    };
    let lo_other = lo_other + usize::from(above.is_some());
    (1..=MAX_CONTEXT).any(|k| {
        let from = start.saturating_sub(k).max(lo);
        let window = &ids.base[from..(end + k).min(hi)];
        if window.is_empty() {
            return false;
        }
        let in_base = within(&ids.base, base_at, window, lo, hi);
        let in_other = within(other, other_at, window, lo_other, hi_other);
        in_base.len() == 1 && in_other.len() == 1 && in_other[0] + (start - from) == at
    })
}

/// Where a side's diff puts base position `at` (the gap before base line `at`): the same gap in
/// the side, after whatever the side inserted there; `None` when an edit of the side replaces
/// lines on both sides of it.
fn side_position(edits: &[Edit], at: usize) -> Option<usize> {
    let mut shift: isize = 0;
    for e in edits {
        if e.base.0 < at && at < e.base.1 {
            return None;
        }
        if e.base.1 <= at {
            shift += (e.side.1 - e.side.0) as isize - (e.base.1 - e.base.0) as isize;
        }
    }
    Some((at as isize + shift) as usize)
}

/// Clusters where one side adds a line it moved from a base line that the other side deleted or
/// changed. Merging it cleanly would keep the line at its new place and silently undo the other
/// side's deletion (or drop its change); so the cluster at the move's target conflicts.
///
/// Not when the other side's change of that line is one this side made too, word for word, and it
/// writes new lines there ([`rewritten_alike`]: both turned `flask --debug run` into `flask run
/// --debug`). Then the line is no move: this side rewrote it in place exactly as the other did,
/// so nothing of the other side's change is dropped or undone, and the copy of the old line it
/// writes elsewhere (an example quoting the old form) is new text of its own, merged like any
/// other insertion. A change that only deletes is not enough: moving a line away deletes it too,
/// so two deletions that agree can still be a move against a deletion.
fn moved_and_deleted<'a>(
    base: &Text<'a>,
    ours: &Text<'a>,
    theirs: &Text<'a>,
    clusters: &[Cluster],
    resolved: &[Hunk<'a>],
) -> Vec<usize> {
    let mut out = Vec::new();
    for (side, text, other, other_text) in [
        (Side::Ours, ours, Side::Theirs, theirs),
        (Side::Theirs, theirs, Side::Ours, ours),
    ] {
        // Every edit of each side, with its cluster.
        let edits_of = |s: Side| -> Vec<(cluster::Tagged, usize)> {
            let mut v: Vec<(cluster::Tagged, usize)> = clusters
                .iter()
                .enumerate()
                .flat_map(|(i, c)| {
                    c.members
                        .iter()
                        .filter(|m| m.side == s)
                        .map(move |m| (*m, i))
                })
                .collect();
            v.sort_by_key(|(t, _)| t.edit.base);
            v
        };
        let (mine, theirs_edits) = (edits_of(side), edits_of(other));
        // Substantive base lines this side deletes, by content.
        let mut deleted: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (t, _) in &mine {
            for i in t.edit.base.0..t.edit.base.1 {
                let l = base.lines[i].trim();
                if l.len() >= 4 && wordy(l) {
                    deleted.entry(l).or_default().push(i);
                }
            }
        }
        if deleted.is_empty() {
            continue;
        }
        for (t, ci) in &mine {
            let e = &t.edit;
            if matches!(resolved[*ci], Hunk::Conflict { .. }) {
                continue;
            }
            let added = &text.lines[e.side.0..e.side.1];
            let hit = added.iter().any(|l| {
                let l = l.trim();
                deleted.get(l).into_iter().flatten().any(|&i| {
                    // Not a line this very edit replaces (an edit in place is no move).
                    if e.base.0 <= i && i < e.base.1 {
                        return false;
                    }
                    // The other side deleted or changed base line i (or, among look-alike
                    // lines, one it could be: its claim), and does not add it itself where
                    // this side does; unless both sides rewrote that place alike (see the doc
                    // comment).
                    let gone = theirs_edits.iter().any(|(o, oc)| {
                        o.claim.0 <= i
                            && i < o.claim.1
                            && !other_text.lines[o.edit.side.0..o.edit.side.1]
                                .iter()
                                .any(|x| x.trim() == l)
                            && !rewritten_alike(&clusters[*oc], &resolved[*oc], side)
                    });
                    let follows = theirs_edits.iter().any(|(o, oc)| {
                        oc == ci
                            && other_text.lines[o.edit.side.0..o.edit.side.1]
                                .iter()
                                .any(|x| x.trim() == l)
                    });
                    gone && !follows
                })
            });
            if hit {
                out.push(*ci);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether `cluster` is a change both sides made alike (resolved as [`Origin::Both`]) that holds
/// an edit of `side` and writes new lines: not a deletion on both sides.
fn rewritten_alike(cluster: &Cluster, resolved: &Hunk<'_>, side: Side) -> bool {
    matches!(
        resolved,
        Hunk::Clean {
            origin: Origin::Both,
            ..
        }
    ) && cluster.members.iter().any(|m| m.side == side)
        && cluster.members.iter().any(|m| m.side != side)
        && cluster.members.iter().all(|m| !m.edit.is_deletion())
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

#[cfg(test)]
mod tests;
