//! `fb diff`: what the user changed since the render (`--local`), or what an upgrade or an added
//! feature would change, after merging. Writes nothing.

use std::path::PathBuf;

use anyhow::Result;
use indexmap::IndexMap;

use super::change::{self, Project};
use crate::pack::options::Explicit;
use crate::plan::{FileChange, Kind};
use crate::ui::Shell;

pub enum DiffTarget {
    /// The user's own edits against the recorded render.
    Local,
    ToLevel(i64),
    /// What `fb update --to VERSION` would change (`None`: the newest release).
    ToVersion(Option<semver::Version>),
    With(Vec<String>),
}

pub struct DiffOptions {
    pub start: PathBuf,
    pub target: DiffTarget,
    pub offline: bool,
}

/// The files that differ, each with its old and new content.
pub struct DiffOutcome {
    pub changes: Vec<FileChange>,
    pub labels: (String, String),
}

pub fn run(opts: DiffOptions, shell: &Shell) -> Result<DiffOutcome> {
    let project = Project::open(&opts.start, opts.offline, shell)?;
    let overrides: IndexMap<String, Explicit> = match opts.target {
        DiffTarget::Local => return local(&project),
        DiffTarget::ToVersion(version) => {
            let Some(update) = super::update::plan(
                &project,
                version.as_ref(),
                IndexMap::new(),
                opts.offline,
                None,
                shell,
            )?
            else {
                return Ok(DiffOutcome {
                    changes: Vec::new(),
                    labels: (
                        project.lock.pack.version.clone(),
                        "the newest version".into(),
                    ),
                });
            };
            let changes = update
                .prepared
                .plan
                .changes
                .into_iter()
                .filter(|c| c.kind != Kind::Unchanged)
                .collect();
            return Ok(DiffOutcome {
                changes,
                labels: (update.prepared.old_label, update.prepared.new_label),
            });
        }
        DiffTarget::ToLevel(level) => {
            [("level".to_string(), Explicit::Value(level.to_string()))].into()
        }
        DiffTarget::With(features) => {
            super::add::overrides(&project, &super::add::Addition::Features(features))?.0
        }
    };
    let options = project.new_options(overrides, None, shell)?;
    let target = change::Target {
        pack: &project.pack,
        locked: project.lock.pack.clone(),
        options,
    };
    let prepared = change::prepare(&project, target, shell)?;
    let changes = prepared
        .plan
        .changes
        .into_iter()
        .filter(|c| c.kind != Kind::Unchanged)
        .collect();
    Ok(DiffOutcome {
        changes,
        labels: (prepared.old_label, prepared.new_label),
    })
}

/// The recorded render against the files on disk.
fn local(project: &Project) -> Result<DiffOutcome> {
    let (base, _) = project.base()?;
    let generated: Vec<String> = project
        .pack
        .manifest
        .generated
        .iter()
        .map(|g| g.path.clone())
        .collect();
    let changes = crate::project::changes(&project.root, &project.lock, &generated)?;
    // Through the path gate: a modified entry may be a symlink, which is shown, never followed.
    let gate = crate::paths::Root::new(&project.root);
    let read = |p: &str| {
        gate.read(p, crate::paths::Origin::Fb)
            .unwrap_or_else(|_| Some(b"(a symlink, which fb does not follow)\n".to_vec()))
    };
    let mut out = Vec::new();
    let entry = |path: &str, kind, old: Option<Vec<u8>>, new: Option<Vec<u8>>| FileChange {
        path: path.to_string(),
        kind,
        old,
        new,
        conflicts: 0,
        from: None,
        fb_new: None,
        regenerate: None,
    };
    for path in &changes.modified {
        out.push(entry(
            path,
            Kind::Merged,
            base.get(path).cloned(),
            read(path),
        ));
    }
    for path in &changes.deleted {
        out.push(entry(path, Kind::Removed, base.get(path).cloned(), None));
    }
    for path in &changes.added {
        out.push(entry(path, Kind::Added, None, read(path)));
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(DiffOutcome {
        changes: out,
        labels: ("recorded render".into(), "working tree".into()),
    })
}
