//! `fb update [--to VERSION]`: move the project to another version of its pack (default: the newest
//! release), merged into the user's files. `--check` only says whether a newer version exists.

use std::path::PathBuf;

use anyhow::{Result, bail};
use indexmap::IndexMap;

use super::change::{self, Prepared, Project, Target};
use crate::pack::options::Asker;
use crate::source::{self, PackRequest, PackSource};
use crate::ui::Shell;

pub struct UpdateOptions<'a> {
    pub start: PathBuf,
    /// The version to go to; the newest release when `None`.
    pub to: Option<semver::Version>,
    /// Only report whether a newer version exists.
    pub check: bool,
    /// Values for options (new ones, above all): `--set KEY=VALUE`.
    pub overrides: IndexMap<String, crate::pack::options::Explicit>,
    pub asker: Option<&'a dyn Asker>,
    pub dry_run: bool,
    pub allow_dirty: bool,
    pub offline: bool,
    /// Which of the pack's commands may run (`--no-check`, `--trust`).
    pub commands: crate::ops::pack_commands::Allowed,
}

pub enum UpdateOutcome {
    /// The project is at the version asked for, or at the newest release.
    UpToDate { current: semver::Version },
    /// `--check`: a newer release exists.
    Available {
        current: semver::Version,
        newest: semver::Version,
    },
    Updated {
        from: semver::Version,
        to: semver::Version,
        prepared: Box<Prepared>,
    },
}

/// A planned update.
pub struct UpdatePlan {
    pub from: semver::Version,
    pub to: semver::Version,
    pub prepared: Prepared,
}

/// The newest release the project's pack source offers.
pub fn newest(project: &Project, offline: bool, shell: &Shell) -> Result<Option<semver::Version>> {
    let source = PackSource::from_lock_string(&project.lock.pack.source)?;
    Ok(source::versions(&source, offline, shell)?
        .into_iter()
        .filter(|v| v.pre.is_empty())
        .max())
}

/// Plans the update to `to` (default: the newest release); `None` when there is nothing to do.
pub fn plan(
    project: &Project,
    to: Option<&semver::Version>,
    overrides: IndexMap<String, crate::pack::options::Explicit>,
    offline: bool,
    asker: Option<&dyn Asker>,
    shell: &Shell,
) -> Result<Option<UpdatePlan>> {
    let current = project.pack.manifest.version();
    let target = match to {
        Some(v) => v.clone(),
        None => match newest(project, offline, shell)? {
            Some(v) => v,
            None => return Ok(None),
        },
    };
    // A fetch may have shown that the recorded version's tag was moved.
    source::check_locked_tag(&project.lock.pack)?;
    if target < current {
        bail!(
            "the project uses version {current} of pack `{}`; fb does not update to the older {target}",
            project.pack.name()
        );
    }
    if target == current {
        // `--set` on a project at the version asked for still asks for something: the options
        // change at that version (otherwise the flag would be dropped without a word).
        if overrides.is_empty() {
            return Ok(None);
        }
        let options = project.new_options_for(&project.pack, overrides, asker, shell)?;
        let prepared = change::prepare(
            project,
            Target {
                pack: &project.pack,
                locked: project.lock.pack.clone(),
                options,
            },
            shell,
        )?;
        return Ok(Some(UpdatePlan {
            from: current.clone(),
            to: current,
            prepared,
        }));
    }
    let source = PackSource::from_lock_string(&project.lock.pack.source)?;
    let loaded = PackRequest {
        source,
        version: Some(target.clone()),
    }
    .load(offline, shell)?;
    if loaded.pack.name() != project.pack.name() {
        bail!(
            "version {target} of `{}` is pack `{}`, not `{}`",
            project.lock.pack.source,
            loaded.pack.name(),
            project.pack.name()
        );
    }
    let options = project.new_options_for(&loaded.pack, overrides, asker, shell)?;
    let prepared = change::prepare(
        project,
        Target {
            pack: &loaded.pack,
            locked: loaded.locked(),
            options,
        },
        shell,
    )?;
    Ok(Some(UpdatePlan {
        from: current,
        to: target,
        prepared,
    }))
}

pub fn run(opts: UpdateOptions<'_>, shell: &Shell) -> Result<UpdateOutcome> {
    let project = Project::open(&opts.start, opts.offline, shell)?;
    let current = project.pack.manifest.version();
    if opts.check {
        return Ok(match newest(&project, opts.offline, shell)? {
            Some(newest) if newest > current => UpdateOutcome::Available { current, newest },
            _ => UpdateOutcome::UpToDate { current },
        });
    }
    let Some(mut update) = plan(
        &project,
        opts.to.as_ref(),
        opts.overrides,
        opts.offline,
        opts.asker,
        shell,
    )?
    else {
        return Ok(UpdateOutcome::UpToDate { current });
    };
    // Nothing to do is never refused, dirty or not; a real update is checked once it is planned.
    if !opts.dry_run {
        change::apply_checked(
            &project,
            &mut update.prepared,
            opts.allow_dirty,
            opts.commands,
            shell,
        )?;
    }
    Ok(UpdateOutcome::Updated {
        from: update.from,
        to: update.to,
        prepared: Box::new(update.prepared),
    })
}
