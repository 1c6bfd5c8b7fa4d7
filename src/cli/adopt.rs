//! `fb adopt`: arguments and the report of candidates; the work is in [`crate::ops::adopt`].

use std::path::PathBuf;

use anyhow::Result;
use indexmap::IndexMap;

use super::Outcome;
use crate::ops::adopt::{AdoptOptions, describe};
use crate::pack::options::Explicit;
use crate::source::PackRequest;
use crate::ui::Shell;

/// Write a lockfile for a FastAPI project fb did not create, so fb can merge into it
#[derive(Debug, clap::Args)]
#[command(
    after_help = "fb renders its pack with every combination of options, scores each against your files and\nrecords the best; your code then counts as edits of that render.\n\nExamples:\n  fb adopt --dry-run\n  fb adopt --level 3 --auth oauth2\n  fb adopt --path backend --name app"
)]
pub struct Args {
    /// The project directory
    #[arg(long, value_name = "DIR", default_value = ".")]
    path: PathBuf,
    /// Fix the level instead of detecting it
    #[arg(long, value_name = "N")]
    level: Option<String>,
    /// Fix the database: sqlite, postgres or mongodb
    #[arg(long, value_name = "DB")]
    db: Option<String>,
    /// Fix the authentication: jwt, oauth2, apikey or none
    #[arg(long, value_name = "AUTH")]
    auth: Option<String>,
    /// Fix the domain preset: tasks, blog or shop
    #[arg(long, value_name = "DOMAIN")]
    domain: Option<String>,
    /// Fix any pack option: KEY=VALUE (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// The project name the pack renders with [default: pyproject.toml's, else the directory's]
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// The pack: `fastapi` (built in), a registry name, a git URL or a directory, `@VERSION` optional
    #[arg(long, value_name = "SOURCE", default_value = "fastapi")]
    pack: String,
    /// Show the candidates and their scores; write nothing
    #[arg(long)]
    dry_run: bool,
    /// Never use the network: a git pack must be cached
    #[arg(long)]
    offline: bool,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let Args {
        path,
        level,
        db,
        auth,
        domain,
        set,
        name,
        pack,
        dry_run,
        offline,
    } = args;
    let mut fixed: IndexMap<String, Explicit> = super::parse_sets(&set)?;
    for (key, value) in [
        ("level", level),
        ("db", db),
        ("auth", auth),
        ("domain", domain),
    ] {
        if let Some(value) = value {
            fixed.insert(key.into(), Explicit::Value(value));
        }
    }
    let outcome = crate::ops::adopt::run(
        AdoptOptions {
            path,
            pack: PackRequest::parse(&pack)?,
            fixed,
            name,
            dry_run,
            offline,
        },
        shell,
    )?;
    shell.out(format!(
        "{:>7}  {:>9}  {:>7}  {:>7}  options of pack {} {}",
        "score", "identical", "changed", "missing", outcome.pack_name, outcome.pack_version
    ));
    for (i, c) in outcome.candidates.iter().take(5).enumerate() {
        shell.out(format!(
            "{:>7.1}  {:>9}  {:>7}  {:>7}  {}{}",
            c.score,
            c.identical,
            c.changed,
            c.missing,
            describe(&c.options),
            if i == 0 { "   <- best" } else { "" }
        ));
    }
    let best = &outcome.candidates[0];
    let what = format!(
        "{} as {}: {} file(s) identical, {} changed (your edits), {} the project lacks (recorded as deleted)",
        outcome.project,
        describe(&outcome.lock.options),
        best.identical,
        best.changed,
        best.missing
    );
    if dry_run {
        shell.note(format!(
            "would adopt {what}; nothing was written (--dry-run)"
        ));
    } else {
        shell.status("Adopted", what);
        shell.note(format!(
            "`fb status` now lists your changes against that render; override a detection with --level, --db, --auth or --set; added resources need `--set resources=...`, and `{}` can be deleted to start over",
            crate::lock::LOCK_FILE
        ));
    }
    Ok(Outcome::Done)
}
