//! `fb add FEATURE...` and `fb add resource Name field:type...`: change an existing project's
//! options (turn on features, add a resource), merged into the user's files like an upgrade.

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use indexmap::IndexMap;

use super::change::{self, Prepared, Project};
use crate::pack::options::{Asker, Explicit, OptValue};
use crate::pack::resource::Resource;
use crate::ui::Shell;

/// What to add.
pub enum Addition {
    Features(Vec<String>),
    /// A resource spec: `Order total:float paid:bool`.
    Resource(String),
}

pub struct AddOptions<'a> {
    pub start: PathBuf,
    pub what: Addition,
    pub asker: Option<&'a dyn Asker>,
    pub dry_run: bool,
    pub allow_dirty: bool,
    pub offline: bool,
    /// Which of the pack's commands may run (`--no-check`, `--trust`).
    pub commands: crate::ops::pack_commands::Allowed,
}

pub struct AddOutcome {
    /// The features asked for that the project already has.
    pub already: Vec<String>,
    pub prepared: Option<Prepared>,
}

/// The option overrides an addition makes, and the features that were already there.
pub fn overrides(
    project: &Project,
    what: &Addition,
) -> Result<(IndexMap<String, Explicit>, Vec<String>)> {
    let list = |name: &str, what: &str| match project.lock.options.get(name) {
        Some(OptValue::List(items)) => Ok(items.clone()),
        _ => Err(anyhow!(
            "pack `{}` has no `{name}` option, so it cannot add {what}",
            project.pack.name()
        )),
    };
    let (name, items, already) = match what {
        Addition::Features(wanted) => {
            let mut features = list("features", "features")?;
            let known = project
                .pack
                .manifest
                .options
                .get("features")
                .map(|spec| spec.choice_strings())
                .unwrap_or_default();
            if let Some(unknown) = wanted.iter().find(|f| !known.contains(f)) {
                bail!(
                    "pack `{}` {} has no feature `{unknown}` ({})",
                    project.pack.name(),
                    project.pack.version(),
                    match known.is_empty() {
                        true => "it has none".to_string(),
                        false => format!("its features: {}", known.join(", ")),
                    }
                );
            }
            let mut already = Vec::new();
            for feature in wanted {
                if features.contains(feature) {
                    already.push(feature.clone());
                } else {
                    features.push(feature.clone());
                }
            }
            ("features", features, already)
        }
        Addition::Resource(spec) => {
            let new = Resource::parse(spec).map_err(|e| anyhow!("invalid resource: {e}"))?;
            let mut resources = list("resources", "resources")?;
            for existing in &resources {
                if Resource::parse(existing).is_ok_and(|r| r.snake == new.snake) {
                    bail!("the project already has a resource `{}`", new.name);
                }
            }
            resources.push(new.spec);
            ("resources", resources, Vec::new())
        }
    };
    Ok((
        [(name.to_string(), Explicit::Carried(OptValue::List(items)))].into(),
        already,
    ))
}

pub fn run(opts: AddOptions<'_>, shell: &Shell) -> Result<AddOutcome> {
    let project = Project::open(&opts.start, opts.offline, shell)?;
    let (overrides, already) = overrides(&project, &opts.what)?;
    if let Addition::Features(wanted) = &opts.what
        && already.len() == wanted.len()
    {
        return Ok(AddOutcome {
            already,
            prepared: None,
        });
    }
    let prepared = change::change_options(
        &project,
        overrides,
        opts.asker,
        opts.dry_run,
        opts.allow_dirty,
        opts.commands,
        shell,
    )?;
    Ok(AddOutcome {
        already,
        prepared: Some(prepared),
    })
}
