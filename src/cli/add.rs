//! `fb add FEATURE...`.

use std::path::PathBuf;

use anyhow::Result;

use super::Outcome;
use crate::ops::add::AddOptions;
use crate::pack::options::{Asker, split_list};
use crate::ui::Shell;

/// Add features to the project, three-way merged into your files
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Features to add (see the pack's `features` option)
    #[arg(required = true, value_name = "FEATURE")]
    features: Vec<String>,
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
        features,
        yes,
        dry_run,
        allow_dirty,
        offline: _,
        path,
    } = args;
    let features: Vec<String> = features.iter().flat_map(|f| split_list(f)).collect();
    let prompter = super::new::Prompter;
    let asker = (!yes && shell.is_interactive()).then_some(&prompter as &dyn Asker);
    let outcome = crate::ops::add::run(
        AddOptions {
            start: path,
            features,
            asker,
            dry_run,
            allow_dirty,
        },
        shell,
    )?;
    if !outcome.already.is_empty() {
        shell.note(format!("already present: {}", outcome.already.join(", ")));
    }
    let Some(prepared) = outcome.prepared else {
        return Ok(Outcome::Done);
    };
    let result = super::report::plan(shell, &prepared.plan, dry_run);
    if dry_run {
        shell.note("nothing was written (--dry-run)");
    }
    Ok(result)
}
