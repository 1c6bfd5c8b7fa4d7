//! Terminal output in cargo's style: right-aligned status verbs, warnings, quiet and verbose modes.
//!
//! Everything fb prints goes through [`Shell`], on stderr, except data a command is asked for
//! (`fb status`, `fb new --dry-run`), which goes to stdout so it can be piped.

use std::fmt::Display;
use std::io::{IsTerminal, Write};

use console::Style;

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub struct Shell {
    verbosity: Verbosity,
    color: bool,
}

impl Shell {
    pub fn new(verbosity: Verbosity, color: ColorChoice) -> Shell {
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // console honours NO_COLOR, CLICOLOR and whether stderr is a terminal.
            ColorChoice::Auto => console::colors_enabled_stderr(),
        };
        console::set_colors_enabled(color);
        console::set_colors_enabled_stderr(color);
        Shell { verbosity, color }
    }

    pub fn is_quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// True when both stdin and stderr are terminals, so a prompt can be shown and answered.
    pub fn is_interactive(&self) -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    /// A status line: `    Creating demo (level 2, sqlite)`.
    pub fn status(&self, verb: &str, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            self.line(verb, Style::new().green().bold(), message);
        }
    }

    /// A status line shown only with `--verbose`.
    pub fn verbose(&self, verb: &str, message: impl Display) {
        if self.verbosity >= Verbosity::Verbose {
            self.line(verb, Style::new().cyan().bold(), message);
        }
    }

    /// A status line in yellow, for outcomes that need the user's attention.
    pub fn status_warn(&self, verb: &str, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            self.line(verb, Style::new().yellow().bold(), message);
        }
    }

    fn line(&self, verb: &str, style: Style, message: impl Display) {
        let verb = style.apply_to(format!("{verb:>12}"));
        let _ = writeln!(std::io::stderr(), "{verb} {message}");
    }

    pub fn warn(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            let label = Style::new().yellow().bold().apply_to("warning");
            let _ = writeln!(std::io::stderr(), "{label}: {message}");
        }
    }

    pub fn note(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            let label = Style::new().cyan().bold().apply_to("note");
            let _ = writeln!(std::io::stderr(), "{label}: {message}");
        }
    }

    /// Free text on stderr (next steps, hints), suppressed by `--quiet`.
    pub fn text(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            let _ = writeln!(std::io::stderr(), "{message}");
        }
    }

    /// Data the user asked for, on stdout; printed even with `--quiet`.
    pub fn out(&self, message: impl Display) {
        let _ = writeln!(std::io::stdout(), "{message}");
    }

    /// Style for emphasis within a message (paths, commands), honouring the colour choice.
    pub fn bold(&self, text: impl Display) -> String {
        if self.color {
            Style::new().bold().apply_to(text).to_string()
        } else {
            text.to_string()
        }
    }

    pub fn paint(&self, text: impl Display, style: Style) -> String {
        if self.color {
            style.apply_to(text).to_string()
        } else {
            text.to_string()
        }
    }

    /// A progress bar for slow work (git fetches): a bar on a terminal, a status line otherwise,
    /// nothing with `--quiet`.
    pub fn progress(&self, label: &str) -> Progress {
        if self.is_quiet() {
            return Progress(None);
        }
        if !std::io::stderr().is_terminal() {
            let (verb, rest) = label.split_once(' ').unwrap_or((label, ""));
            self.status(verb, rest);
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(0);
        let style = indicatif::ProgressStyle::with_template(
            "{prefix:>12.cyan.bold} [{bar:27}] {pos}/{len} objects",
        )
        .expect("valid template")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(label.split_once(' ').map_or(label, |(v, _)| v).to_string());
        Progress(Some(bar))
    }

    /// Prints an error as one line: what fb was doing, then each cause after `: `, as git and ruff
    /// print them. A cause that is a list (every template that failed) keeps its items on the
    /// lines below, indented.
    pub fn error(&self, err: &anyhow::Error) {
        let label = Style::new().red().bold().apply_to("error");
        let (line, items) = one_line_error(err);
        let mut stderr = std::io::stderr();
        let _ = writeln!(stderr, "{label}: {line}");
        for item in items {
            let _ = writeln!(stderr, "  {item}");
        }
    }

    /// A warning that `--quiet` does not hide: something the user must act on (conflicts left).
    pub fn alert(&self, message: impl Display) {
        let label = Style::new().yellow().bold().apply_to("warning");
        let _ = writeln!(std::io::stderr(), "{label}: {message}");
    }
}

/// An error chain as one line plus the items of a cause that is a list. A cause that repeats the
/// message before it (a context that only restates) is left out.
pub fn one_line_error(err: &anyhow::Error) -> (String, Vec<String>) {
    let mut line = String::new();
    let mut items = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("").trim().trim_end_matches(':');
        if first.is_empty() || line.ends_with(first) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(first);
        items.extend(
            lines
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
        );
    }
    (line, items)
}

/// A progress bar handed out by [`Shell::progress`].
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub fn set(&self, done: u64, total: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
