//! `fb update [--to VERSION] [--check]`.

use anyhow::Result;

use super::Outcome;
use super::write_args::{Format, WriteArgs};
use crate::ops::update::{UpdateOptions, UpdateOutcome};
use crate::ui::Shell;

/// Move the project to another version of its pack (default: the newest), three-way merged
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The version to go to (default: the newest release)
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,
    /// Only say whether a newer version exists (exit status 1 if one does)
    #[arg(long)]
    check: bool,
    /// Set a pack option (one the new version adds, say): KEY=VALUE (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    write: WriteArgs,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let Args {
        to,
        check,
        set,
        write,
    } = args;
    let overrides = super::parse_sets(&set)?;
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
    let to = to.as_deref().map(super::parse_version).transpose()?;
    let asker = super::write_args::asker(yes, shell);
    let outcome = crate::ops::update::run(
        UpdateOptions {
            start: path,
            to,
            check,
            overrides,
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
    match outcome {
        UpdateOutcome::UpToDate { current } => {
            if check && format == Format::Json {
                shell.out(super::json::update_check(&current, &current));
            } else if format == Format::Json {
                shell.out(super::json::up_to_date("update"));
            } else {
                shell.status(
                    "Up to date",
                    format!("the project is at the newest version, {current}; nothing to do"),
                );
            }
            Ok(Outcome::Done)
        }
        UpdateOutcome::Available { current, newest } => {
            if format == Format::Json {
                shell.out(super::json::update_check(&current, &newest));
            } else {
                shell.out(format!(
                    "version {newest} is available (the project uses {current}): run `fb update`"
                ));
            }
            Ok(Outcome::NeedsUser)
        }
        UpdateOutcome::Updated { from, to, prepared } => {
            let what = match from == to {
                true => format!("the options at version {to}"),
                false => format!("from {from} to {to}"),
            };
            Ok(super::report::change(
                shell,
                &prepared,
                dry_run,
                "Updated",
                &what,
                format,
                (no_lock, offline),
            ))
        }
    }
}
