//! `fb add FEATURE...`.

use anyhow::Result;

use super::Outcome;
use super::write_args::WriteArgs;
use crate::ops::add::AddOptions;
use crate::pack::options::split_list;
use crate::ui::Shell;

/// Add features to the project, three-way merged into your files
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Features to add (see the pack's `features` option)
    #[arg(required = true, value_name = "FEATURE")]
    features: Vec<String>,
    #[command(flatten)]
    write: WriteArgs,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let Args { features, write } = args;
    let WriteArgs {
        yes,
        dry_run,
        allow_dirty,
        offline: _,
        path,
    } = write;
    let features: Vec<String> = features.iter().flat_map(|f| split_list(f)).collect();
    let asker = super::write_args::asker(yes, shell);
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
