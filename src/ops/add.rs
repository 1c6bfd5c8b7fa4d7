//! `fb add FEATURE...`: turn on pack features in an existing project, merged like an upgrade.

use std::path::PathBuf;

use anyhow::{Result, bail};
use indexmap::IndexMap;

use super::change::{self, Prepared, Project};
use crate::pack::options::{Asker, Explicit, OptValue};
use crate::ui::Shell;

pub struct AddOptions<'a> {
    pub start: PathBuf,
    pub features: Vec<String>,
    pub asker: Option<&'a dyn Asker>,
    pub dry_run: bool,
    pub allow_dirty: bool,
}

pub struct AddOutcome {
    /// The features asked for that the project already has.
    pub already: Vec<String>,
    pub prepared: Option<Prepared>,
}

/// The recorded features with `wanted` added, and those already present.
pub fn with_features(project: &Project, wanted: &[String]) -> Result<(Vec<String>, Vec<String>)> {
    let mut features = match project.lock.options.get("features") {
        Some(OptValue::List(items)) => items.clone(),
        _ => bail!(
            "pack `{}` has no `features` option, so there is nothing to add",
            project.pack.name()
        ),
    };
    let mut already = Vec::new();
    for feature in wanted {
        if features.contains(feature) {
            already.push(feature.clone());
        } else {
            features.push(feature.clone());
        }
    }
    Ok((features, already))
}

pub fn run(opts: AddOptions<'_>, shell: &Shell) -> Result<AddOutcome> {
    let project = Project::open(&opts.start, shell)?;
    let (features, already) = with_features(&project, &opts.features)?;
    if already.len() == opts.features.len() {
        return Ok(AddOutcome {
            already,
            prepared: None,
        });
    }
    let overrides: IndexMap<String, Explicit> = [(
        "features".to_string(),
        Explicit::Carried(OptValue::List(features)),
    )]
    .into();
    let prepared = change::change_options(
        &project,
        overrides,
        opts.asker,
        opts.dry_run,
        opts.allow_dirty,
        shell,
    )?;
    Ok(AddOutcome {
        already,
        prepared: Some(prepared),
    })
}
