//! `fb status`: the project's pack and options, and what changed since the last render.

use std::path::PathBuf;

use anyhow::Result;

use super::Outcome;
use super::write_args::Format;
use crate::ui::Shell;

/// Show the project's pack, options and the files changed since the last render
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Look for the project from DIR instead of the current directory
    #[arg(long, value_name = "DIR", default_value = ".")]
    path: PathBuf,
    /// Output: `text`, or `json` for scripts (schema in README, "JSON output")
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    format: Format,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let report = crate::ops::status::run(&args.path, shell)?;
    if args.format == Format::Json {
        shell.out(super::json::status(&report));
        return Ok(match report.changes.conflicted.is_empty() {
            true => Outcome::Done,
            false => Outcome::NeedsUser,
        });
    }
    let lock = &report.lock;
    shell.out(format!(
        "project {} ({})",
        report
            .root
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        report.root.display()
    ));
    let newer = match &report.newer {
        Some(v) => format!("; {v} is available: `fb update`"),
        None => String::new(),
    };
    shell.out(format!(
        "pack    {} {} ({}){newer}",
        lock.pack.name, lock.pack.version, lock.pack.source
    ));
    let options: Vec<String> = lock
        .options
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    shell.out(format!("options {}", options.join(" ")));
    let changes = &report.changes;
    if changes.is_clean() {
        shell.out("\nno changes since the last render");
        return Ok(Outcome::Done);
    }
    for (title, paths) in [
        ("modified", &changes.modified),
        ("deleted", &changes.deleted),
        ("added", &changes.added),
    ] {
        if !paths.is_empty() {
            shell.out(format!("\n{title} ({}):", paths.len()));
            for path in paths {
                shell.out(format!("  {path}"));
            }
        }
    }
    if changes.conflicted.is_empty() {
        return Ok(Outcome::Done);
    }
    shell.out(format!(
        "\nunresolved conflicts ({}):",
        changes.conflicted.len()
    ));
    for path in &changes.conflicted {
        shell.out(format!("  {path}"));
    }
    shell.warn(format!(
        "{} file(s) still hold conflict markers: resolve them, then remove the markers",
        changes.conflicted.len()
    ));
    Ok(Outcome::NeedsUser)
}
