//! One side's changes against the base, as [`Edit`]s, under a chosen alignment; and how far each
//! edit could slide over equal lines and still describe the same change (its claim).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use similar::{Algorithm, DiffOp};

use super::Text;

/// One side's change: base lines `base` replaced by side lines `side`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Edit {
    pub base: (usize, usize),
    pub side: (usize, usize),
}

impl Edit {
    pub fn is_insertion(&self) -> bool {
        self.base.0 == self.base.1
    }

    pub fn is_deletion(&self) -> bool {
        self.side.0 == self.side.1
    }
}

/// A hash map with a fast, non-cryptographic hasher (FxHash's multiply-rotate): the keys are
/// the file's own lines, and hashing them with SipHash was a third of the merge's time.
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The three texts with each distinct line replaced by a number: diffs compare numbers, not
/// strings, which is what keeps four diffs per merge cheap.
pub(super) struct Interned {
    pub base: Vec<u32>,
    pub ours: Vec<u32>,
    pub theirs: Vec<u32>,
    /// How many distinct lines the three texts have.
    pub distinct: usize,
    /// How often each line (by number) occurs in each text.
    pub base_counts: Vec<u32>,
    pub ours_counts: Vec<u32>,
    pub theirs_counts: Vec<u32>,
}

impl Interned {
    pub fn new<'a>(base: &Text<'a>, ours: &Text<'a>, theirs: &Text<'a>) -> Interned {
        let mut ids: FastMap<&'a str, u32> = FastMap::default();
        ids.reserve(base.lines.len() + 16);
        let mut intern = |lines: &[&'a str]| -> Vec<u32> {
            lines
                .iter()
                .map(|l| {
                    let next = ids.len() as u32;
                    *ids.entry(*l).or_insert(next)
                })
                .collect()
        };
        let base = intern(&base.lines);
        let ours = intern(&ours.lines);
        let theirs = intern(&theirs.lines);
        let distinct = ids.len();
        let counts = |text: &[u32]| {
            let mut c = vec![0u32; distinct];
            text.iter().for_each(|id| c[*id as usize] += 1);
            c
        };
        Interned {
            distinct,
            base_counts: counts(&base),
            ours_counts: counts(&ours),
            theirs_counts: counts(&theirs),
            base,
            ours,
            theirs,
        }
    }
}

/// How the lines of a side are matched with the base's. `Forward` and `Backward` anchor on lines
/// unique to both texts (patience); between anchors, where equal lines repeat, they choose from
/// opposite ends, so where a choice among look-alike lines decides a merge, the two disagree.
/// `Minimal` is git's default (Myers: fewest lines changed, no anchors), which disagrees with both
/// where a unique line could be kept at one place or rewritten in another at the same cost; the
/// replay of moves uses it too (the merge itself does not: it would refuse the look-alike blocks
/// patience aligns right and Myers does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Alignment {
    Forward,
    Backward,
    Minimal,
}

/// The edits that turn `base` into `side` under `alignment`, each a maximal run of changed
/// lines. Lines are compared by their keys (any equality: the lines themselves, say).
#[cfg(test)]
pub(super) fn edits<'k, T: Eq + std::hash::Hash>(
    alignment: Alignment,
    (base_keys, side_keys): (&'k [T], &'k [T]),
    base: &[&str],
    side: &[&str],
) -> Vec<Edit> {
    let mut ids: FastMap<&'k T, u32> = FastMap::default();
    ids.reserve(base_keys.len() + side_keys.len());
    let mut number = |text: &'k [T]| -> Vec<u32> {
        let mut v = Vec::with_capacity(text.len());
        for k in text {
            let next = ids.len() as u32;
            v.push(*ids.entry(k).or_insert(next));
        }
        v
    };
    let (b, s) = (number(base_keys), number(side_keys));
    let distinct = ids.len();
    edits_numbered(alignment, (&b, &s), distinct, base, side)
}

/// [`edits`] for lines already numbered `0..distinct` (see [`Interned`]).
pub(super) fn edits_numbered(
    alignment: Alignment,
    (base_keys, side_keys): (&[u32], &[u32]),
    distinct: usize,
    base: &[&str],
    side: &[&str],
) -> Vec<Edit> {
    let mut raw: Vec<Edit> = Vec::new();
    match alignment {
        Alignment::Forward => raw = patience(base_keys, side_keys, distinct),
        Alignment::Minimal => {
            for op in similar::capture_diff_slices(similar::Algorithm::Myers, base_keys, side_keys)
            {
                if op.tag() != similar::DiffTag::Equal {
                    let (b, s) = (op.old_range(), op.new_range());
                    raw.push(Edit {
                        base: (b.start, b.end),
                        side: (s.start, s.end),
                    });
                }
            }
        }
        Alignment::Backward => {
            let rev = |k: &[u32]| k.iter().rev().copied().collect::<Vec<u32>>();
            let (b, s) = (rev(base_keys), rev(side_keys));
            let (nb, ns) = (b.len(), s.len());
            for e in patience(&b, &s, distinct).iter().rev() {
                raw.push(Edit {
                    base: (nb - e.base.1, nb - e.base.0),
                    side: (ns - e.side.1, ns - e.side.0),
                });
            }
        }
    }
    let mut out: Vec<Edit> = Vec::with_capacity(raw.len());
    for e in raw {
        push_edit(&mut out, e);
    }
    slide_to_best((base_keys, side_keys), base, side, out)
}

/// Patience diff: lines unique to both ranges, in an increasing run, anchor the alignment; the
/// gaps between anchors are aligned the same way, and Myers aligns a gap with no unique lines.
/// Lines are numbered densely first, so the counting needs no hashing: this is what keeps four
/// diffs per merge near the cost of one.
fn patience(b: &[u32], s: &[u32], distinct: usize) -> Vec<Edit> {
    let mut scratch = Scratch {
        in_base: vec![0; distinct],
        in_side: vec![0; distinct],
        at_base: vec![0; distinct],
    };
    let mut matches: Vec<(usize, usize, usize)> = Vec::new();
    align(b, s, (0, b.len()), (0, s.len()), &mut scratch, &mut matches);
    matches.sort_unstable();
    // The edits are the gaps between matched runs.
    let mut out = Vec::new();
    let (mut pb, mut ps) = (0, 0);
    for (mb, ms, len) in matches
        .into_iter()
        .chain(std::iter::once((b.len(), s.len(), 0)))
    {
        if mb > pb || ms > ps {
            out.push(Edit {
                base: (pb, mb),
                side: (ps, ms),
            });
        }
        (pb, ps) = (mb + len, ms + len);
    }
    out
}

/// Per-line counters for [`align`], kept zeroed between calls.
struct Scratch {
    in_base: Vec<u32>,
    in_side: Vec<u32>,
    at_base: Vec<usize>,
}

/// Appends the matched runs `(base, side, len)` of `b[bl..bh]` against `s[sl..sh]`.
fn align(
    b: &[u32],
    s: &[u32],
    (bl, bh): (usize, usize),
    (sl, sh): (usize, usize),
    scratch: &mut Scratch,
    out: &mut Vec<(usize, usize, usize)>,
) {
    // No trimming of equal ends first: lines repeated there would look unique inside.
    if bl == bh || sl == sh {
        return;
    }
    // Equal ranges match whole, as any alignment matches them (most gaps between anchors are
    // unchanged: this skips their counting and a Myers diff each).
    if bh - bl == sh - sl && b[bl..bh] == s[sl..sh] {
        out.push((bl, sl, bh - bl));
        return;
    }
    for (i, &id) in b.iter().enumerate().take(bh).skip(bl) {
        scratch.in_base[id as usize] += 1;
        scratch.at_base[id as usize] = i;
    }
    for &id in &s[sl..sh] {
        scratch.in_side[id as usize] += 1;
    }
    // Lines unique in both ranges, in side order, with their base positions.
    let unique: Vec<(usize, usize)> = (sl..sh)
        .filter(|&j| {
            let id = s[j] as usize;
            scratch.in_base[id] == 1 && scratch.in_side[id] == 1
        })
        .map(|j| (scratch.at_base[s[j] as usize], j))
        .collect();
    for &id in &b[bl..bh] {
        scratch.in_base[id as usize] = 0;
    }
    for &id in &s[sl..sh] {
        scratch.in_side[id as usize] = 0;
    }
    let anchors = longest_increasing(&unique);
    if anchors.is_empty() {
        for op in similar::capture_diff(Algorithm::Myers, b, bl..bh, s, sl..sh) {
            if let DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = op
            {
                out.push((old_index, new_index, len));
            }
        }
        return;
    }
    let (mut pb, mut ps) = (bl, sl);
    for (ab, at_side) in anchors {
        align(b, s, (pb, ab), (ps, at_side), scratch, out);
        out.push((ab, at_side, 1));
        (pb, ps) = (ab + 1, at_side + 1);
    }
    align(b, s, (pb, bh), (ps, sh), scratch, out);
}

/// The longest run of `pairs` (sorted by side position) whose base positions increase.
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // Patience sorting: `tails[k]` ends the best run of length k + 1; `prev` links back.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (i, &(base, _)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].0 < base);
        if k > 0 {
            prev[i] = Some(tails[k - 1]);
        }
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        run.push(pairs[i]);
        at = prev[i];
    }
    run.reverse();
    run
}

/// Appends `e`, joining it to the previous edit when they touch.
fn push_edit(out: &mut Vec<Edit>, e: Edit) {
    match out.last_mut() {
        Some(prev) if prev.base.1 == e.base.0 && prev.side.1 == e.side.0 => {
            prev.base.1 = e.base.1;
            prev.side.1 = e.side.1;
        }
        _ => out.push(e),
    }
}

/// Each pure deletion and insertion moved, over equal lines, to the place where it reads as a
/// whole block (see [`best_place`]). Two alignments that differ only in where they put such an
/// edit then give the same edits, so the merge does not depend on the diff's pick.
fn slide_to_best<T: Eq>(
    (base_keys, side_keys): (&[T], &[T]),
    base: &[&str],
    side: &[&str],
    edits: Vec<Edit>,
) -> Vec<Edit> {
    let slides = slide_ranges(base_keys, side_keys, &edits);
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for (e, (lo, hi)) in edits.into_iter().zip(slides) {
        let n = if e.is_insertion() {
            0
        } else {
            e.base.1 - e.base.0
        };
        let pure = e.is_insertion() != e.is_deletion();
        let moved = if pure && hi - lo > n {
            let s = e.base.0;
            // Candidate starts lo..=hi-n; the block at start q is base[q..q+n] (deletion) or the
            // side's lines shifted by q - s (insertion).
            let first_line = |q: usize| -> &str {
                if e.is_insertion() {
                    side[(e.side.0 as isize + q as isize - s as isize) as usize]
                } else {
                    base[q]
                }
            };
            let q = best_place(base, lo, hi - n, first_line);
            let shift = q as isize - s as isize;
            let by = |x: usize| (x as isize + shift) as usize;
            Edit {
                base: (by(e.base.0), by(e.base.1)),
                side: (by(e.side.0), by(e.side.1)),
            }
        } else {
            e
        };
        push_edit(&mut out, moved);
    }
    out
}

/// Among block starts `lo..=hi`, the one whose first line is not blank and least indented, after
/// a blank line (or at the top), latest first on ties: git's indent heuristic in short. It puts
/// an added or deleted function's blank lines after it, never splits it from its header, and
/// keeps look-alike neighbours whole.
fn best_place<'a>(
    base: &[&'a str],
    lo: usize,
    hi: usize,
    first_line: impl Fn(usize) -> &'a str,
) -> usize {
    (lo..=hi)
        .min_by_key(|&q| (place_score(base, q, first_line(q)), std::cmp::Reverse(q)))
        .unwrap_or(lo)
}

/// How well a block starting at base position `q` with `line` reads as a whole (lower is better).
fn place_score(base: &[&str], q: usize, line: &str) -> (bool, usize, bool) {
    let blank = line.trim().is_empty();
    // Appended at the end of the file, a block that opens with blank lines is a new section.
    if q == base.len() && q > 0 && blank {
        return (false, 0, false);
    }
    let indent = line.len() - line.trim_start().len();
    let after_blank = q == 0 || base[q - 1].trim().is_empty();
    (blank, indent, !after_blank)
}

/// The base range each edit claims: a deletion its whole slide range; an insertion the span of
/// the places that read as well as the one chosen (a look-alike block inserted among its twins
/// could be any of them; a block that only reads whole in one place is there); a replacement its
/// own lines; an insertion that slides over its own length (a duplicated block) claims its whole
/// slide range. Any edit whose new lines end with a copy of the base lines after it, or begin with
/// a copy of those before it, also claims those base lines.
pub(super) fn claims(
    (base_keys, side_keys): (&[u32], &[u32]),
    base: &[&str],
    side: &[&str],
    edits: &[Edit],
) -> Vec<(usize, usize)> {
    let slides = slide_ranges(base_keys, side_keys, edits);
    edits
        .iter()
        .zip(slides)
        .map(|(e, (lo, hi))| {
            let (s, t) = e.base;
            let (mut from, mut to) = (lo, hi);
            // An inserted block that slides over its own length duplicates the base lines beside
            // it: which copy is the new one is unknowable, so it claims the whole range.
            let duplicates = hi - lo >= e.side.1 - e.side.0;
            if e.is_insertion() && lo < hi && !duplicates {
                let first = |q: usize| side[(e.side.0 as isize + q as isize - s as isize) as usize];
                let best = place_score(base, s, first(s));
                let ties: Vec<usize> = (lo..=hi)
                    .filter(|&q| place_score(base, q, first(q)) == best)
                    .collect();
                (from, to) = (ties[0].min(s), ties[ties.len() - 1].max(s));
            }
            // A block that ends with a copy of the base lines after it (or starts with a copy of
            // those before it) could as well be those base lines, with the copy inserted beyond
            // them: an edit of the other side there could belong to either copy.
            let inserted = &side_keys[e.side.0..e.side.1];
            let after = (1..=inserted.len().min(base_keys.len() - t))
                .filter(|&m| inserted[inserted.len() - m..] == base_keys[t..t + m])
                .max()
                .unwrap_or(0);
            let before = (1..=inserted.len().min(s))
                .filter(|&m| inserted[..m] == base_keys[s - m..s])
                .max()
                .unwrap_or(0);
            // The same holds when the new lines hold, anywhere inside, a copy of base lines
            // beside the edit that the side keeps beside it too: the diff matched one of the two
            // copies by its own choice, at equal cost. Only copies holding a wordy line count (a
            // blank or a lone bracket repeats everywhere and decides nothing).
            // A replacement's copy of blank lines alone counts too: `a2`, blank, `X` for `a1`
            // before a blank line can as well be `a2`, the blank kept, and `X` plus a blank
            // inserted after it, where the other side may insert as well (see
            // `touching_edits_interact`).
            let replaced = !e.is_insertion();
            let after = after.max(inner_copy(base_keys, side_keys, base, e, true, replaced));
            let before = before.max(inner_copy(base_keys, side_keys, base, e, false, replaced));
            let after = after.max(removed_copy(base_keys, side_keys, base, e, true));
            let before = before.max(removed_copy(base_keys, side_keys, base, e, false));
            (from.min(s - before), to.max(t + after))
        })
        .collect()
}

/// The mirror of [`inner_copy`]: how many base lines right after edit `e` (before it, `after ==
/// false`) the side keeps there while the base lines `e` removes hold a copy of them. Another
/// alignment, as cheap, keeps that copy instead and removes the lines beside the edit (a section
/// deleted together with the end of the one before it, which the diff reads as the end of the
/// next one kept); an edit of the other side there could belong to either copy. Runs with a
/// wordy line only; a pure deletion's own slide is left to its slide range.
fn removed_copy(
    base_keys: &[u32],
    side_keys: &[u32],
    base: &[&str],
    e: &Edit,
    after: bool,
) -> usize {
    let (s, t) = e.base;
    let mut best = 0;
    let first = usize::from(e.is_deletion());
    for k in first..t - s {
        // The copy starts `k` lines into the removed range, walking away from the edit's side.
        let mut run = 0;
        let mut has_word = false;
        loop {
            let (copy, beside, kept) = if after {
                (s + k + run, t + run, e.side.1 + run)
            } else {
                let Some(c) = (t - k).checked_sub(run + 1) else {
                    break;
                };
                let (Some(b), Some(k2)) = (s.checked_sub(run + 1), e.side.0.checked_sub(run + 1))
                else {
                    break;
                };
                (c, b, k2)
            };
            if beside >= base_keys.len()
                || kept >= side_keys.len()
                || base_keys[copy] != base_keys[beside]
                || side_keys[kept] != base_keys[beside]
            {
                break;
            }
            has_word |= base[beside].chars().any(char::is_alphanumeric);
            run += 1;
        }
        if has_word {
            best = best.max(run);
        }
    }
    best
}

/// How many base lines right after edit `e` (or right before it, `after == false`) another
/// alignment, as cheap, would match elsewhere: the side keeps those base lines beside the edit,
/// and its new lines also start a copy of them (a copy that may run on past the new lines into
/// the kept ones, as when a block is inserted next to its twin). The longest such run that holds
/// a wordy line, or the longest at all with `blank_ok`.
fn inner_copy(
    base_keys: &[u32],
    side_keys: &[u32],
    base: &[&str],
    e: &Edit,
    after: bool,
    blank_ok: bool,
) -> usize {
    // Base line `j` steps away from the edit, and the side line `j` steps away from side
    // position `from` (walking down after the edit, up before it).
    let base_at = |j: usize| -> Option<usize> {
        let b = if after {
            e.base.1 + j
        } else {
            e.base.0.checked_sub(j + 1)?
        };
        (b < base_keys.len()).then_some(b)
    };
    let side_at = |from: usize, j: usize| -> Option<usize> {
        let s = if after {
            from + j
        } else {
            from.checked_sub(j + 1)?
        };
        (s < side_keys.len()).then_some(s)
    };
    let kept_from = if after { e.side.1 } else { e.side.0 };
    let mut best = 0;
    // Each place inside the new lines where the copy could start. An insertion whose copy
    // starts at its first line (its last, before it) slides over the copy instead: its place is
    // decided by the slide range (a block that reads whole in one place is there).
    let first = usize::from(e.is_insertion());
    for k in first..e.side.1 - e.side.0 {
        let from = if after { e.side.0 + k } else { e.side.1 - k };
        let mut run = 0;
        let mut has_word = false;
        while let (Some(b), Some(kept), Some(copy)) =
            (base_at(run), side_at(kept_from, run), side_at(from, run))
        {
            if base_keys[b] != side_keys[kept] || base_keys[b] != side_keys[copy] {
                break;
            }
            has_word |= base[b].chars().any(char::is_alphanumeric);
            run += 1;
        }
        if has_word || blank_ok {
            best = best.max(run);
        }
    }
    best
}

/// How far each pure deletion or insertion of `edits` can slide over equal lines, between the
/// side's neighbouring edits, and still produce the same side text: base range `(lo, hi)`.
///
/// Deleting base `s..e` is the same change as deleting `s+1..e+1` when `base[s] == base[e]`;
/// inserting `L` at `p` is the same as inserting `L` rotated at `p+1` when `base[p] == L[0]`. The
/// diff picks one of these places arbitrarily; where the other side edits inside the slide range,
/// which line that edit applies to depends on that arbitrary pick, so the merge must treat the
/// whole range as touched. A replacement does not slide (its first and last lines differ from
/// the base lines it replaces, or the diff would have matched them).
pub(super) fn slide_ranges<T: Eq>(base: &[T], side: &[T], edits: &[Edit]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(edits.len());
    for (i, e) in edits.iter().enumerate() {
        let floor = if i > 0 { edits[i - 1].base.1 } else { 0 };
        let ceiling = edits.get(i + 1).map_or(base.len(), |n| n.base.0);
        let (s, t) = e.base;
        if e.is_deletion() && !e.is_insertion() {
            let mut lo = s;
            while lo > floor && base[lo - 1] == base[lo - 1 + (t - s)] {
                lo -= 1;
            }
            let mut hi = t;
            while hi < ceiling && base[hi] == base[hi - (t - s)] {
                hi += 1;
            }
            out.push((lo, hi));
        } else if e.is_insertion() {
            let lines = &side[e.side.0..e.side.1];
            let n = lines.len();
            // Sliding up by k rotates the inserted block; its k-th line from the end must match.
            let mut lo = s;
            while lo > floor && base[lo - 1] == lines[(n - 1 - (s - lo) % n) % n] {
                lo -= 1;
            }
            let mut hi = s;
            while hi < ceiling && base[hi] == lines[(hi - s) % n] {
                hi += 1;
            }
            out.push((lo, hi));
        } else {
            out.push(e.base);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_twin_slides_over_the_other() {
        let base = ["j", "x", "j", "x", "end"];
        let side = ["j", "x", "end"];
        let e = edits(Alignment::Forward, (&base, &side), &base, &side);
        assert_eq!(e.len(), 1);
        assert_eq!(slide_ranges(&base, &side, &e), [(0, 4)]);
    }

    #[test]
    fn an_insertion_slides_over_equal_lines() {
        let base = ["a", "", "b"];
        let side = ["a", "", "", "b"];
        let e = edits(Alignment::Backward, (&base, &side), &base, &side);
        let (lo, hi) = slide_ranges(&base, &side, &e)[0];
        assert_eq!((lo, hi), (1, 2));
    }

    #[test]
    fn a_replacement_does_not_slide() {
        let base = ["a", "b", "a"];
        let side = ["a", "c", "a"];
        let e = edits(Alignment::Backward, (&base, &side), &base, &side);
        assert_eq!(slide_ranges(&base, &side, &e), [(1, 2)]);
    }
}
