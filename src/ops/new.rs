//! `fb new`: render a pack into a new project directory, with its lockfile.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indexmap::IndexMap;

use crate::lock::{LOCK_FILE, Lock};
use crate::names::ProjectName;
use crate::pack::clash;
use crate::pack::options::{self, Asker, Explicit, Options};
use crate::pack::render::{self, Tree};
use crate::project::hashes;
use crate::source::PackRequest;
use crate::ui::Shell;

pub struct NewOptions<'a> {
    /// The name as typed (may be a path: `projects/demo`).
    pub name: String,
    /// Where to create the project, when not at `name`.
    pub path: Option<PathBuf>,
    pub pack: PackRequest,
    pub explicit: IndexMap<String, Explicit>,
    /// Asks for options not given on the command line; `None` takes defaults.
    pub asker: Option<&'a dyn Asker>,
    pub dry_run: bool,
    /// Never fetch: git packs must be cached.
    pub offline: bool,
}

pub struct NewOutcome {
    pub target: PathBuf,
    pub project: ProjectName,
    pub pack_name: String,
    pub pack_version: String,
    pub options: Options,
    /// Every file of the project, the lockfile included.
    pub files: Tree,
    /// The pack's next-steps message, rendered.
    pub next_steps: Option<String>,
    /// The pack's generated files, whose commands run once the project is written.
    pub generated: Vec<crate::pack::manifest::Generated>,
    /// The pack's source as the lockfile records it (`builtin` is trusted to run its commands).
    pub pack_source: String,
}

pub fn run(opts: NewOptions<'_>, shell: &Shell) -> Result<NewOutcome> {
    let (target, raw_name) = match &opts.path {
        Some(path) => (path.clone(), opts.name.clone()),
        None => {
            let name = Path::new(&opts.name)
                .file_name()
                .and_then(|n| n.to_str())
                .with_context(|| format!("`{}` does not end in a project name", opts.name))?
                .to_string();
            (PathBuf::from(&opts.name), name)
        }
    };
    let project = ProjectName::parse(&raw_name)?;
    // Refuse a taken destination before asking any question.
    crate::apply::check_new_target(&target)?;

    let loaded = opts.pack.load(opts.offline, shell)?;
    let pack = &loaded.pack;
    shell.verbose(
        "Loaded",
        format!(
            "pack {} {} ({})",
            pack.name(),
            pack.version(),
            loaded.source.lock_string()
        ),
    );
    let options = options::resolve(&pack.manifest, &opts.explicit, opts.asker, &mut |w| {
        shell.warn(w)
    })?;
    let (mut files, ctx, stats) = clash::render_checked(pack, &project, &options).map_err(|e| {
        match e.is::<clash::Clash>() {
            // The user's name, not the pack, is what to change.
            true => e,
            false => e.context(format!(
                "pack `{}` {} cannot render this project",
                pack.name(),
                pack.version()
            )),
        }
    })?;
    shell.verbose(
        "Rendered",
        format!(
            "{} files, {} (largest {}), {} units of work (most in one template: {}; limits: {} per template, {} in all)",
            stats.files,
            crate::limits::human_bytes(stats.bytes),
            crate::limits::human_bytes(stats.max_file_bytes),
            stats.fuel,
            stats.max_template_fuel,
            crate::limits::FUEL_PER_TEMPLATE,
            crate::limits::FUEL_PER_RENDER
        ),
    );

    let lock = Lock {
        project: project.name.clone(),
        pack: loaded.locked(),
        options: options.clone(),
        files: hashes(&files),
    };
    // The path gate already refused a pack that renders the lockfile.
    files.insert(LOCK_FILE.to_string(), lock.to_toml().into_bytes());

    let next_steps = match &pack.manifest.messages.next_steps {
        Some(text) => Some(
            render::expression_env()
                .render_str(text, ctx.clone())
                .map_err(|e| anyhow::anyhow!(render::describe_error(&e)))
                .context("cannot render the pack's next steps")?,
        ),
        None => None,
    };
    if !opts.dry_run {
        let report = crate::apply::create_tree(&target, &files)?;
        for dir in &report.removed_leftovers {
            shell.warn(format!(
                "removed `{}`, which an interrupted `fb new` of this project left behind",
                dir.display()
            ));
        }
        for dir in &report.unknown_leftovers {
            shell.warn(format!(
                "`{}` looks like what an interrupted `fb new` left behind; if no fb is running, remove it: rm -rf '{}'",
                dir.display(),
                dir.display()
            ));
        }
    }
    Ok(NewOutcome {
        target,
        project,
        pack_name: pack.name().to_string(),
        pack_version: pack.version().to_string(),
        options,
        files,
        next_steps,
        generated: pack.manifest.generated.clone(),
        pack_source: loaded.source.lock_string(),
    })
}
