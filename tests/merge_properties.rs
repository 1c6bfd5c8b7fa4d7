//! Property tests of the three-way merge: the identities every merge must satisfy, that no
//! added line is silently lost, and that no input makes it panic.

use fb::merge::{Labels, Outcome, merge_bytes};
use proptest::prelude::*;

/// Files made of a few distinct lines, so random edits collide and repeat often.
fn file() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::sample::select(vec!["a", "b", "c", "d", "", "    x = 1", "}"]).prop_map(String::from),
        0..12,
    )
}

/// A random edit of `base`: some lines deleted, replaced or inserted.
fn edited(base: Vec<String>) -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    let len = base.len();
    prop::collection::vec(
        (
            0..=len,
            0..3usize,
            prop::sample::select(vec!["a", "e", "f", "g", "b", "new line"]),
        ),
        0..4,
    )
    .prop_map(move |edits| {
        let mut lines = base.clone();
        for (pos, op, text) in edits {
            let pos = pos.min(lines.len());
            match op {
                0 if pos < lines.len() => {
                    lines.remove(pos);
                }
                1 if pos < lines.len() => lines[pos] = text.to_string(),
                _ => lines.insert(pos, text.to_string()),
            }
        }
        (base.clone(), lines)
    })
}

fn join(lines: &[String], crlf: bool) -> Vec<u8> {
    let eol = if crlf { "\r\n" } else { "\n" };
    lines
        .iter()
        .map(|l| format!("{l}{eol}"))
        .collect::<String>()
        .into_bytes()
}

fn merge(base: &[u8], ours: &[u8], theirs: &[u8]) -> Outcome {
    merge_bytes(base, ours, theirs, &Labels::default())
}

/// Lines of `side` that `base` does not have as often (the lines that side added).
fn added_lines(base: &[String], side: &[String]) -> Vec<String> {
    let mut pool = base.to_vec();
    let mut added = Vec::new();
    for line in side {
        match pool.iter().position(|l| l == line) {
            Some(i) => {
                pool.remove(i);
            }
            None => added.push(line.clone()),
        }
    }
    added
}

/// `base` with a block of at least two lines moved elsewhere: what a user does to a helper.
fn with_a_moved_block(base: Vec<String>) -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    let len = base.len();
    (0..=len, 2..=4usize, 0..=len).prop_map(move |(start, size, to)| {
        let start = start.min(len.saturating_sub(2));
        let end = (start + size).min(len);
        let mut rest = base.clone();
        let block: Vec<String> = rest.drain(start..end).collect();
        let to = to.min(rest.len());
        let mut moved = rest[..to].to_vec();
        moved.extend(block);
        moved.extend_from_slice(&rest[to..]);
        (base.clone(), moved)
    })
}

/// Merges the three and checks that conflicts are marked and that every line a side added is in
/// the output, clean or conflicted.
fn keeps_added_lines(
    base: &[String],
    ours: &[String],
    theirs: &[String],
) -> Result<(), TestCaseError> {
    let (text, conflicts) =
        match merge(&join(base, false), &join(ours, false), &join(theirs, false)) {
            Outcome::Clean(text) => (text, 0),
            Outcome::Conflicted { text, conflicts } => (text, conflicts),
            Outcome::Binary => unreachable!("text inputs"),
        };
    let text = String::from_utf8(text).unwrap();
    prop_assert_eq!(conflicts > 0, text.contains("<<<<<<< yours"));
    let merged: Vec<&str> = text.lines().collect();
    for line in added_lines(base, ours)
        .iter()
        .chain(&added_lines(base, theirs))
    {
        prop_assert!(
            merged.contains(&line.as_str()),
            "{line:?} added by a side is missing from {text}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn unchanged_ours_takes_theirs((base, theirs) in file().prop_flat_map(edited), crlf in any::<bool>()) {
        let (b, t) = (join(&base, crlf), join(&theirs, crlf));
        prop_assert_eq!(merge(&b, &b, &t), Outcome::Clean(t));
    }

    #[test]
    fn unchanged_theirs_keeps_ours((base, ours) in file().prop_flat_map(edited)) {
        let (b, o) = (join(&base, false), join(&ours, false));
        prop_assert_eq!(merge(&b, &o, &b), Outcome::Clean(o));
    }

    #[test]
    fn the_same_change_on_both_sides_is_that_change((base, x) in file().prop_flat_map(edited)) {
        let (b, x) = (join(&base, false), join(&x, false));
        prop_assert_eq!(merge(&b, &x, &x), Outcome::Clean(x));
    }

    /// Stronger than "clean or flagged": whether the merge is clean or conflicted, every line a
    /// side added is somewhere in the output.
    #[test]
    fn added_lines_are_never_lost(
        (base, ours, theirs) in file().prop_flat_map(|b| (edited(b.clone()), edited(b))).prop_map(|((b, o), (_, t))| (b, o, t))
    ) {
        keeps_added_lines(&base, &ours, &theirs)?;
    }

    /// The same, when one side moves a block (which the merge may replay on the other side).
    #[test]
    fn added_lines_survive_a_moved_block(
        (base, moved, edited) in file().prop_flat_map(|b| (with_a_moved_block(b.clone()), edited(b))).prop_map(|((b, m), (_, e))| (b, m, e)),
        ours_moved in any::<bool>(),
    ) {
        let (ours, theirs) = if ours_moved { (moved, edited) } else { (edited, moved) };
        keeps_added_lines(&base, &ours, &theirs)?;
    }

    #[test]
    fn never_panics(base in any::<Vec<u8>>(), ours in any::<Vec<u8>>(), theirs in any::<Vec<u8>>()) {
        let _ = merge(&base, &ours, &theirs);
    }

    #[test]
    fn never_panics_on_text(base in "[ab\r\n=<>|]{0,40}", ours in "[ab\r\n=<>|]{0,40}", theirs in "[ab\r\n=<>|]{0,40}") {
        let _ = merge(base.as_bytes(), ours.as_bytes(), theirs.as_bytes());
    }
}

/// A block of distinct lines `tag`-named, so two blocks never share a line by accident.
fn block(tag: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{tag}_{i} = {i}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Same-point refinement: two different insertions at one point are clean only when one is
    /// contained in the other; otherwise the order is undetermined and it must conflict.
    #[test]
    fn different_insertions_at_one_point_conflict(
        (base, at) in file().prop_flat_map(|b| { let n = b.len(); (Just(b), 0..=n) }),
        n in 1..4usize,
        m in 1..4usize,
    ) {
        let mut ours = base.clone();
        let mut theirs = base.clone();
        for (i, l) in block("ours", n).into_iter().enumerate() { ours.insert(at + i, l); }
        for (i, l) in block("theirs", m).into_iter().enumerate() { theirs.insert(at + i, l); }
        let out = merge(&join(&base, false), &join(&ours, false), &join(&theirs, false));
        prop_assert!(matches!(out, Outcome::Conflicted { .. }), "{out:?}");
    }

    /// Adjacency refinement: a line added at the end of an indented block whose header line the
    /// other side replaced must conflict, whatever the block holds.
    #[test]
    fn insertion_into_a_replaced_block_conflicts(body in 1..4usize, after in 0..3usize, yaml in any::<bool>()) {
        let header = if yaml { "  settings:".to_string() } else { "    class Config:".to_string() };
        let indent = if yaml { "    " } else { "        " };
        let mut base = vec!["top:".to_string(), header];
        base.extend(block("field", body).into_iter().map(|l| format!("{indent}{l}")));
        base.extend(block("after", after));
        let end = 2 + body;
        let mut ours = base.clone();
        ours.insert(end, format!("{indent}added = 1"));
        let mut theirs = base.clone();
        theirs.splice(1..end, ["    model_config = {}".to_string()]);
        let out = merge(&join(&base, false), &join(&ours, false), &join(&theirs, false));
        prop_assert!(matches!(out, Outcome::Conflicted { .. }), "{out:?}");
    }

    /// Duplicate-key rule: one key entry added by both sides at two different places of one table
    /// (JSON object or TOML table) is never written twice by a clean merge; a different key on
    /// each side at those places merges cleanly.
    #[test]
    fn one_key_added_at_two_places_of_a_table_is_never_written_twice(
        n in 3..8usize, a in 0..8usize, b in 0..8usize, json in any::<bool>(), same in any::<bool>(),
    ) {
        let (a, b) = (a % (n + 1), b % (n + 1));
        prop_assume!(a.abs_diff(b) >= 2);
        let entry = |k: &str| if json { format!("    \"{k}\": \"^1.0\",") } else { format!("{k} = \"^1.0\"") };
        let mut base: Vec<String> = vec![if json { "  \"deps\": {".into() } else { "[deps]".into() }];
        base.extend((0..n).map(|i| entry(&format!("dep{i}"))));
        base.push(if json { "  }".into() } else { "[other]".into() });
        let mut ours = base.clone();
        ours.insert(1 + a, entry("new"));
        let mut theirs = base.clone();
        theirs.insert(1 + b, entry(if same { "new" } else { "other" }));
        let out = merge(&join(&base, false), &join(&ours, false), &join(&theirs, false));
        match out {
            Outcome::Clean(text) => {
                prop_assert!(!same, "clean with a duplicate: {}", String::from_utf8_lossy(&text));
            }
            other => prop_assert!(same, "{other:?}"),
        }
    }

    /// Alignment refinement: with two identical blocks, one side deleting one of them and the
    /// other editing a line of either must conflict (which twin was deleted is unknowable).
    #[test]
    fn an_edit_inside_a_deleted_twin_conflicts(n in 2..5usize, line in 0..5usize, second in any::<bool>(), deleted_second in any::<bool>()) {
        let twin = block("job", n);
        let mut base = vec!["jobs:".to_string()];
        base.extend(twin.clone());
        base.extend(twin.clone());
        base.push("end".to_string());
        let line = line % n;
        let mut ours = base.clone();
        let target = 1 + line + if second { n } else { 0 };
        ours[target] = format!("{}  # edited", ours[target]);
        let mut theirs = base.clone();
        let start = 1 + if deleted_second { n } else { 0 };
        theirs.drain(start..start + n);
        let out = merge(&join(&base, false), &join(&ours, false), &join(&theirs, false));
        prop_assert!(matches!(out, Outcome::Conflicted { .. }), "{out:?}");
    }

    /// Anchored-context refinement: two look-alike classes share a body; ours edits a line of
    /// one of them while theirs deletes a class, appends a renamed copy of one, or both (with or
    /// without unique headers and a unique line after them). A clean merge is only ever the
    /// intended one: the edit in its own class, the deletion or copy applied; an edit inside the
    /// class theirs deleted, or one whose copies no unique line tells apart, conflicts.
    #[test]
    fn an_edit_beside_a_copied_or_deleted_look_alike_lands_in_its_own_copy(
        n in 2..16usize, line in 0..16usize, edited_second in any::<bool>(),
        action in 0..3usize, other_second in any::<bool>(), headers in any::<bool>(), tail in any::<bool>(),
    ) {
        let line = line % n;
        let body: Vec<String> = (0..n).map(|i| format!("    field_{i}: int = {i}")).collect();
        let header = |k: usize| if headers { format!("class Model{k}:") } else { "class Model:".to_string() };
        // base: [header0, body..., "", header1, body..., ("", "def tail(): ...")]
        let class = |k: usize| { let mut c = vec![header(k)]; c.extend(body.iter().cloned()); c };
        let mut base = class(0);
        base.push(String::new());
        base.extend(class(1));
        if tail { base.push(String::new()); base.push("def tail() -> None: ...".to_string()); }
        let start = |k: usize| if k == 0 { 0 } else { n + 2 };
        let target = start(usize::from(edited_second)) + 1 + line;
        let edit = |lines: &mut Vec<String>, at: usize| lines[at] = format!("{}  # edited", lines[at]);
        let mut ours = base.clone();
        edit(&mut ours, target);
        let k = usize::from(other_second);
        let mut theirs = base.clone();
        let mut intended = base.clone();
        edit(&mut intended, target);
        let copy: Vec<String> = std::iter::once(String::new()).chain(std::iter::once("class Copy:".to_string())).chain(body.iter().cloned()).collect();
        // Without unique headers, or with the copy appended right where the deleted class was,
        // deleting a class and appending a copy reads as renaming a header: the scripted intent
        // is not in the text.
        prop_assume!((headers && tail) || action != 2);
        let deleted_own = action != 1 && k == usize::from(edited_second);
        if action != 1 {
            // Delete class k with the blank line that separates it.
            let (s, e) = if k == 0 { (0, n + 2) } else { (n + 1, 2 * n + 3) };
            theirs.drain(s..e);
            if !deleted_own { intended.drain(s..e); }
        }
        if action != 0 {
            theirs.extend(copy.iter().cloned());
            intended.extend(copy.iter().cloned());
        }
        let out = merge(&join(&base, false), &join(&ours, false), &join(&theirs, false));
        if let Outcome::Clean(text) = &out {
            prop_assert!(!deleted_own, "edit inside the deleted class merged: {}", String::from_utf8_lossy(text));
            prop_assert_eq!(String::from_utf8_lossy(text).into_owned(), String::from_utf8(join(&intended, false)).unwrap());
        }
        if deleted_own || (!headers && action != 1) {
            prop_assert!(matches!(out, Outcome::Conflicted { .. }), "{out:?}");
        }
    }

    /// Move-versus-delete rule and its exception: theirs writes line `X` somewhere new and removes
    /// it at its place. When ours deletes `X` too, that is a move against a deletion and conflicts;
    /// when both rewrote `X` at its place into the same new line, the copy is theirs' new text and
    /// the merge is clean and equal to theirs plus ours' other changes.
    #[test]
    fn a_moved_line_against_a_deletion_conflicts_but_a_line_rewritten_alike_merges(
        n in 3..10usize, at in 0..10usize, to in 0..10usize, rewrite in any::<bool>(), far_edit in any::<bool>(),
    ) {
        let (at, to) = (at % n, to % (n + 1));
        // At least two lines between the two places, or the rewrite could as well be read as
        // moving those lines (as cheap an alignment, and a real conflict).
        prop_assume!(if to > at { to - at >= 3 } else { at - to >= 2 });
        let mut base: Vec<String> = (0..n).map(|i| format!("    run step_{i} --quiet")).collect();
        base.push("done".to_string());
        let x = "    flask --app hello --debug run".to_string();
        base.insert(at, x.clone());
        let changed = |lines: &mut Vec<String>| {
            if rewrite { lines[at] = "    flask --app hello run --debug".to_string(); } else { lines.remove(at); }
        };
        let mut ours = base.clone();
        changed(&mut ours);
        let mut theirs = base.clone();
        changed(&mut theirs);
        let pos = if to > at { to - usize::from(!rewrite) } else { to };
        theirs.insert(pos, x.clone());
        let last = ours.len() - 1;
        if far_edit { ours[last] = "done  # edited".to_string(); }
        let out = merge(&join(&base, false), &join(&ours, false), &join(&theirs, false));
        if rewrite {
            let mut intended = theirs.clone();
            if far_edit { let l = intended.len() - 1; intended[l] = "done  # edited".to_string(); }
            match &out {
                Outcome::Clean(text) => prop_assert_eq!(String::from_utf8_lossy(text).into_owned(), String::from_utf8(join(&intended, false)).unwrap()),
                other => prop_assert!(false, "{other:?}"),
            }
        } else {
            prop_assert!(matches!(out, Outcome::Conflicted { .. }), "{out:?}");
        }
    }

    /// Trimming: a conflict never starts or ends with a line both sides have there.
    #[test]
    fn conflicts_are_trimmed(
        (base, ours, theirs) in file().prop_flat_map(|b| (edited(b.clone()), edited(b))).prop_map(|((b, o), (_, t))| (b, o, t))
    ) {
        if let Outcome::Conflicted { text, .. } = merge(&join(&base, false), &join(&ours, false), &join(&theirs, false)) {
            let text = String::from_utf8(text).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let mut i = 0;
            while i < lines.len() {
                if lines[i].starts_with("<<<<<<< ") {
                    let mid = (i..lines.len()).find(|&j| lines[j].starts_with("||||||| ")).unwrap();
                    let eq = (mid..lines.len()).find(|&j| lines[j] == "=======").unwrap();
                    let end = (eq..lines.len()).find(|&j| lines[j].starts_with(">>>>>>> ")).unwrap();
                    let (o, t) = (&lines[i + 1..mid], &lines[eq + 1..end]);
                    prop_assert!(o.is_empty() || o.first() != t.first(), "{text}");
                    prop_assert!(o.is_empty() || o.last() != t.last(), "{text}");
                    i = end;
                }
                i += 1;
            }
        }
    }
}
