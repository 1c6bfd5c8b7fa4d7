//! `fb remove FEATURE...` and `fb remove resource NAME`.

use anyhow::{Result, bail};

use super::Outcome;
use super::write_args::WriteArgs;
use crate::ops::remove::{Removal, RemoveOptions};
use crate::pack::options::split_list;
use crate::ui::Shell;

/// Remove features, or an added resource, from the project, three-way merged into your files
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Files you never touched are removed; files you edited stay, as yours, and are listed.\n\nExamples:\n  fb remove resource Order\n  fb remove --dry-run resource Order"
)]
pub struct Args {
    /// Features to remove (the pack's `features` option), or `resource` followed by its name
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
        offline,
        no_lock,
        no_check,
        trust,
        path,
        format,
    } = write;
    let what = match features.split_first() {
        Some((first, rest)) if first == "resource" => match rest {
            [name] => Removal::Resource(name.clone()),
            _ => bail!("`fb remove resource` takes one resource name: fb remove resource Order"),
        },
        _ => Removal::Features(features.iter().flat_map(|f| split_list(f)).collect()),
    };
    let summary = match &what {
        Removal::Features(features) => format!("feature(s) {}", features.join(", ")),
        Removal::Resource(name) => format!("resource {name}"),
    };
    let asker = super::write_args::asker(yes, shell);
    let prepared = crate::ops::remove::run(
        RemoveOptions {
            start: path,
            what,
            asker,
            dry_run,
            allow_dirty,
            offline,
            commands: crate::ops::pack_commands::Allowed {
                checks: !no_check,
                trust,
            },
        },
        shell,
    )?;
    Ok(super::report::change(
        shell,
        &prepared,
        dry_run,
        "Removed",
        &summary,
        format,
        (no_lock, offline),
    ))
}
