//! Every limit fb puts on its inputs, in one place: how big a pack, a render, a lockfile or a
//! journal may be, how much work one template may do, and how much of a bad input an error may
//! quote. A hostile pack or a corrupted file meets a clear error here instead of exhausting memory
//! or time. The figures are generous for real packs (see README, "Limits"): the built-in pack at
//! its largest level uses well under 1% of each.

use anyhow::{Result, bail};

/// Work one template file (or one path, condition or message) may do, in minijinja fuel: about
/// one unit per instruction and one per 64 bytes of data it creates. Also bounds the memory a
/// template can allocate to about `64 × FUEL_PER_TEMPLATE` bytes.
pub const FUEL_PER_TEMPLATE: u64 = 4_000_000;

/// Work a whole render may do, summed over its templates.
pub const FUEL_PER_RENDER: u64 = 100_000_000;

/// How deep includes, macros and nested blocks may go (minijinja counts an include or a macro
/// call as about ten levels).
pub const RECURSION_LIMIT: usize = 300;

/// The largest file one template may render.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The largest render, summed over its files.
pub const MAX_RENDER_BYTES: u64 = 512 << 20;

/// The most files a pack may hold.
pub const MAX_PACK_FILES: usize = 20_000;

/// The largest pack, summed over its files.
pub const MAX_PACK_BYTES: u64 = 256 << 20;

/// The largest lockfile fb reads (a lock lists one hash per file: 100,000 files take ~10 MiB).
pub const MAX_LOCK_BYTES: u64 = 32 << 20;

/// The largest `pack.toml` fb reads.
pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// The most migration files fb reads in a project's migrations directory, and how much of each:
/// Alembic writes `revision` and `down_revision` at the top, so the head is enough.
pub const MAX_MIGRATION_FILES: usize = 10_000;
pub const MIGRATION_HEAD_BYTES: u64 = 64 << 10;

/// The most characters of a bad input an error message quotes.
pub const MAX_QUOTED_CHARS: usize = 200;

/// Counts the files of a pack as a source loads them, so a pack over the limits is refused before
/// it is all in memory.
#[derive(Debug, Default)]
pub struct PackSize {
    files: usize,
    bytes: u64,
}

impl PackSize {
    /// Accounts for one more file of `size` bytes.
    pub fn add(&mut self, path: &str, size: u64) -> Result<()> {
        self.files += 1;
        self.bytes = self.bytes.saturating_add(size);
        if self.files > MAX_PACK_FILES {
            bail!("the pack has more than {MAX_PACK_FILES} files, fb's limit for a pack");
        }
        if self.bytes > MAX_PACK_BYTES {
            bail!(
                "the pack is larger than {}, fb's limit for a pack (at `{}`)",
                human_bytes(MAX_PACK_BYTES),
                quote(path)
            );
        }
        Ok(())
    }
}

/// Sizes in messages: `64 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// Refuses a `what` of `size` bytes when it is larger than `max`.
pub fn check_size(what: &str, size: u64, max: u64) -> Result<()> {
    if size > max {
        bail!(
            "{what} is {}, more than fb's limit of {}",
            human_bytes(size),
            human_bytes(max)
        );
    }
    Ok(())
}

/// `text` on one line and cut to [`MAX_QUOTED_CHARS`], for quoting input in an error.
pub fn quote(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    if trimmed.chars().count() <= MAX_QUOTED_CHARS {
        return trimmed.to_string();
    }
    let cut: String = trimmed.chars().take(MAX_QUOTED_CHARS).collect();
    format!("{cut}…")
}

/// The first `max` items, joined with commas, then how many more there are: `a, b and 3 more`.
pub fn list_cut<S: AsRef<str>>(items: &[S], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(AsRef::as_ref).collect();
    match items.len().saturating_sub(max) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The 1-based line and column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// A TOML parse error as one short sentence: where, what, and a cut excerpt of the line.
pub fn describe_toml_error(
    text: &str,
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> String {
    let message = quote(message);
    let Some(span) = span else {
        return message;
    };
    let (line, column) = line_column(text, span.start);
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    // Show the part of the line around the error, never more than a short excerpt.
    let start_char = column.saturating_sub(40);
    let excerpt: String = line_text.chars().skip(start_char).take(80).collect();
    let ellipsis = if line_text.chars().count() > start_char + 80 {
        "…"
    } else {
        ""
    };
    format!(
        "line {line}, column {column}: {message} (in `{}{ellipsis}`)",
        quote(&excerpt)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_short_and_on_one_line() {
        let long = "x".repeat(10_000);
        let q = quote(&long);
        assert_eq!(q.chars().count(), MAX_QUOTED_CHARS + 1);
        assert_eq!(quote("a\nb\tc"), "a b c");
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 3), (2, 1));
    }

    #[test]
    fn lists_are_cut() {
        assert_eq!(list_cut(&["a", "b"], 3), "a, b");
        assert_eq!(list_cut(&["a", "b", "c", "d"], 2), "a, b and 2 more");
    }

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(64 << 20), "64 MiB");
        assert_eq!(human_bytes(12), "12 bytes");
        assert!(
            check_size("the lockfile", 2, 1)
                .unwrap_err()
                .to_string()
                .contains("limit")
        );
    }
}
