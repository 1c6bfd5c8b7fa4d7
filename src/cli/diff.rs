//! `fb diff`.

use std::path::PathBuf;

use anyhow::Result;

use super::Outcome;
use super::write_args::Format;
use crate::ops::diff::{DiffOptions, DiffTarget};
use crate::pack::options::split_list;
use crate::ui::Shell;

/// Show your edits since the render, or what an upgrade or a feature would change; writes nothing
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Your own edits against the recorded render (the default)
    #[arg(long, conflicts_with_all = ["to_level", "with", "to"])]
    local: bool,
    /// What `fb upgrade --to-level N` would change, after merging
    #[arg(long, value_name = "N", conflicts_with_all = ["with", "to"])]
    to_level: Option<i64>,
    /// What `fb update --to VERSION` would change, after merging (`latest`: the newest release)
    #[arg(long, value_name = "VERSION", conflicts_with = "with")]
    to: Option<String>,
    /// What `fb add F,...` would change, after merging
    #[arg(long = "with", value_name = "F,...")]
    with: Option<String>,
    /// Exit with status 1 when there are differences
    #[arg(long)]
    exit_code: bool,
    /// Only list the files and how each is affected
    #[arg(long)]
    stat: bool,
    /// Never use the network: git packs must be cached
    #[arg(long)]
    offline: bool,
    /// The project directory (default: the one around the current directory)
    #[arg(long, value_name = "DIR", default_value = ".")]
    path: PathBuf,
    /// Output: `text`, or `json` for scripts (schema in README, "JSON output")
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    format: Format,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let Args {
        local: _,
        to_level,
        to,
        with,
        exit_code,
        stat,
        path,
        offline,
        format,
    } = args;
    let target = match (to_level, to, with) {
        (Some(level), _, _) => DiffTarget::ToLevel(level),
        (None, Some(v), _) if v == "latest" => DiffTarget::ToVersion(None),
        (None, Some(v), _) => DiffTarget::ToVersion(Some(super::parse_version(&v)?)),
        (None, None, Some(with)) => DiffTarget::With(split_list(&with)),
        (None, None, None) => DiffTarget::Local,
    };
    let outcome = crate::ops::diff::run(
        DiffOptions {
            start: path,
            target,
            offline,
        },
        shell,
    )?;
    let differs = !outcome.changes.is_empty();
    if format == Format::Json {
        shell.out(super::json::diff(&outcome.labels, &outcome.changes));
        return Ok(match exit_code && differs {
            true => Outcome::NeedsUser,
            false => Outcome::Done,
        });
    }
    for change in &outcome.changes {
        let extra = if change.conflicts > 0 {
            format!(" ({} conflict(s))", change.conflicts)
        } else {
            String::new()
        };
        shell.out(format!(
            "{:>15}  {}{extra}",
            change.kind.label(),
            change.path
        ));
    }
    if !stat {
        if !outcome.changes.is_empty() {
            shell.out("");
        }
        super::report::diffs(shell, &outcome.changes);
    }
    if outcome.changes.is_empty() {
        shell.note(format!(
            "no differences between {} and {}",
            outcome.labels.0, outcome.labels.1
        ));
    }
    Ok(if exit_code && !outcome.changes.is_empty() {
        Outcome::NeedsUser
    } else {
        Outcome::Done
    })
}
