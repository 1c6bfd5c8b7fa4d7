//! Merging across a moved block. When one side moves a block of lines unchanged and the other side
//! edits inside it (or next to where it lands), a line merge sees delete-versus-modify and
//! conflicts. Here the move is replayed first, on the base and on the other side, so the merge
//! compares like with like: the other side's edits travel with the block to its new place.
//!
//! This only runs after the plain merge conflicted, and its result is used only when it is clean.
//! Every ambiguity (an insertion exactly at a block boundary or at the target, an edit straddling
//! either) gives up and leaves the plain merge's conflict in place.

use super::diff::{Alignment, Edit, Interned, claims, edits_numbered, slide_ranges};
use super::{Hunk, Merge, Text};

/// A block of base lines `block` that one side moved, unchanged, to just before base line `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BlockMove {
    block: (usize, usize),
    to: usize,
}

/// Fewest lines a moved block must have: a single moved line is too likely a coincidence.
const MIN_BLOCK: usize = 2;

/// Most moves tried per side: each try is a whole merge, and a file rewritten wholesale can look
/// like hundreds of moves.
const MAX_TRIES: usize = 8;

/// A clean merge that treats one side's moved block as moved on every side, if there is one.
///
/// Which lines a side moved is itself read off an alignment, and a text that one alignment reads
/// as "this block moved down" another can read as "those blocks moved up": replaying the wrong
/// move carries the other side's edits to the wrong place. So the moves are found under each
/// alignment of [`Merge::compute`], and a result is used only when every alignment finds a clean
/// merge across a move and all of them give the same lines.
pub(super) fn merge_across_moves<'a>(
    base: &Text<'a>,
    ours: &Text<'a>,
    theirs: &Text<'a>,
) -> Option<Merge<'a>> {
    let ids = Interned::new(base, ours, theirs);
    let lines = |m: &Merge<'a>| -> Vec<&'a str> {
        m.hunks
            .iter()
            .flat_map(|h| match h {
                Hunk::Clean { lines, .. } => lines.clone(),
                Hunk::Conflict { .. } => Vec::new(),
            })
            .collect()
    };
    let mut agreed: Option<(Merge<'a>, Vec<&'a str>)> = None;
    for alignment in [Alignment::Forward, Alignment::Backward, Alignment::Minimal] {
        let merge = across_moves(alignment, &ids, base, ours, theirs)?;
        let merged = lines(&merge);
        match &agreed {
            None => agreed = Some((merge, merged)),
            Some((_, first)) if *first == merged => {}
            Some(_) => return None,
        }
    }
    agreed.map(|(merge, _)| merge)
}

/// [`merge_across_moves`] with the moves read off one alignment.
fn across_moves<'a>(
    alignment: Alignment,
    ids: &Interned,
    base: &Text<'a>,
    ours: &Text<'a>,
    theirs: &Text<'a>,
) -> Option<Merge<'a>> {
    let side = |keys: &[u32], text: &Text<'a>| {
        let e = edits_numbered(
            alignment,
            (&ids.base, keys),
            ids.distinct,
            &base.lines,
            &text.lines,
        );
        let c = claims((&ids.base, keys), &base.lines, &text.lines, &e);
        (e, c)
    };
    let (ours_edits, ours_claims) = side(&ids.ours, ours);
    let (theirs_edits, theirs_claims) = side(&ids.theirs, theirs);
    // Each side's moves in turn: the move is replayed on the other side, then merged again.
    let ours_moved = block_moves(&base.lines, &ours.lines, &ours_edits)
        .into_iter()
        .take(MAX_TRIES)
        .filter_map(|m| {
            let other = replay(&base.lines, (&theirs_edits, &theirs_claims), theirs, m)?;
            Some(Merge::compute(&moved(base, m), ours, &other))
        });
    let theirs_moved = block_moves(&base.lines, &theirs.lines, &theirs_edits)
        .into_iter()
        .take(MAX_TRIES)
        .filter_map(|m| {
            let other = replay(&base.lines, (&ours_edits, &ours_claims), ours, m)?;
            Some(Merge::compute(&moved(base, m), &other, theirs))
        });
    ours_moved
        .chain(theirs_moved)
        .find(|merge| merge.conflicts() == 0)
}

/// The blocks `side` moves: a run of base lines it deletes that reappears, identical, where it
/// inserts lines (blank lines around either are not part of the block).
fn block_moves(base: &[&str], side: &[&str], edits: &[Edit]) -> Vec<BlockMove> {
    let mut out = Vec::new();
    for deleted in edits.iter().filter(|e| !e.is_insertion()) {
        let block = trim_blank(base, deleted.base);
        if block.1 - block.0 < MIN_BLOCK {
            continue;
        }
        let lines = &base[block.0..block.1];
        for added in edits.iter().filter(|e| *e != deleted && !e.is_deletion()) {
            let (start, end) = trim_blank(side, added.side);
            if &side[start..end] != lines {
                continue;
            }
            // Where the block lands, in base lines: before the edit's base range when only blank
            // lines precede it in the edit, after it when only blank lines follow.
            let to = if is_blank(&side[added.side.0..start]) {
                added.base.0
            } else if is_blank(&side[end..added.side.1]) {
                added.base.1
            } else {
                continue;
            };
            out.push(BlockMove { block, to });
        }
    }
    out
}

/// `range` of `lines` without its leading and trailing blank lines.
fn trim_blank(lines: &[&str], (mut start, mut end): (usize, usize)) -> (usize, usize) {
    while start < end && lines[start].trim().is_empty() {
        start += 1;
    }
    while end > start && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    (start, end)
}

fn is_blank(lines: &[&str]) -> bool {
    lines.iter().all(|l| l.trim().is_empty())
}

/// `text` with lines `m.block` moved to before line `m.to`.
fn moved<'a>(text: &Text<'a>, m: BlockMove) -> Text<'a> {
    let lines = &text.lines;
    let (start, end) = m.block;
    let mut out = Vec::with_capacity(lines.len());
    if m.to <= start {
        out.extend_from_slice(&lines[..m.to]);
        out.extend_from_slice(&lines[start..end]);
        out.extend_from_slice(&lines[m.to..start]);
        out.extend_from_slice(&lines[end..]);
    } else {
        out.extend_from_slice(&lines[..start]);
        out.extend_from_slice(&lines[end..m.to]);
        out.extend_from_slice(&lines[start..end]);
        out.extend_from_slice(&lines[m.to..]);
    }
    Text {
        lines: out,
        ..text.clone()
    }
}

/// The other side with the same block moved: its own version of the block (edits and all) goes
/// to the same place. `None` when its edits make the block's bounds or the target ambiguous, or
/// leave nothing of the block.
///
/// An edit's place is taken as widely as the merge takes it: its slide range over equal lines and
/// its claim (see [`super::diff::claims`]), so a place the diff merely guessed never decides which
/// side of a bound an edit falls on.
fn replay<'a>(
    base: &[&str],
    (other_edits, other_claims): (&[Edit], &[(usize, usize)]),
    other: &Text<'a>,
    m: BlockMove,
) -> Option<Text<'a>> {
    let (start, end) = m.block;
    let slides = slide_ranges(base, &other.lines, other_edits);
    for ((e, slide), claim) in other_edits.iter().zip(slides).zip(other_claims) {
        let (s, t) = e.base;
        // The other side deleted or rewrote the whole block: no part of it is left to move.
        if s <= start && end <= t {
            return None;
        }
        let (lo, hi) = (s.min(slide.0).min(claim.0), t.max(slide.1).max(claim.1));
        for point in [start, end, m.to] {
            // An insertion at a bound or at the target, anywhere it could be placed, could belong
            // on either side of it; an edit across one cannot be split.
            // An edit whose claim reaches past its own lines to the point reads as well as an
            // insertion there (see `cluster::touching_edits_interact`).
            let reaches = (hi == point && hi > t) || (lo == point && lo < s);
            if (e.is_insertion() && lo <= point && point <= hi)
                || (lo < point && point < hi)
                || reaches
            {
                return None;
            }
        }
    }
    // A base position, in the other side's lines.
    let map = |pos: usize| -> usize {
        let shift: isize = other_edits
            .iter()
            .filter(|e| e.base.1 <= pos)
            .map(|e| (e.side.1 - e.side.0) as isize - (e.base.1 - e.base.0) as isize)
            .sum();
        pos.checked_add_signed(shift)
            .expect("a position maps inside the other side")
    };
    Some(moved(
        other,
        BlockMove {
            block: (map(start), map(end)),
            to: map(m.to),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::super::diff::edits;
    use super::*;

    fn text(s: &str) -> Text<'_> {
        Text::decode(s.as_bytes()).unwrap()
    }

    #[test]
    fn finds_a_block_moved_with_its_blank_lines() {
        let base = ["a", "", "f1", "f2", "", "b1", "b2", "b3"];
        let side = ["a", "", "b1", "b2", "b3", "", "f1", "f2"];
        let e = edits(Alignment::Forward, (&base, &side), &base, &side);
        assert!(
            block_moves(&base, &side, &e).contains(&BlockMove {
                block: (2, 4),
                to: 8
            }),
            "{:?}",
            block_moves(&base, &side, &e)
        );
    }

    #[test]
    fn a_single_line_is_not_a_block() {
        let base = ["x", "a", "b"];
        let side = ["a", "b", "x"];
        assert!(
            block_moves(
                &base,
                &side,
                &edits(Alignment::Forward, (&base, &side), &base, &side)
            )
            .is_empty()
        );
    }

    /// The other side's text with base lines 1..3 of `base` moved to before line `to`.
    fn replayed(base: &[&str], other: &str, to: usize) -> Option<Vec<String>> {
        let other = text(other);
        let e = edits(Alignment::Forward, (base, &other.lines), base, &other.lines);
        // Claims as wide as the edits themselves: these cases test the bounds, not the claims.
        let c: Vec<(usize, usize)> = e.iter().map(|e| e.base).collect();
        let m = BlockMove { block: (1, 3), to };
        replay(base, (&e, &c), &other, m).map(|t| t.lines.iter().map(|l| l.to_string()).collect())
    }

    #[test]
    fn replays_a_move_on_the_other_side_with_its_edits() {
        let base = ["a", "f1", "f2", "b", "c"];
        assert_eq!(
            replayed(&base, "a\nF1\nf2\nb\nc\n", 5).unwrap(),
            ["a", "b", "c", "F1", "f2"]
        );
    }

    #[test]
    fn a_block_the_other_side_rewrote_does_not_move() {
        assert_eq!(replayed(&["a", "f1", "f2", "b"], "a\nnew\nb\n", 4), None);
    }

    #[test]
    fn an_insertion_at_a_bound_is_ambiguous() {
        assert_eq!(
            replayed(&["a", "f1", "f2", "b"], "a\nnew\nf1\nf2\nb\n", 4),
            None
        );
    }
}
