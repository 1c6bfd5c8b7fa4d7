//! Model-based differential test of the three-way merge. A generator builds realistic base files
//! (Python modules with look-alike functions and classes, TOML tables, YAML CI jobs with repeated
//! steps, Markdown with setext headings; CRLF and no-final-newline variants) and two random edit
//! scripts (modify a line, delete, insert, move, indent or duplicate a block). Because the scripts
//! are known, so is the intended merge whenever they touch disjoint lines, and whether they
//! overlap. Asserted, for every case:
//! - fb is never clean with anything but the intended merge;
//! - fb conflicts when the scripts overlap and differ (a moved line the other side deleted may
//!   instead follow the move, i.e. be deleted).
//!
//! The same cases go through `git merge-file` when git is installed, and the rates are printed
//! (`cargo test --test merge_model -- --nocapture`). `FB_MERGE_MODEL_CASES` sets the number of
//! cases (default 3000); `FB_MERGE_MODEL_SEED` the first seed.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::Command;

use fb::merge::{Labels, Outcome, merge_bytes};

/// splitmix64: small, fast, and the same everywhere, so a failing seed reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A base file as blocks of lines (a function with its blank lines, a table, a job, a section).
struct Base {
    blocks: Vec<Vec<String>>,
}

impl Base {
    fn lines(&self) -> Vec<String> {
        self.blocks.iter().flatten().cloned().collect()
    }
    /// The base line range of block `i`.
    fn range(&self, i: usize) -> (usize, usize) {
        let start: usize = self.blocks[..i].iter().map(Vec::len).sum();
        (start, start + self.blocks[i].len())
    }
}

const NAMES: [&str; 6] = ["item", "user", "order", "task", "report", "tag"];

fn python(rng: &mut Rng) -> Base {
    let mut blocks = vec![vec![
        "\"\"\"CRUD endpoints.\"\"\"".to_string(),
        String::new(),
        "from fastapi import APIRouter, HTTPException".to_string(),
        "from app import crud".to_string(),
        String::new(),
        "router = APIRouter()".to_string(),
        String::new(),
        String::new(),
    ]];
    for _ in 0..3 + rng.below(5) {
        let name = *rng.pick(&NAMES);
        // Look-alikes: most blocks differ only in their name line, some not even there.
        let block = if rng.chance(60) {
            vec![
                format!("@router.get(\"/{name}s/{{id}}\")"),
                format!("def get_{name}(id: int) -> dict:"),
                format!("    {name} = crud.get(\"{name}\", id)"),
                format!("    if {name} is None:"),
                "        raise HTTPException(status_code=404)".to_string(),
                format!("    return {name}"),
                String::new(),
                String::new(),
            ]
        } else {
            vec![
                format!("class {}Read:", capitalise(name)),
                "    id: int".to_string(),
                "    name: str".to_string(),
                String::new(),
                "    class Config:".to_string(),
                "        from_attributes = True".to_string(),
                String::new(),
                String::new(),
            ]
        };
        blocks.push(block);
    }
    Base { blocks }
}

fn toml(rng: &mut Rng) -> Base {
    let mut blocks = vec![vec![
        "[project]".to_string(),
        "name = \"app\"".to_string(),
        "dependencies = [\"fastapi\"]".to_string(),
        String::new(),
    ]];
    for i in 0..3 + rng.below(4) {
        let name = *rng.pick(&NAMES);
        blocks.push(vec![
            format!("[tool.{name}{i}]"),
            "enabled = true".to_string(),
            format!("path = \"{name}\""),
            "level = 1".to_string(),
            String::new(),
        ]);
    }
    Base { blocks }
}

fn yaml(rng: &mut Rng) -> Base {
    let mut blocks = vec![vec![
        "name: ci".to_string(),
        "on: [push]".to_string(),
        "jobs:".to_string(),
    ]];
    // Look-alike jobs that differ in their name and version lines (exact twins are the Python
    // classes' business).
    let versions = ["3.10", "3.11", "3.12", "3.13", "3.14"];
    let skip = rng.below(2);
    for py in versions.iter().skip(skip).take(2 + rng.below(3)) {
        blocks.push(vec![
            format!("  test-{}:", py.replace('.', "")),
            "    runs-on: ubuntu-latest".to_string(),
            "    steps:".to_string(),
            "      - uses: actions/checkout@v4".to_string(),
            format!("      - run: uv python install {py}"),
            "      - run: uv sync".to_string(),
            "      - run: uv run pytest".to_string(),
        ]);
    }
    Base { blocks }
}

fn markdown(rng: &mut Rng) -> Base {
    let mut blocks = vec![vec![
        "App".to_string(),
        "===".to_string(),
        String::new(),
        "A FastAPI project.".to_string(),
        String::new(),
    ]];
    for _ in 0..2 + rng.below(4) {
        let name = *rng.pick(&NAMES);
        blocks.push(vec![
            capitalise(name),
            "-".repeat(name.len()),
            String::new(),
            format!("Run `fb add resource {name}` to add it."),
            "See the docs for details.".to_string(),
            String::new(),
        ]);
    }
    Base { blocks }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// One operation of an edit script, in base line numbers; gaps are positions `0..=n`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Replace {
        line: usize,
        text: String,
    },
    Delete {
        start: usize,
        end: usize,
    },
    Insert {
        gap: usize,
        lines: Vec<String>,
    },
    Move {
        start: usize,
        end: usize,
        gap: usize,
    },
}

/// A script for one side: a few operations on distinct blocks. The flag says whether it moves,
/// re-indents or duplicates a block that has an exact twin in the base: the text cannot say
/// which twin that was, so no merge can be held to the script's choice.
fn script(rng: &mut Rng, base: &Base, side: &str, avoid: &BTreeSet<usize>) -> Script {
    let lines = base.lines();
    let mut ops = Vec::new();
    let mut twin_op = false;
    let (mut block_ops, mut duplicated) = (BTreeSet::new(), BTreeSet::new());
    let has_twin = |b: usize| {
        base.blocks
            .iter()
            .enumerate()
            .any(|(i, x)| i != b && *x == base.blocks[b])
    };
    let mut used: BTreeSet<usize> = BTreeSet::new();
    for _ in 0..1 + rng.below(3) {
        // Bias towards the blocks the other side touches, so overlaps are frequent.
        let block = if !avoid.is_empty() && rng.chance(40) {
            *avoid.iter().nth(rng.below(avoid.len())).unwrap()
        } else {
            rng.below(base.blocks.len())
        };
        if !used.insert(block) {
            continue;
        }
        let (start, end) = base.range(block);
        let content: Vec<usize> = (start..end).filter(|&i| !lines[i].is_empty()).collect();
        let op = rng.below(7);
        // A move among identical blocks reads as well as a move of one of them.
        let any_twin = (0..base.blocks.len()).any(has_twin);
        twin_op |= (op >= 4 && has_twin(block)) || (op == 4 && any_twin);
        if op == 6 {
            duplicated.insert(block);
        } else if op >= 2 {
            block_ops.insert(block);
        }
        match op {
            0 | 1 => {
                let line = *rng.pick(&content);
                let text = if rng.chance(30) {
                    // A look-alike: another line of the file, so alignments have choices.
                    lines[*rng.pick(&(0..lines.len()).collect::<Vec<_>>())].clone()
                } else {
                    format!("{}  # {side} {}", lines[line], rng.below(3))
                };
                if text != lines[line] {
                    ops.push(Op::Replace { line, text });
                }
            }
            2 => ops.push(Op::Delete { start, end }),
            3 => {
                let gap = if rng.chance(50) { start } else { end };
                let mut new = base.blocks[rng.below(base.blocks.len())].clone();
                if let Some(first) = new.iter_mut().find(|l| !l.is_empty()) {
                    *first = format!("{first}  # new {side} {}", rng.below(2));
                }
                ops.push(Op::Insert { gap, lines: new });
            }
            4 => {
                let gap = base.range(rng.below(base.blocks.len())).0;
                if gap < start || gap > end {
                    ops.push(Op::Move { start, end, gap });
                }
            }
            5 => {
                for line in content {
                    ops.push(Op::Replace {
                        line,
                        text: format!("    {}", lines[line]),
                    });
                }
            }
            _ => ops.push(Op::Insert {
                gap: end,
                lines: base.blocks[block].clone(),
            }),
        }
    }
    // A side's own operations must not step on each other: drop any that would.
    let mut touched: BTreeSet<usize> = BTreeSet::new();
    let mut gaps: BTreeSet<usize> = BTreeSet::new();
    ops.retain(|op| {
        let (lines, gap) = touches(op);
        let gap_ok = gap.is_none_or(|g| {
            !gaps.contains(&g) && !touched.contains(&g) && (g == 0 || !touched.contains(&(g - 1)))
        });
        let ok = lines
            .iter()
            .all(|l| !touched.contains(l) && !gaps.contains(l) && !gaps.contains(&(l + 1)))
            && gap_ok;
        if ok {
            touched.extend(lines);
            gaps.extend(gap);
        }
        ok
    });
    Script {
        ops,
        twin_op,
        block_ops,
        duplicated,
    }
}

/// Whether the two sides delete two different copies of one block: each side's text then reads
/// as deleting either copy (both may say the same change), so whether one copy or none should
/// remain is not in the text.
fn twin_deletions(lines: &[String], ours: &[Op], theirs: &[Op]) -> bool {
    let deleted = |ops: &[Op]| -> Vec<(usize, usize)> {
        ops.iter()
            .filter_map(|op| match op {
                Op::Delete { start, end } => Some((*start, *end)),
                _ => None,
            })
            .collect()
    };
    let solid = |(start, end): (usize, usize)| -> Vec<&String> {
        lines[start..end].iter().filter(|l| !l.is_empty()).collect()
    };
    deleted(ours).iter().any(|&a| {
        deleted(theirs)
            .iter()
            .any(|&b| a != b && solid(a) == solid(b))
    })
}

/// An edit script, and what makes its intent unreadable from the text: a block operation on one
/// of two identical blocks, or a block it duplicates (the other side's block operation on it
/// could be on either copy).
struct Script {
    ops: Vec<Op>,
    twin_op: bool,
    block_ops: BTreeSet<usize>,
    duplicated: BTreeSet<usize>,
}

/// The base lines an operation removes or rewrites, and the gap it inserts at.
fn touches(op: &Op) -> (Vec<usize>, Option<usize>) {
    match op {
        Op::Replace { line, .. } => (vec![*line], None),
        Op::Delete { start, end } => ((*start..*end).collect(), None),
        Op::Insert { gap, .. } => (vec![], Some(*gap)),
        Op::Move { start, end, gap } => ((*start..*end).collect(), Some(*gap)),
    }
}

/// Whether a script deletes a block and inserts one that differs from it in at most one line: the
/// text reads as well as that block moved and edited, and the other side's change may then follow
/// the move (issue 10 allows either a conflict or that).
fn reads_as_move(base: &[String], ops: &[Op]) -> bool {
    let solid = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .cloned()
            .collect()
    };
    ops.iter().any(|d| {
        let Op::Delete { start, end } = d else {
            return false;
        };
        let deleted = solid(&base[*start..*end]);
        ops.iter().any(|i| {
            let Op::Insert { lines, .. } = i else {
                return false;
            };
            let inserted = solid(lines);
            inserted.len() == deleted.len()
                && deleted.len() >= 3
                && inserted
                    .iter()
                    .zip(&deleted)
                    .filter(|(a, b)| a != b)
                    .count()
                    <= 1
        })
    })
}

/// `base` with both scripts applied; a replaced line inside a moved block travels with it.
fn apply(base: &[String], scripts: &[&[Op]]) -> Vec<String> {
    let mut replaced: BTreeMap<usize, String> = BTreeMap::new();
    let mut deleted: BTreeSet<usize> = BTreeSet::new();
    let mut inserts: BTreeMap<usize, Vec<Vec<String>>> = BTreeMap::new();
    let mut moves = Vec::new();
    for ops in scripts {
        for op in *ops {
            match op {
                Op::Replace { line, text } => {
                    replaced.insert(*line, text.clone());
                }
                Op::Delete { start, end } => deleted.extend(*start..*end),
                Op::Insert { gap, lines } => {
                    let at = inserts.entry(*gap).or_default();
                    if !at.contains(lines) {
                        at.push(lines.clone());
                    }
                }
                // The same move made by both sides is one move (git and fb apply it once).
                Op::Move { start, end, gap } if !moves.contains(&(*start, *end, *gap)) => {
                    moves.push((*start, *end, *gap))
                }
                Op::Move { .. } => {}
            }
        }
    }
    for &(start, end, gap) in &moves {
        let block: Vec<String> = (start..end)
            .filter(|i| !deleted.contains(i) || moves.iter().any(|m| m.0 <= *i && *i < m.1))
            .map(|i| replaced.get(&i).unwrap_or(&base[i]).clone())
            .collect();
        inserts.entry(gap).or_default().push(block);
    }
    for &(start, end, _) in &moves {
        deleted.extend(start..end);
    }
    let mut out = Vec::new();
    for g in 0..=base.len() {
        for block in inserts.get(&g).into_iter().flatten() {
            out.extend(block.iter().cloned());
        }
        if g < base.len() && !deleted.contains(&g) {
            out.push(replaced.get(&g).unwrap_or(&base[g]).clone());
        }
    }
    out
}

/// How two scripts relate.
#[derive(Debug, PartialEq, Eq)]
enum Relation {
    /// No line or insertion point is touched by both: the intended merge is known.
    Disjoint,
    /// Both change the same lines or insert at the same point, differently: must conflict.
    Overlap,
    /// One side moves lines the other deletes: a conflict, or the deletion follows the move.
    MoveDelete,
}

fn relation(a: &[Op], b: &[Op]) -> Relation {
    let mut result = 0u8;
    for x in a {
        for y in b {
            let r = pair_relation(x, y).max(pair_relation(y, x));
            if r > result {
                result = r;
            }
        }
    }
    match result {
        0 => Relation::Disjoint,
        1 => Relation::MoveDelete,
        _ => Relation::Overlap,
    }
}

/// 0 disjoint, 1 move against delete, 2 overlap.
fn pair_relation(x: &Op, y: &Op) -> u8 {
    let inside = |g: usize, s: usize, e: usize| s < g && g < e;
    match (x, y) {
        (Op::Replace { line: l, text: t }, Op::Replace { line: m, text: u }) => {
            u8::from(l == m && t != u) * 2
        }
        (Op::Replace { line, .. }, Op::Delete { start, end }) => {
            u8::from(start <= line && line < end) * 2
        }
        (Op::Delete { .. }, Op::Delete { .. }) => 0,
        (Op::Insert { gap: g, lines: l }, Op::Insert { gap: h, lines: m }) => {
            u8::from(g == h && l != m) * 2
        }
        (Op::Insert { gap, .. }, Op::Delete { start, end }) => {
            u8::from(inside(*gap, *start, *end)) * 2
        }
        (
            Op::Insert { gap, .. },
            Op::Move {
                start,
                end,
                gap: to,
            },
        ) => u8::from(inside(*gap, *start, *end) || gap == to) * 2,
        // A move into the other's deletion has lost its anchor; a move of lines the other
        // deletes is the move-against-delete case.
        (Op::Move { start, end, gap }, Op::Delete { start: s, end: e }) => {
            if inside(*gap, *s, *e) {
                2
            } else {
                u8::from(start < e && s < end)
            }
        }
        (
            Op::Move { start, end, gap },
            Op::Move {
                start: s,
                end: e,
                gap: g,
            },
        ) => {
            u8::from(
                (start < e && s < end && (start, end, gap) != (s, e, g))
                    || (gap == g && start != s),
            ) * 2
        }
        // An edit inside a moved block follows it: well defined, so disjoint.
        _ => 0,
    }
}

/// Lines an edit script removes plus lines it adds.
fn script_cost(ops: &[Op]) -> usize {
    ops.iter()
        .map(|op| match op {
            Op::Replace { .. } => 2,
            Op::Delete { start, end } => end - start,
            Op::Insert { lines, .. } => lines.len(),
            Op::Move { start, end, .. } => 2 * (end - start),
        })
        .sum()
}

/// The same for the shortest edit from `base` to `side`.
fn diff_cost(base: &[String], side: &[String]) -> usize {
    similar::capture_diff_slices(similar::Algorithm::Myers, base, side)
        .iter()
        .map(|op| match op.tag() {
            similar::DiffTag::Equal => 0,
            _ => op.old_range().len() + op.new_range().len(),
        })
        .sum()
}

fn render(lines: &[String], crlf: bool, final_newline: bool) -> Vec<u8> {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut s = lines.join(eol);
    if final_newline && !lines.is_empty() {
        s.push_str(eol);
    }
    s.into_bytes()
}

#[derive(Default)]
struct Tally {
    cases: usize,
    ambiguous: usize,
    move_blank_lines: usize,
    fb_clean_unintended_ambiguous: usize,
    disjoint: usize,
    overlap: usize,
    fb_clean: usize,
    fb_conflict_disjoint: usize,
    git_clean_intended: usize,
    git_clean_wrong: usize,
    git_clean_missed_overlap: usize,
    both_clean: usize,
    fb_conflict_git_clean_intended: usize,
    fb_clean_git_conflict: usize,
}

fn git_merge(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    dir: &std::path::Path,
) -> Option<(bool, Vec<u8>)> {
    for (name, data) in [("base", base), ("ours", ours), ("theirs", theirs)] {
        std::fs::File::create(dir.join(name))
            .ok()?
            .write_all(data)
            .ok()?;
    }
    let out = Command::new("git")
        .args(["merge-file", "-p", "ours", "base", "theirs"])
        .current_dir(dir)
        .output()
        .ok()?;
    let code = out.status.code()?;
    Some((code == 0, out.stdout))
}

#[test]
fn fb_is_never_clean_and_wrong() {
    let cases: u64 = std::env::var("FB_MERGE_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let first: u64 = std::env::var("FB_MERGE_MODEL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let git = Command::new("git").arg("--version").output().is_ok();
    let dir = tempfile::tempdir().unwrap();
    let mut t = Tally::default();
    let mut failures = Vec::new();
    for seed in first..first + cases {
        let mut rng = Rng(seed);
        let base = match rng.below(4) {
            0 => python(&mut rng),
            1 => toml(&mut rng),
            2 => yaml(&mut rng),
            _ => markdown(&mut rng),
        };
        let lines = base.lines();
        let ours_script = script(&mut rng, &base, "ours", &BTreeSet::new());
        let ours_ops = ours_script.ops.clone();
        let touched: BTreeSet<usize> = (0..base.blocks.len())
            .filter(|&b| {
                let (s, e) = base.range(b);
                ours_ops.iter().any(|op| {
                    let (l, g) = touches(op);
                    l.iter().any(|x| s <= *x && *x < e) || g.is_some_and(|g| s <= g && g <= e)
                })
            })
            .collect();
        let theirs_script = script(&mut rng, &base, "theirs", &touched);
        let theirs_ops = theirs_script.ops.clone();
        let copied_then_changed = |a: &Script, b: &Script| !a.duplicated.is_disjoint(&b.block_ops);
        let (crlf, final_newline) = (rng.chance(15), !rng.chance(15));
        let ours = apply(&lines, &[&ours_ops]);
        let theirs = apply(&lines, &[&theirs_ops]);
        let rel = relation(&ours_ops, &theirs_ops);
        let bytes = |l: &[String]| render(l, crlf, final_newline);
        let (b, o, th) = (bytes(&lines), bytes(&ours), bytes(&theirs));
        if o == th || o == b || th == b {
            continue; // trivial merges are not what this measures
        }
        t.cases += 1;
        let intended = bytes(&apply(&lines, &[&ours_ops, &theirs_ops]));
        let fb_out = merge_bytes(&b, &o, &th, &Labels::default());
        let fb_clean = match &fb_out {
            Outcome::Clean(text) => Some(text.clone()),
            _ => None,
        };
        // A script that a shorter edit also explains (a deleted job plus a copied one reads as a
        // renamed job), or that moves one of two identical blocks, states an intent the text
        // does not carry: no merge can be held to it.
        if ours_script.twin_op
            || theirs_script.twin_op
            || copied_then_changed(&ours_script, &theirs_script)
            || copied_then_changed(&theirs_script, &ours_script)
            || diff_cost(&lines, &ours) < script_cost(&ours_ops)
            || diff_cost(&lines, &theirs) < script_cost(&theirs_ops)
            || reads_as_move(&lines, &ours_ops)
            || reads_as_move(&lines, &theirs_ops)
            || twin_deletions(&lines, &ours_ops, &theirs_ops)
        {
            t.ambiguous += 1;
            t.fb_clean_unintended_ambiguous +=
                usize::from(fb_clean.as_ref().is_some_and(|text| *text != intended));
            continue;
        }
        if let Some(dump) = std::env::var_os("FB_MERGE_MODEL_DUMP") {
            // Leaves the three files of the last case run, to replay it with `fb merge-file`.
            let dump = std::path::PathBuf::from(dump);
            std::fs::create_dir_all(&dump).unwrap();
            for (name, data) in [
                ("base", &b),
                ("ours", &o),
                ("theirs", &th),
                ("intended", &intended),
            ] {
                std::fs::write(dump.join(name), data).unwrap();
            }
        }
        let describe = || {
            format!(
                "seed {seed} ({rel:?})\nours ops {ours_ops:?}\ntheirs ops {theirs_ops:?}\n--- base\n{}--- ours\n{}--- theirs\n{}",
                String::from_utf8_lossy(&b),
                String::from_utf8_lossy(&o),
                String::from_utf8_lossy(&th)
            )
        };
        // Where a block moves, the replay of the move places the blank lines around it by its
        // own rule; where the two sides delete neighbouring blocks, which of the blank lines
        // between them each deleted is the diff's pick. A result that differs from the script
        // only there is counted, not failed.
        let has_move = |ops: &[Op]| ops.iter().any(|op| matches!(op, Op::Move { .. }));
        let deletes = |ops: &[Op]| -> Vec<(usize, usize)> {
            ops.iter()
                .filter_map(|op| match op {
                    Op::Delete { start, end } => Some((*start, *end)),
                    _ => None,
                })
                .collect()
        };
        let neighbouring_deletes = deletes(&ours_ops).iter().any(|a| {
            deletes(&theirs_ops)
                .iter()
                .any(|b| a.1 == b.0 || b.1 == a.0)
        });
        let moved = has_move(&ours_ops) || has_move(&theirs_ops) || neighbouring_deletes;
        let unblank = |text: &[u8]| -> Vec<Vec<u8>> {
            text.split(|c| *c == b'\n')
                .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
                .filter(|l| !l.is_empty())
                .collect()
        };
        let blank_only = |text: &[u8]| moved && unblank(text) == unblank(&intended);
        match rel {
            Relation::Disjoint => {
                t.disjoint += 1;
                match &fb_clean {
                    Some(text) if *text != intended && blank_only(text) => t.move_blank_lines += 1,
                    Some(text) if *text != intended => failures.push(format!(
                        "WRONG clean merge, {}\n--- fb\n{}--- intended\n{}",
                        describe(),
                        String::from_utf8_lossy(text),
                        String::from_utf8_lossy(&intended)
                    )),
                    Some(_) => {}
                    None => t.fb_conflict_disjoint += 1,
                }
            }
            Relation::Overlap => {
                t.overlap += 1;
                if fb_clean.is_some() {
                    failures.push(format!("MISSED overlap, {}", describe()));
                }
            }
            Relation::MoveDelete => {
                t.overlap += 1;
                let deleted = bytes(&apply(
                    &lines,
                    &[&ours_ops, &theirs_ops]
                        .map(|ops| {
                            ops.iter()
                                .map(|op| match op {
                                    Op::Move { start, end, .. } => Op::Delete {
                                        start: *start,
                                        end: *end,
                                    },
                                    other => other.clone(),
                                })
                                .collect::<Vec<_>>()
                        })
                        .iter()
                        .map(|v| v.as_slice())
                        .collect::<Vec<_>>(),
                ));
                if fb_clean.as_ref().is_some_and(|text| *text != deleted) {
                    failures.push(format!("MISSED move against delete, {}", describe()));
                }
            }
        }
        t.fb_clean += usize::from(fb_clean.is_some());
        if git && let Some((git_clean, git_text)) = git_merge(&b, &o, &th, dir.path()) {
            if git_clean {
                match rel {
                    Relation::Disjoint if git_text == intended => t.git_clean_intended += 1,
                    Relation::Disjoint => t.git_clean_wrong += 1,
                    _ => t.git_clean_missed_overlap += 1,
                }
            }
            t.both_clean += usize::from(git_clean && fb_clean.is_some());
            t.fb_conflict_git_clean_intended += usize::from(
                git_clean
                    && fb_clean.is_none()
                    && rel == Relation::Disjoint
                    && git_text == intended,
            );
            t.fb_clean_git_conflict += usize::from(!git_clean && fb_clean.is_some());
        }
        if failures.len() >= 5 {
            break;
        }
    }
    let pct = |n: usize, d: usize| {
        if d == 0 {
            0.0
        } else {
            100.0 * n as f64 / d as f64
        }
    };
    eprintln!(
        "merge model: {} cases ({} disjoint, {} overlapping), and {} whose intent the text cannot carry (fb clean and not as scripted in {})\n  fb clean with blank lines beside a moved or deleted block placed otherwise than scripted: {}\n  fb: clean {} ({:.1}%), conflicts on disjoint scripts {} ({:.1}% of disjoint), wrong clean 0 allowed, found {}",
        t.cases,
        t.disjoint,
        t.overlap,
        t.ambiguous,
        t.fb_clean_unintended_ambiguous,
        t.move_blank_lines,
        t.fb_clean,
        pct(t.fb_clean, t.cases),
        t.fb_conflict_disjoint,
        pct(t.fb_conflict_disjoint, t.disjoint),
        failures.len()
    );
    if git {
        eprintln!(
            "  git merge-file: clean and intended {} ({:.1}% of disjoint), clean but wrong {}, clean on an overlap {}\n  fb clean where git clean {}, fb conflict where git clean and right {} ({:.1}% of cases), fb clean where git conflicts {}",
            t.git_clean_intended,
            pct(t.git_clean_intended, t.disjoint),
            t.git_clean_wrong,
            t.git_clean_missed_overlap,
            t.both_clean,
            t.fb_conflict_git_clean_intended,
            pct(t.fb_conflict_git_clean_intended, t.cases),
            t.fb_clean_git_conflict
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
