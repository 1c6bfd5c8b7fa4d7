//! Unit tests of the merge: the cases that shape its rules. The corpus in `tests/merge_cases/`
//! measures quality on realistic files.

use super::*;

fn merge(base: &str, ours: &str, theirs: &str) -> Outcome {
    merge_bytes(
        base.as_bytes(),
        ours.as_bytes(),
        theirs.as_bytes(),
        &Labels::default(),
    )
}

fn clean(base: &str, ours: &str, theirs: &str) -> String {
    match merge(base, ours, theirs) {
        Outcome::Clean(text) => String::from_utf8(text).unwrap(),
        other => panic!("expected a clean merge, got {other:?}"),
    }
}

fn conflicted(base: &str, ours: &str, theirs: &str) -> String {
    match merge(base, ours, theirs) {
        Outcome::Conflicted { text, .. } => String::from_utf8(text).unwrap(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn trivial_merges() {
    assert_eq!(clean("a\n", "a\n", "b\n"), "b\n");
    assert_eq!(clean("a\n", "b\n", "a\n"), "b\n");
    assert_eq!(clean("a\n", "b\n", "b\n"), "b\n");
}

#[test]
fn separate_changes_merge() {
    assert_eq!(
        clean("a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n"),
        "A\nb\nc\nd\nE\n"
    );
}

#[test]
fn adjacent_changes_merge() {
    assert_eq!(clean("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n"), "a\nB\nC\n");
}

#[test]
fn same_change_applies_once() {
    assert_eq!(clean("a\nb\n", "a\nx\nb\n", "a\nx\nb\n"), "a\nx\nb\n");
    assert_eq!(
        clean("a\nb\nc\n", "a\nx\nc\nz\n", "a\nx\nc\n"),
        "a\nx\nc\nz\n"
    );
}

#[test]
fn a_change_contained_in_the_other_wins() {
    // Both add an import; ours adds a second one beside it.
    assert_eq!(
        clean(
            "import a\n\nbody\n",
            "import a\nimport b\nimport c\n\nbody\n",
            "import a\nimport b\n\nbody\n"
        ),
        "import a\nimport b\nimport c\n\nbody\n"
    );
}

#[test]
fn true_conflicts_are_flagged() {
    let text = conflicted("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n");
    assert_eq!(
        text,
        "a\n<<<<<<< yours\nX\n||||||| base\nb\n=======\nY\n>>>>>>> theirs\nc\n"
    );
}

#[test]
fn delete_against_modify_conflicts() {
    conflicted("a\nb\nc\n", "a\nc\n", "a\nB\nc\n");
    conflicted("a\nb\nc\n", "a\nB\nc\n", "a\nc\n");
}

#[test]
fn different_insertions_at_one_point_conflict() {
    conflicted("a\n", "a\nx\n", "a\ny\n");
}

#[test]
fn both_deleting_overlapping_lines_is_clean() {
    assert_eq!(clean("a\nb\nc\nd\n", "a\nd\n", "a\nb\n"), "a\n");
}

#[test]
fn crlf_files_stay_crlf() {
    assert_eq!(
        clean("a\nb\nc\n", "a\r\nb\r\nc\r\nmine\r\n", "A\nb\nc\n"),
        "A\r\nb\r\nc\r\nmine\r\n"
    );
    // Only line endings differ: the user's style wins, the template's change applies.
    assert_eq!(clean("a\nb\n", "a\r\nb\r\n", "a\nB\n"), "a\r\nB\r\n");
}

#[test]
fn bom_and_missing_final_newline_are_kept() {
    assert_eq!(clean("a\nb\n", "\u{feff}a\nb", "A\nb\n"), "\u{feff}A\nb");
    // git's known breakage: theirs drops the final LF on a line ours appended after.
    assert_eq!(clean("a\nb\n", "a\nb\nc\n", "A\nb"), "A\nb\nc\n");
}

#[test]
fn markers_are_seven_characters_even_beside_marker_like_lines() {
    // git's tools (`git diff --check`, pre-commit) look for exactly 7; longer markers come from
    // the `conflict-marker-size` attribute.
    let text = conflicted(
        "Title\n=======\nx\n",
        "Title\n=======\nours\n",
        "Title\n=======\ntheirs\n",
    );
    assert!(
        text.contains("\n<<<<<<< yours\n") && text.contains("\n>>>>>>> theirs\n"),
        "{text}"
    );
    let sized = merge_bytes_with(b"x\n", b"ours\n", b"theirs\n", &Labels::default(), 20);
    let Outcome::Conflicted { text, .. } = sized else {
        panic!("{sized:?}")
    };
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.starts_with(&format!("{} yours\n", "<".repeat(20))),
        "{text}"
    );
}

#[test]
fn marker_size_comes_from_gitattributes() {
    let attrs =
        "# docs\n*.rst conflict-marker-size=32\n/docs/x.md conflict-marker-size=12\n*.py text\n";
    assert_eq!(
        marker_size_from_gitattributes(attrs, "docs/index.rst"),
        Some(32)
    );
    assert_eq!(marker_size_from_gitattributes(attrs, "docs/x.md"), Some(12));
    assert_eq!(marker_size_from_gitattributes(attrs, "x.md"), None);
    assert_eq!(marker_size_from_gitattributes(attrs, "app/main.py"), None);
    let later = "* conflict-marker-size=9\n*.md -conflict-marker-size\n";
    assert_eq!(marker_size_from_gitattributes(later, "README.md"), None);
    assert_eq!(marker_size_from_gitattributes(later, "a.py"), Some(9));
}

#[test]
fn conflicts_in_crlf_files_use_crlf_markers() {
    let text = conflicted("a\r\nb\r\n", "a\r\nX\r\n", "a\r\nY\r\n");
    assert!(
        text.contains(
            "<<<<<<< yours\r\nX\r\n||||||| base\r\nb\r\n=======\r\nY\r\n>>>>>>> theirs\r\n"
        ),
        "{text:?}"
    );
}

#[test]
fn binary_is_never_line_merged() {
    assert_eq!(
        merge_bytes(b"a\0", b"b\0", b"c\0", &Labels::default()),
        Outcome::Binary
    );
    assert_eq!(
        merge_bytes(b"a\0", b"a\0", b"c\0", &Labels::default()),
        Outcome::Clean(b"c\0".to_vec())
    );
}

const HELPER_FIRST: &str = "import x\n\n\ndef helper():\n    a = 1\n    return a\n\n\ndef main():\n    b = helper()\n    c = b + 1\n    return c\n";
const HELPER_LAST: &str = "import x\n\n\ndef main():\n    b = helper()\n    c = b + 1\n    return c\n\n\ndef helper():\n    a = 1\n    return a\n";

#[test]
fn an_edit_follows_a_block_the_other_side_moved() {
    let edited_first = HELPER_FIRST.replace("a = 1", "a = 2");
    let edited_last = HELPER_LAST.replace("a = 1", "a = 2");
    // The user moves the helper; the template edits inside it. A plain line merge conflicts.
    let text = |s: &'static str| Text::decode(s.as_bytes()).unwrap();
    let edited: &'static str = edited_first.clone().leak();
    let plain = Merge::compute(&text(HELPER_FIRST), &text(HELPER_LAST), &text(edited));
    assert!(plain.conflicts() > 0);
    assert_eq!(clean(HELPER_FIRST, HELPER_LAST, &edited_first), edited_last);
    // The template moves the helper; the user edits inside it.
    assert_eq!(clean(HELPER_FIRST, &edited_first, HELPER_LAST), edited_last);
}

#[test]
fn a_moved_block_both_sides_edited_stays_a_conflict() {
    let ours = HELPER_LAST.replace("a = 1", "a = 3");
    let theirs = HELPER_FIRST.replace("a = 1", "a = 2");
    let text = conflicted(HELPER_FIRST, &ours, &theirs);
    assert!(text.contains("a = 3") && text.contains("a = 2"), "{text}");
}

#[test]
fn same_key_entry_added_twice_in_one_table_conflicts() {
    // JSON: one side adds the dependency in sorted position, the other at the end.
    let base = "{\n  \"deps\": {\n    \"a\": \"1\",\n    \"b\": \"2\",\n    \"c\": \"3\"\n  }\n}\n";
    let ours = "{\n  \"deps\": {\n    \"a\": \"1\",\n    \"q\": \"9\",\n    \"b\": \"2\",\n    \"c\": \"3\"\n  }\n}\n";
    let theirs = "{\n  \"deps\": {\n    \"a\": \"1\",\n    \"b\": \"2\",\n    \"c\": \"3\",\n    \"q\": \"9\"\n  }\n}\n";
    let text = conflicted(base, ours, theirs);
    assert_eq!(text.matches("\"q\": \"9\"").count(), 2, "{text}");
    // TOML: the same key added at two places of one table.
    let base = "[tool.x]\na = 1\nb = 2\nc = 3\nd = 4\n[tool.y]\ne = 5\n";
    let ours = "[tool.x]\nk = \"v\"\na = 1\nb = 2\nc = 3\nd = 4\n[tool.y]\ne = 5\n";
    let theirs = "[tool.x]\na = 1\nb = 2\nc = 3\nd = 4\nk = \"v\"\n[tool.y]\ne = 5\n";
    conflicted(base, ours, theirs);
}

#[test]
fn same_line_in_different_tables_or_not_a_key_merges() {
    // The same field added to two different classes is no duplicate.
    let base = "class A:\n    x: int\n\n\nclass B:\n    y: int\n";
    let ours = "class A:\n    x: int\n    email: str\n\n\nclass B:\n    y: int\n";
    let theirs = "class A:\n    x: int\n\n\nclass B:\n    y: int\n    email: str\n";
    assert_eq!(
        clean(base, ours, theirs),
        "class A:\n    x: int\n    email: str\n\n\nclass B:\n    y: int\n    email: str\n"
    );
    // A statement that legitimately recurs is no key.
    let base = "def f(host):\n    a()\n    b()\n    c()\n    d()\n    e()\n";
    let ours = "def f(host):\n    if host is None:\n    a()\n    b()\n    c()\n    d()\n    e()\n";
    let theirs =
        "def f(host):\n    a()\n    b()\n    c()\n    d()\n    e()\n    if host is None:\n";
    clean(base, ours, theirs);
    // The same key in two tables (TOML headers) is no duplicate either.
    let base = "[a]\nx = 1\ny = 2\nz = 3\n[b]\nu = 1\nv = 2\n";
    let ours = "[a]\nx = 1\nk = true\ny = 2\nz = 3\n[b]\nu = 1\nv = 2\n";
    let theirs = "[a]\nx = 1\ny = 2\nz = 3\n[b]\nu = 1\nv = 2\nk = true\n";
    clean(base, ours, theirs);
}

#[test]
fn key_lines() {
    for yes in [
        "\"a\": 1,",
        "name = \"x\"",
        "image: postgres:15",
        "- name: lint",
        "'k': v",
    ] {
        assert!(key_line(yes), "{yes}");
    }
    for no in [
        "if host is None:",
        "return x",
        "a == b",
        "class A:",
        "\"k\":",
        "x()",
        "",
    ] {
        assert!(!key_line(no), "{no}");
    }
}

/// The anchors rule of `ambiguous_context`: a change is pinned only when the lines both texts
/// hold once around it bracket exactly one copy of its context in the base and in the other
/// side, where the other side's diff puts it.
#[test]
fn a_change_is_pinned_only_by_one_copy_between_anchors() {
    let pinned = |base: &str, other: &str, at: usize| {
        let (b, o) = (
            Text::decode(base.as_bytes()).unwrap(),
            Text::decode(other.as_bytes()).unwrap(),
        );
        let ids = Interned::new(&b, &o, &b);
        let index = |text: &[u32]| {
            let mut map: LineIndex = HashMap::new();
            for (i, id) in text.iter().enumerate() {
                map.entry(*id).or_default().push(i);
            }
            map
        };
        let edits = diff::edits_numbered(
            Alignment::Forward,
            (&ids.base, &ids.ours),
            ids.distinct,
            &b.lines,
            &o.lines,
        );
        pinned_between_anchors(
            &ids,
            (&ids.ours, &ids.ours_counts),
            (&index(&ids.base), &index(&ids.ours)),
            &edits,
            (at, at + 1),
        )
    };
    // The other side deletes class B; a change in A's body is pinned by `class A:` above and
    // A's own field below (B's copy of the context lies past it)...
    let base = "class A:\n    x = 1\n    y = 2\n    a = 3\n\nclass B:\n    x = 1\n    y = 2\n";
    let without_b = "class A:\n    x = 1\n    y = 2\n    a = 3\n";
    assert!(pinned(base, without_b, 1));
    // ... a change in B's body is not: B's context is gone from the other side.
    assert!(!pinned(base, without_b, 6));
    // With no unique line between the change and the other copy, nothing pins it.
    let alike = "class A:\n    x = 1\n    y = 2\n\nclass B:\n    x = 1\n    y = 2\n";
    assert!(!pinned(alike, "class A:\n    x = 1\n    y = 2\n", 1));
    // Twins with no unique line between them: the bracket holds the context twice.
    let twins = "top\n    x = 1\n    y = 2\n    x = 1\n    y = 2\nend\n";
    assert!(!pinned(twins, "top\n    x = 1\n    y = 2\nend\n", 1));
    // A copy added past a unique line below the change does not unpin it; one added inside does.
    let one = "class A:\n    x = 1\n    y = 2\ndef tail(): ...\n";
    assert!(pinned(
        one,
        "class A:\n    x = 1\n    y = 2\ndef tail(): ...\n    x = 1\n    y = 2\n",
        1
    ));
    assert!(!pinned(
        one,
        "class A:\n    x = 1\n    y = 2\n    x = 1\n    y = 2\ndef tail(): ...\n",
        1
    ));
}
