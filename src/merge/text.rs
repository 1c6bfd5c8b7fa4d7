//! Text as the merge sees it: lines without terminators, plus the file's own conventions (BOM,
//! line endings, final newline) so the result can be written back in the user's style.

/// The UTF-8 byte order mark.
const BOM: &str = "\u{feff}";

/// A decoded text file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a> {
    pub lines: Vec<&'a str>,
    pub bom: bool,
    /// Most line endings are CRLF.
    pub crlf: bool,
    /// The last line ends with a newline (an empty file counts as ending with one).
    pub final_newline: bool,
}

/// True when `bytes` cannot be merged line by line: a NUL byte or invalid UTF-8.
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.contains(&0) || std::str::from_utf8(bytes).is_err()
}

impl<'a> Text<'a> {
    /// Decodes text; `None` for binary content.
    pub fn decode(bytes: &'a [u8]) -> Option<Text<'a>> {
        if bytes.contains(&0) {
            return None;
        }
        let text = std::str::from_utf8(bytes).ok()?;
        let (bom, text) = match text.strip_prefix(BOM) {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let final_newline = text.is_empty() || text.ends_with('\n');
        let body = text.strip_suffix('\n').unwrap_or(text);
        let (mut crlf_count, mut lf_count) = (0usize, 0usize);
        let lines: Vec<&str> = if text.is_empty() {
            Vec::new()
        } else {
            let raw: Vec<&str> = body.split('\n').collect();
            let terminated = if final_newline {
                raw.len()
            } else {
                raw.len() - 1
            };
            raw.iter()
                .enumerate()
                .map(|(i, line)| {
                    if i < terminated {
                        match line.strip_suffix('\r') {
                            Some(l) => {
                                crlf_count += 1;
                                l
                            }
                            None => {
                                lf_count += 1;
                                line
                            }
                        }
                    } else {
                        line
                    }
                })
                .collect()
        };
        Some(Text {
            lines,
            bom,
            crlf: crlf_count > lf_count,
            final_newline,
        })
    }
}

/// Writes lines back with a file's conventions.
pub fn encode<S: AsRef<str>>(lines: &[S], bom: bool, crlf: bool, final_newline: bool) -> Vec<u8> {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut out =
        String::with_capacity(lines.iter().map(|l| l.as_ref().len() + 2).sum::<usize>() + 3);
    if bom {
        out.push_str(BOM);
    }
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line.as_ref());
        if i + 1 < lines.len() || final_newline {
            out.push_str(eol);
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_conventions() {
        let t = Text::decode(b"a\r\nb\r\nc").unwrap();
        assert_eq!(t.lines, ["a", "b", "c"]);
        assert!(t.crlf && !t.final_newline && !t.bom);
        let t = Text::decode("\u{feff}x\n".as_bytes()).unwrap();
        assert_eq!(t.lines, ["x"]);
        assert!(t.bom && t.final_newline && !t.crlf);
        let t = Text::decode(b"").unwrap();
        assert!(t.lines.is_empty() && t.final_newline);
        let t = Text::decode(b"\n").unwrap();
        assert_eq!(t.lines, [""]);
    }

    #[test]
    fn round_trips() {
        for input in [
            &b"a\nb\n"[..],
            b"a\r\nb",
            b"",
            b"\n\n",
            "\u{feff}a\r\n".as_bytes(),
            b"x",
        ] {
            let t = Text::decode(input).unwrap();
            assert_eq!(
                encode(&t.lines, t.bom, t.crlf, t.final_newline),
                input,
                "{input:?}"
            );
        }
    }

    #[test]
    fn detects_binary() {
        assert!(is_binary(b"PNG\0\x01"));
        assert!(is_binary(&[0xff, 0xfe, 0x41]));
        assert!(!is_binary("héllo\n".as_bytes()));
    }
}
