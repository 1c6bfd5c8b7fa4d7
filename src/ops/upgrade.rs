//! `fb upgrade --to-level N`: re-render the project at a higher level and merge it in.

use std::path::PathBuf;

use anyhow::{Result, bail};
use indexmap::IndexMap;

use super::change::{self, Prepared, Project};
use crate::pack::options::{Asker, Explicit, OptValue};
use crate::ui::Shell;

pub struct UpgradeOptions<'a> {
    pub start: PathBuf,
    pub to_level: i64,
    pub overrides: IndexMap<String, Explicit>,
    pub asker: Option<&'a dyn Asker>,
    pub dry_run: bool,
    pub allow_dirty: bool,
    pub offline: bool,
    /// Which of the pack's commands may run (`--no-check`, `--trust`).
    pub commands: crate::ops::pack_commands::Allowed,
}

pub struct UpgradeOutcome {
    pub from_level: i64,
    pub to_level: i64,
    /// `None` when the project already is at that level.
    pub prepared: Option<Prepared>,
}

pub fn run(opts: UpgradeOptions<'_>, shell: &Shell) -> Result<UpgradeOutcome> {
    let project = Project::open(&opts.start, opts.offline, shell)?;
    let from_level = match project.lock.options.get("level") {
        Some(OptValue::Int(level)) => *level,
        _ => bail!(
            "pack `{}` has no `level` option: it has no levels to upgrade between",
            project.pack.name()
        ),
    };
    let to_level = opts.to_level;
    if to_level < from_level {
        bail!(
            "the project is at level {from_level}; fb does not go down levels (to {to_level}), since that would delete code you may rely on"
        );
    }
    if to_level == from_level {
        return Ok(UpgradeOutcome {
            from_level,
            to_level,
            prepared: None,
        });
    }
    let mut overrides = opts.overrides;
    overrides.insert("level".into(), Explicit::Value(to_level.to_string()));
    let prepared = change::change_options(
        &project,
        overrides,
        opts.asker,
        opts.dry_run,
        opts.allow_dirty,
        opts.commands,
        shell,
    )?;
    Ok(UpgradeOutcome {
        from_level,
        to_level,
        prepared: Some(prepared),
    })
}
