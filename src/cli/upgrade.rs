//! `fb upgrade --to-level N`.

use anyhow::Result;
use indexmap::IndexMap;

use super::Outcome;
use super::write_args::WriteArgs;
use crate::ops::upgrade::UpgradeOptions;
use crate::pack::options::Explicit;
use crate::ui::Shell;

/// Re-render the project at a higher level and three-way merge it into your files
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The level to go to, higher than the current one (5 turns on every feature; `fb remove`
    /// takes one out again)
    #[arg(long, value_name = "N")]
    to_level: i64,
    /// Authentication for levels 3 and up: jwt, oauth2 or apikey
    #[arg(long, value_name = "AUTH")]
    auth: Option<String>,
    /// Set any pack option: KEY=VALUE (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    write: WriteArgs,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let Args {
        to_level,
        auth,
        set,
        write,
    } = args;
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
    let mut overrides: IndexMap<String, Explicit> = super::parse_sets(&set)?;
    if let Some(auth) = auth {
        overrides.insert("auth".into(), Explicit::Value(auth));
    }
    let asker = super::write_args::asker(yes, shell);
    let outcome = crate::ops::upgrade::run(
        UpgradeOptions {
            start: path,
            to_level,
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
    let Some(prepared) = outcome.prepared else {
        if format == super::write_args::Format::Json {
            shell.out(super::json::up_to_date("upgrade"));
            return Ok(Outcome::Done);
        }
        shell.status(
            "Up to date",
            format!("the project is already at level {to_level}; nothing to do"),
        );
        return Ok(Outcome::Done);
    };
    let what = format!("from level {} to level {to_level}", outcome.from_level);
    Ok(super::report::change(
        shell,
        &prepared,
        dry_run,
        "Upgraded",
        &what,
        format,
        (no_lock, offline),
    ))
}
