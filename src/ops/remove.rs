//! `fb remove FEATURE...` and `fb remove resource NAME`: the inverse of `fb add`. The project is
//! re-rendered without the feature or resource and merged like any change: files the user never
//! touched go, files the user edited stay (and are reported), the lines that registered it leave
//! the user's edited modules, and the lock forgets it.

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use indexmap::IndexMap;

use super::change::{self, Prepared, Project};
use crate::pack::options::{Asker, Explicit, OptValue};
use crate::pack::resource::Resource;
use crate::ui::Shell;

/// What to remove.
pub enum Removal {
    Features(Vec<String>),
    /// A resource, by name (`Order`, `order` or `orders`).
    Resource(String),
}

pub struct RemoveOptions<'a> {
    pub start: PathBuf,
    pub what: Removal,
    pub asker: Option<&'a dyn Asker>,
    pub dry_run: bool,
    pub allow_dirty: bool,
    pub offline: bool,
    /// Which of the pack's commands may run (`--no-check`, `--trust`).
    pub commands: crate::ops::pack_commands::Allowed,
}

/// The option override a removal makes.
pub fn overrides(project: &Project, what: &Removal) -> Result<IndexMap<String, Explicit>> {
    let list = |name: &str| match project.lock.options.get(name) {
        Some(OptValue::List(items)) => Ok(items.clone()),
        _ => Err(anyhow!(
            "pack `{}` has no `{name}` option, so there is nothing to remove",
            project.pack.name()
        )),
    };
    let (name, items) = match what {
        Removal::Features(unwanted) => {
            let mut features = list("features")?;
            for feature in unwanted {
                if !features.contains(feature) {
                    bail!(
                        "the project has no feature `{feature}` ({})",
                        match features.is_empty() {
                            true => "it has none".to_string(),
                            false => format!("its features: {}", features.join(", ")),
                        }
                    );
                }
            }
            features.retain(|f| !unwanted.contains(f));
            ("features", features)
        }
        Removal::Resource(wanted) => {
            let mut resources = list("resources")?;
            let parsed: Vec<Resource> = resources
                .iter()
                .filter_map(|spec| Resource::parse(spec).ok())
                .collect();
            let key = crate::names::snake_case(wanted);
            let Some(index) = parsed
                .iter()
                .position(|r| r.snake == key || r.plural == key)
            else {
                let names: Vec<&str> = parsed.iter().map(|r| r.name.as_str()).collect();
                bail!(
                    "the project has no added resource `{wanted}` ({}); the main resource comes from the domain and stays",
                    match names.is_empty() {
                        true => "none was added with `fb add resource`".to_string(),
                        false => format!("added resources: {}", names.join(", ")),
                    }
                );
            };
            resources.remove(index);
            ("resources", resources)
        }
    };
    Ok([(name.to_string(), Explicit::Carried(OptValue::List(items)))].into())
}

pub fn run(opts: RemoveOptions<'_>, shell: &Shell) -> Result<Prepared> {
    let project = Project::open(&opts.start, opts.offline, shell)?;
    let overrides = overrides(&project, &opts.what)?;
    change::change_options(
        &project,
        overrides,
        opts.asker,
        opts.dry_run,
        opts.allow_dirty,
        opts.commands,
        shell,
    )
}
