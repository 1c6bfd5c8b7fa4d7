//! `fb upgrade --to-level N`.

use std::path::PathBuf;

use anyhow::Result;
use indexmap::IndexMap;

use super::Outcome;
use crate::ops::upgrade::UpgradeOptions;
use crate::pack::options::{Asker, Explicit};
use crate::ui::Shell;

/// Re-render the project at a higher level and three-way merge it into your files
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The level to go to (higher than the current one)
    #[arg(long, value_name = "N")]
    to_level: i64,
    /// Authentication for levels 3 and up: jwt, oauth2 or apikey
    #[arg(long, value_name = "AUTH")]
    auth: Option<String>,
    /// Set any pack option: KEY=VALUE (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Take the defaults for new options; never prompt
    #[arg(short, long)]
    yes: bool,
    /// Show what would change; write nothing
    #[arg(long)]
    dry_run: bool,
    /// Write even if the git work tree has uncommitted changes
    #[arg(long)]
    allow_dirty: bool,
    /// Never use the network (the built-in pack never needs it)
    #[arg(long)]
    offline: bool,
    /// The project directory (default: the one around the current directory)
    #[arg(long, value_name = "DIR", default_value = ".")]
    path: PathBuf,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let Args {
        to_level,
        auth,
        set,
        yes,
        dry_run,
        allow_dirty,
        offline: _,
        path,
    } = args;
    let mut overrides: IndexMap<String, Explicit> = super::parse_sets(&set)?;
    if let Some(auth) = auth {
        overrides.insert("auth".into(), Explicit::Value(auth));
    }
    let prompter = super::new::Prompter;
    let asker = (!yes && shell.is_interactive()).then_some(&prompter as &dyn Asker);
    let outcome = crate::ops::upgrade::run(
        UpgradeOptions {
            start: path,
            to_level,
            overrides,
            asker,
            dry_run,
            allow_dirty,
        },
        shell,
    )?;
    let Some(prepared) = outcome.prepared else {
        shell.status(
            "Fresh",
            format!("the project is already at level {to_level}; nothing to do"),
        );
        return Ok(Outcome::Done);
    };
    let result = super::report::plan(shell, &prepared.plan, dry_run);
    let changed = prepared.plan.changes.iter().filter(|c| c.writes()).count();
    if dry_run {
        shell.note(format!("{changed} file(s) would change from level {} to {to_level}; nothing was written (--dry-run)", outcome.from_level));
    } else {
        shell.status(
            "Upgraded",
            format!(
                "from level {} to level {to_level}: {changed} file(s) changed",
                outcome.from_level
            ),
        );
    }
    Ok(result)
}
