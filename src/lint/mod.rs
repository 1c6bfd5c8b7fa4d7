//! `fb lint`: FastAPI anti-patterns and the security checklist of fb's design notes, checked on
//! a real Python syntax tree (tree-sitter). Each rule has a stable code, a one-line message that
//! says the fix, and a rationale shown by `fb lint --explain CODE`.
//!
//! This module finds; the CLI prints. Findings are suppressed per line with `# noqa: FB001` (or a
//! bare `# noqa`), and per project with `[tool.fb.lint] select`/`ignore` in `pyproject.toml`.

mod rules;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;

pub use rules::RULES;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One rule: its code, a short name, and why it matters.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters and what to do instead, for `--explain`.
    pub rationale: &'static str,
}

/// A finding: where, which rule, and the message with its fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub code: &'static str,
    pub message: String,
    pub severity: Severity,
}

/// Which rules run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these codes (or prefixes: `FB0`); empty: all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    fn matches(list: &[String], code: &str) -> bool {
        list.iter().any(|c| code.starts_with(c.as_str()))
    }

    pub fn enabled(&self, code: &str) -> bool {
        (self.select.is_empty() || Self::matches(&self.select, code))
            && !Self::matches(&self.ignore, code)
    }

    /// Refuses codes no rule has, so a typo does not silently select nothing.
    pub fn check(&self) -> Result<()> {
        for code in self.select.iter().chain(&self.ignore) {
            if !RULES.iter().any(|r| r.code.starts_with(code.as_str())) {
                bail!(
                    "unknown rule `{code}`: fb lint's rules are {} (`fb lint --explain CODE` explains one)",
                    RULES.iter().map(|r| r.code).collect::<Vec<_>>().join(", ")
                );
            }
        }
        Ok(())
    }

    /// `[tool.fb.lint]` of a `pyproject.toml`, under the command line's own choices.
    pub fn with_pyproject(mut self, text: &str) -> Result<Selection> {
        let doc: toml::Table = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!(crate::limits::describe_toml_error(
                text,
                e.message(),
                e.span()
            ))
        })?;
        let Some(lint) = doc
            .get("tool")
            .and_then(|t| t.get("fb"))
            .and_then(|t| t.get("lint"))
        else {
            return Ok(self);
        };
        let list = |key: &str| -> Result<Vec<String>> {
            match lint.get(key) {
                None => Ok(Vec::new()),
                Some(toml::Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .with_context(|| format!("`[tool.fb.lint] {key}` must list strings"))
                    })
                    .collect(),
                Some(_) => bail!("`[tool.fb.lint] {key}` must be a list of rule codes"),
            }
        };
        if self.select.is_empty() {
            self.select = list("select")?;
        }
        self.ignore.extend(list("ignore")?);
        Ok(self)
    }
}

/// True for files that hold tests, where literals such as passwords are fixtures, not secrets.
pub fn is_test_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.split('/').any(|s| s == "tests" || s == "test")
        || name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
}

/// Lints one Python source. `path` is how findings name the file.
pub fn lint_source(path: &str, source: &str, selection: &Selection) -> Vec<Finding> {
    let mut findings = rules::check(path, source, is_test_path(path));
    findings.retain(|f| selection.enabled(f.code) && !suppressed(source, f));
    findings.sort_by(|a, b| (a.line, a.column, a.code).cmp(&(b.line, b.column, b.code)));
    findings
}

/// `# noqa` or `# noqa: FB001, FB002` on the finding's line.
fn suppressed(source: &str, finding: &Finding) -> bool {
    let Some(line) = source.lines().nth(finding.line - 1) else {
        return false;
    };
    let Some(at) = line.find("# noqa") else {
        return false;
    };
    let rest = line[at + "# noqa".len()..].trim_start();
    match rest.strip_prefix(':') {
        Some(codes) => codes
            .split(|c: char| c == ',' || c.is_whitespace())
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .take_while(|c| c.chars().all(|ch| ch.is_ascii_alphanumeric()))
            .any(|c| c == finding.code),
        None => true,
    }
}

/// Every Python file under `paths` (files are taken as given; directories are walked the way git
/// sees them, `.gitignore` honoured), sorted.
pub fn python_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        if meta.is_file() {
            files.push(path.clone());
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .hidden(true)
            .require_git(false)
            .git_global(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            let entry = entry.with_context(|| format!("cannot list `{}`", path.display()))?;
            if entry.file_type().is_some_and(|t| t.is_file())
                && entry.path().extension().is_some_and(|e| e == "py")
            {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Lints every Python file under `paths`; the `pyproject.toml` of the first path (or its nearest
/// parent that has one) adds its `[tool.fb.lint]` selection.
pub fn lint_paths(paths: &[PathBuf], selection: Selection) -> Result<Vec<Finding>> {
    let selection = match paths.first().and_then(|p| find_pyproject(p)) {
        Some(pyproject) => {
            let text = std::fs::read_to_string(&pyproject)
                .with_context(|| format!("cannot read `{}`", pyproject.display()))?;
            selection
                .with_pyproject(&text)
                .with_context(|| format!("invalid `{}`", pyproject.display()))?
        }
        None => selection,
    };
    selection.check()?;
    let files = python_files(paths)?;
    // Files are independent: one thread a core, each taking every n-th file.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let results: Vec<Result<Vec<Finding>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (files, selection) = (&files, &selection);
                scope.spawn(move || {
                    let mut found = Vec::new();
                    for file in files.iter().skip(t).step_by(threads) {
                        found.extend(lint_file(file, selection)?);
                    }
                    Ok(found)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| bail!("a lint thread panicked")))
            .collect()
    });
    let mut findings = Vec::new();
    for result in results {
        findings.extend(result?);
    }
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code).cmp(&(&b.path, b.line, b.column, b.code))
    });
    Ok(findings)
}

fn lint_file(file: &Path, selection: &Selection) -> Result<Vec<Finding>> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read `{}`", file.display()))?;
    // A file that is not UTF-8 is not Python 3 source fb can judge; skip it, as ruff does.
    let Ok(source) = String::from_utf8(bytes) else {
        return Ok(Vec::new());
    };
    let shown = file
        .strip_prefix("./")
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/");
    Ok(lint_source(&shown, &source, selection))
}

fn find_pyproject(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    dir.ancestors()
        .map(|d| d.join("pyproject.toml"))
        .find(|p| p.is_file())
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noqa_suppresses_the_named_codes_only() {
        let f = |line| Finding {
            path: "a.py".into(),
            line,
            column: 1,
            code: "FB001",
            message: String::new(),
            severity: Severity::Error,
        };
        let src = "x  # noqa: FB001\ny  # noqa: FB002\nz  # noqa\nw\n";
        assert!(suppressed(src, &f(1)));
        assert!(!suppressed(src, &f(2)));
        assert!(suppressed(src, &f(3)));
        assert!(!suppressed(src, &f(4)));
    }

    #[test]
    fn selection_and_pyproject() {
        let s = Selection::default()
            .with_pyproject("[tool.fb.lint]\nignore = [\"FB002\"]\n")
            .unwrap();
        assert!(s.enabled("FB001") && !s.enabled("FB002"));
        let s = Selection {
            select: vec!["FB00".into()],
            ignore: vec![],
        };
        assert!(s.enabled("FB003"));
        assert!(
            Selection {
                select: vec!["XYZ".into()],
                ignore: vec![]
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path("tests/api/test_auth.py"));
        assert!(is_test_path("app/conftest.py"));
        assert!(!is_test_path("app/core/config.py"));
    }
}
