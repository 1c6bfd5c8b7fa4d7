//! What `upgrade`, `add`, `update` and `diff` share: re-render the project as it was recorded
//! (the merge base), render it with new options (theirs), plan the three-way merge into the files
//! on disk (ours), and apply that plan as one transaction with the lock written last.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use indexmap::IndexMap;

use crate::apply::{self, Op, Recovery};
use crate::lock::{LOCK_FILE, Lock};
use crate::merge::Labels;
use crate::migrations;
use crate::names::ProjectName;
use crate::pack::Pack;
use crate::pack::clash;
use crate::pack::options::{self, Asker, Explicit, OptValue, Options};
use crate::pack::render::{self, Tree};
use crate::plan::{self, Move, Plan};
use crate::ui::Shell;

/// A project, recovered if needed, with its lock and its pack verified against the lock.
pub struct Project {
    pub root: PathBuf,
    pub lock: Lock,
    pub pack: Pack,
    pub name: ProjectName,
}

impl Project {
    /// Finds the project around `start`, completes or discards an interrupted transaction (and
    /// says which), reads the lock and loads the pack it names.
    pub fn open(start: &Path, offline: bool, shell: &Shell) -> Result<Project> {
        let root = crate::project::find_root(start)?;
        recover(&root, shell)?;
        let lock = Lock::read(&root.join(LOCK_FILE))?;
        let pack = crate::source::load_locked(&lock.pack, offline, shell).with_context(|| {
            format!(
                "cannot use pack `{}` {} recorded in the lockfile",
                crate::limits::quote(&lock.pack.name),
                crate::limits::quote(&lock.pack.version)
            )
        })?;
        options::check_recorded(&pack.manifest, &lock.options)?;
        let name =
            ProjectName::parse(&lock.project).context("the lockfile's project name is invalid")?;
        Ok(Project {
            root,
            lock,
            pack,
            name,
        })
    }

    /// Renders the pack with `options`.
    pub fn render(&self, options: &Options) -> Result<(Tree, minijinja::Value)> {
        let ctx = render::context(&self.pack, &self.name, options)?;
        let tree = render::render(&self.pack, &ctx)?;
        Ok((tree, ctx))
    }

    /// The merge base: the recorded render, reproduced. Refuses when it does not match the lock.
    pub fn base(&self) -> Result<(Tree, minijinja::Value)> {
        let (tree, ctx) = self.render(&self.lock.options)?;
        let hashes = crate::project::hashes(&tree);
        if hashes != self.lock.files {
            let differs = hashes
                .keys()
                .chain(self.lock.files.keys())
                .find(|p| hashes.get(*p) != self.lock.files.get(*p))
                .cloned()
                .unwrap_or_default();
            bail!(
                "rendering pack `{}` {} with the recorded options does not reproduce the recorded files (`{differs}` differs): the lockfile was edited or the pack is not deterministic",
                self.pack.name(),
                self.pack.version()
            );
        }
        Ok((tree, ctx))
    }

    /// Resolves new options for this pack: the recorded ones, with `overrides` on top.
    pub fn new_options(
        &self,
        overrides: IndexMap<String, Explicit>,
        asker: Option<&dyn Asker>,
        shell: &Shell,
    ) -> Result<Options> {
        self.new_options_for(&self.pack, overrides, asker, shell)
    }

    /// Resolves options for `target` (this pack, or a newer version of it): the recorded choices
    /// carry over where `target` still has the option, with `overrides` on top; options new in
    /// `target` take their defaults, or are asked on a terminal.
    pub fn new_options_for(
        &self,
        target: &Pack,
        overrides: IndexMap<String, Explicit>,
        asker: Option<&dyn Asker>,
        shell: &Shell,
    ) -> Result<Options> {
        // Carry over what the user chose; an option that did not apply gets its default now.
        let chosen = options::applicable(&self.pack.manifest, &self.lock.options)?;
        let mut explicit: IndexMap<String, Explicit> = self
            .lock
            .options
            .iter()
            .filter(|(k, _)| chosen.contains(k))
            .map(|(k, v)| self.carried(k, v))
            .collect::<Result<_>>()?;
        for (k, v) in overrides {
            // Only recorded options the pack dropped are let go below; an option the user names
            // must exist (as `fb new --set` says).
            if !target.manifest.options.contains_key(&k) {
                bail!(
                    "pack `{}` has no option `{k}` (its options: {})",
                    target.name(),
                    target
                        .manifest
                        .options
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            explicit.insert(k, v);
        }
        // Options the pack has since dropped are not the user's to fix here.
        explicit.retain(|k, _| target.manifest.options.contains_key(k));
        let options = options::resolve(&target.manifest, &explicit, asker, &mut |w| shell.warn(w))?;
        self.keep_fixed(target, &chosen, &options)?;
        Ok(options)
    }

    /// The one gate for options a pack declares `fixed`: a value the project already has (the
    /// option applied when it was recorded) never changes; one that starts to apply (the database
    /// on the way from level 1 to 2) is chosen freely.
    fn keep_fixed(&self, target: &Pack, chosen: &[String], options: &Options) -> Result<()> {
        for (name, spec) in &target.manifest.options {
            if !spec.fixed || !chosen.contains(name) {
                continue;
            }
            let (Some(old), Some(new)) = (self.lock.options.get(name), options.get(name)) else {
                continue;
            };
            if old != new {
                bail!(
                    "option `{name}` cannot change once a project has it (this one has {old}, not {new}): pack `{}` cannot carry your code and data over; keep {old}, or make a new project with `fb new --set {name}={new}` and move your code into it",
                    target.name()
                );
            }
        }
        Ok(())
    }
}

impl Project {
    /// A recorded value as carried into new options. A list remembers the default it was chosen
    /// under, so that items a new default gains (the features of a higher level) join it.
    fn carried(&self, name: &str, value: &OptValue) -> Result<(String, Explicit)> {
        let manifest = &self.pack.manifest;
        let explicit = match (value, manifest.options.get(name)) {
            (OptValue::List(items), Some(spec)) => {
                match spec.default_in(manifest, &self.lock.options)? {
                    Some(OptValue::List(then)) => Explicit::CarriedList {
                        items: items.clone(),
                        then,
                    },
                    _ => Explicit::Carried(value.clone()),
                }
            }
            _ => Explicit::Carried(value.clone()),
        };
        Ok((name.to_string(), explicit))
    }
}

/// A label for conflict markers: `fastapi 0.1.0 (level 2)`.
pub fn label(pack: &Pack, options: &Options) -> String {
    match options.get("level") {
        Some(level) => format!("{} {} (level {level})", pack.name(), pack.version()),
        None => format!("{} {}", pack.name(), pack.version()),
    }
}

/// Recovers an interrupted transaction and reports truthfully what happened to the project.
pub fn recover(root: &Path, shell: &Shell) -> Result<()> {
    let which = |summary: &Option<String>| match summary {
        Some(s) => format!("an earlier fb command ({s})"),
        None => "an earlier fb command".to_string(),
    };
    match apply::recover(root)? {
        None => {}
        Some(Recovery::RolledBack { summary }) => shell.warn(format!(
            "{} was interrupted before it changed anything; the project is as it was before it (its staged files were removed): run it again",
            which(&summary)
        )),
        Some(Recovery::Completed { summary }) => shell.warn(format!(
            "{} was interrupted while applying its changes; they have now been completed",
            which(&summary)
        )),
        Some(Recovery::CleanedUp { summary }) => shell.warn(format!(
            "{} was interrupted after it had applied all of its changes; only its clean-up was left, and that is done now",
            which(&summary)
        )),
    }
    Ok(())
}

/// A planned change of options, ready to show or apply.
pub struct Prepared {
    pub plan: Plan,
    pub new_lock: Lock,
    pub old_label: String,
    pub new_label: String,
    /// The pack's `[[notes]]` that apply to this change, rendered.
    pub notes: Vec<String>,
    /// The project's root and the new pack's generated files, whose commands run after applying.
    pub root: PathBuf,
    pub generated: Vec<crate::pack::manifest::Generated>,
    /// The new pack's `[[checks]]`, and what they found before the change was applied (`None`:
    /// not run, for a dry run or `--no-check`).
    pub checks: Vec<crate::pack::manifest::Check>,
    pub baseline: Option<Vec<super::checks::Run>>,
    /// Whether the new pack's commands may run (decided with the baseline; refused until then).
    pub trust: super::pack_commands::Trust,
}

/// What to move the project to: a pack (the locked one, or another version) and its options.
pub struct Target<'a> {
    pub pack: &'a Pack,
    /// What the lock records about `pack`.
    pub locked: crate::lock::LockedPack,
    pub options: Options,
}

/// Plans moving the project from its recorded render to `target`.
pub fn prepare(project: &Project, mut target: Target<'_>, shell: &Shell) -> Result<Prepared> {
    let started = std::time::Instant::now();
    let (base, base_ctx) = project.base()?;
    shell.verbose(
        "Rendered",
        format!(
            "the merge base, {} ({} files) in {}",
            label(&project.pack, &project.lock.options),
            base.len(),
            millis(started)
        ),
    );
    let started = std::time::Instant::now();
    let (mut theirs, mut theirs_ctx, _) =
        clash::render_checked(target.pack, &project.name, &target.options)?;
    if let Some(chained) = chain_migrations(project, &target, &base, &theirs, shell)? {
        // Only recorded parents of migrations changed: the names are as checked.
        target.options = chained;
        theirs_ctx = render::context(target.pack, &project.name, &target.options)?;
        theirs = render::render(target.pack, &theirs_ctx)?;
        check_chained(project, &target, &base, &theirs, shell)?;
    }
    shell.verbose(
        "Rendered",
        format!(
            "the new version, {} ({} files) in {}",
            label(target.pack, &target.options),
            theirs.len(),
            millis(started)
        ),
    );
    let started = std::time::Instant::now();
    let when_ctx = when_context(project, &theirs_ctx);
    let env = render::expression_env();
    let moves = moves(&env, target.pack, &when_ctx, &base_ctx, &theirs_ctx)?;
    let notes = notes(&env, target.pack, &when_ctx)?;
    let old_label = label(&project.pack, &project.lock.options);
    let new_label = label(target.pack, &target.options);
    let labels = Labels {
        ours: "yours",
        base: &old_label,
        theirs: &new_label,
    };
    let generated = target
        .pack
        .manifest
        .generated
        .iter()
        .map(|g| (g.path.clone(), g.command.clone()))
        .collect();
    let plan = plan::build(
        &project.root,
        &project.lock.files,
        &base,
        &theirs,
        &moves,
        &generated,
        &labels,
    )?;
    let mut new_lock = project.lock.clone();
    new_lock.pack = target.locked;
    new_lock.options = target.options;
    new_lock.files = plan.new_hashes.clone();
    shell.verbose(
        "Planned",
        format!(
            "{} file(s) merged and classified in {}",
            plan.changes.len(),
            millis(started)
        ),
    );
    let prepared = Prepared {
        plan,
        new_lock,
        old_label,
        new_label,
        notes,
        root: project.root.clone(),
        generated: target.pack.manifest.generated.clone(),
        checks: target.pack.manifest.checks.clone(),
        baseline: None,
        trust: super::pack_commands::Trust::Refused,
    };
    // A change the disk cannot take (a file where the new version needs a directory, say) is
    // found here, so a dry run and `fb diff` report it too.
    apply::check_ops(&project.root, &ops(&prepared))?;
    Ok(prepared)
}

/// The new options when migrations this change adds must be chained after the project's own
/// (see [`crate::migrations`]): their parents recorded, so that the render follows the head.
fn chain_migrations(
    project: &Project,
    target: &Target<'_>,
    base: &Tree,
    theirs: &Tree,
    shell: &Shell,
) -> Result<Option<Options>> {
    let root = crate::paths::Root::new(&project.root);
    let mut options = None;
    for chain in &target.pack.manifest.migrations {
        let disk = migrations::on_disk(&root, &chain.dir)?;
        let mut records = migrations::kept_parents(base, theirs, &disk, &chain.dir);
        for (revision, parent) in &records {
            shell.verbose(
                "Kept",
                format!("migration `{revision}` after `{parent}`, as the project has it"),
            );
        }
        let new = migrations::new_revisions(base, theirs, &disk, &chain.dir);
        if !new.is_empty() {
            let chained = migrations::chain(&disk, &new);
            if let Some(warning) = chained.warning {
                shell.warn(warning);
            }
            for (revision, parent) in &chained.records {
                shell.status(
                    "Chained",
                    format!("migration `{revision}` after `{parent}`, the project's Alembic head"),
                );
            }
            records.extend(chained.records);
        }
        if !records.is_empty() {
            let current = options.as_ref().unwrap_or(&target.options);
            options = Some(migrations::with_records(current, chain, &records));
        }
    }
    Ok(options)
}

/// After chaining, the project must have one head: a pack whose templates ignore the recorded
/// parents would leave two, and the user is told so rather than left to find it.
fn check_chained(
    project: &Project,
    target: &Target<'_>,
    base: &Tree,
    theirs: &Tree,
    shell: &Shell,
) -> Result<()> {
    let root = crate::paths::Root::new(&project.root);
    for chain in &target.pack.manifest.migrations {
        let mut all = migrations::on_disk(&root, &chain.dir)?;
        let new = migrations::new_revisions(base, theirs, &all, &chain.dir);
        all.extend(new);
        let heads = migrations::heads(&all);
        if heads.len() > 1 {
            shell.warn(format!(
                "after this change `{}` has {} heads ({}): pack `{}` did not follow the recorded parents; run `alembic merge heads`",
                chain.dir,
                heads.len(),
                heads.join(", "),
                target.pack.name()
            ));
        }
    }
    Ok(())
}

/// What `when` of `[[moves]]` and `[[notes]]` sees: the new options, plus `old` (the recorded
/// options) and `old_version` (the recorded pack version).
fn when_context(project: &Project, theirs_ctx: &minijinja::Value) -> minijinja::Value {
    let old: IndexMap<minijinja::Value, minijinja::Value> = project
        .lock
        .options
        .iter()
        .map(|(k, v)| (minijinja::Value::from(k.as_str()), v.to_value()))
        .collect();
    render::with_values(
        theirs_ctx,
        [
            ("old", minijinja::Value::from(old)),
            (
                "old_version",
                minijinja::Value::from(project.pack.version()),
            ),
        ],
    )
}

/// The target pack's `[[notes]]` whose `when` holds, rendered.
fn notes(
    env: &minijinja::Environment<'static>,
    target: &Pack,
    when_ctx: &minijinja::Value,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for note in &target.manifest.notes {
        if options::eval_condition(env, &note.when, when_ctx)
            .with_context(|| format!("cannot evaluate `when = \"{}\"`", note.when))?
        {
            let message = env
                .render_str(&note.message, when_ctx.clone())
                .map_err(|e| anyhow!(render::describe_error(&e)))
                .with_context(|| format!("cannot render the note for `{}`", note.when))?;
            out.push(message.trim().to_string());
        }
    }
    Ok(out)
}

/// The target pack's `[[moves]]` that apply, with their paths rendered.
fn moves(
    env: &minijinja::Environment<'static>,
    target: &Pack,
    when_ctx: &minijinja::Value,
    base_ctx: &minijinja::Value,
    theirs_ctx: &minijinja::Value,
) -> Result<Vec<Move>> {
    let mut out = Vec::new();
    for m in &target.manifest.moves {
        if let Some(when) = &m.when
            && !options::eval_condition(env, when, when_ctx)
                .with_context(|| format!("cannot evaluate `when = \"{when}\"`"))?
        {
            continue;
        }
        let path = |template: &str, ctx: &minijinja::Value| -> Result<String> {
            env.render_str(template, ctx.clone())
                .map_err(|e| anyhow!(render::describe_error(&e)))
                .with_context(|| format!("in the move `{template}`"))
        };
        let repeat = render::repeat_for(target, &m.from).or(render::repeat_for(target, &m.to));
        let items = match repeat {
            Some(r) => (
                render::repeat_items(env, r, base_ctx)?,
                render::repeat_items(env, r, theirs_ctx)?,
            ),
            None => (None, None),
        };
        let (Some(repeat), (Some(old_items), Some(new_items))) = (repeat, items) else {
            // Not repeated, or one render predates the repeat: the paths render as they are.
            out.push(Move {
                from: path(&m.from, base_ctx)?,
                to: path(&m.to, theirs_ctx)?,
            });
            continue;
        };
        // A move of repeated files moves each item that both renders have (a resource the new
        // options dropped has nothing to move to).
        for item in old_items {
            if new_items.contains(&item) {
                let bind = |ctx| render::with_values(ctx, [(repeat.bind.as_str(), item.clone())]);
                out.push(Move {
                    from: path(&m.from, &bind(base_ctx))?,
                    to: path(&m.to, &bind(theirs_ctx))?,
                });
            }
        }
    }
    Ok(out)
}

/// The file operations of a prepared change: every file, then the lock.
fn ops(prepared: &Prepared) -> Vec<Op> {
    let mut ops = Vec::new();
    for change in &prepared.plan.changes {
        if change.writes() {
            match &change.new {
                Some(bytes) => ops.push(Op::Write(change.path.clone(), bytes.clone())),
                None => ops.push(Op::Remove(change.path.clone())),
            }
        }
        if let Some(theirs) = &change.fb_new {
            ops.push(Op::Write(
                format!("{}{}", change.path, crate::paths::FB_NEW_SUFFIX),
                theirs.clone(),
            ));
        }
    }
    ops.push(Op::Write(
        LOCK_FILE.to_string(),
        prepared.new_lock.to_toml().into_bytes(),
    ));
    ops
}

/// One line saying what a change does, kept with its transaction so that a recovery after a kill
/// can say which change it finished or discarded, and what it left for the user.
fn summary(prepared: &Prepared) -> String {
    let mut line = format!("{} → {}", prepared.old_label, prepared.new_label);
    let conflicted: Vec<&str> = prepared
        .plan
        .conflicted()
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    if !conflicted.is_empty() {
        line.push_str(&format!(
            ", leaving conflicts to resolve in {} file(s): {}",
            conflicted.len(),
            crate::limits::list_cut(&conflicted, 5)
        ));
    }
    line
}

/// Applies a prepared change: every file, then the lock, as one transaction.
pub fn apply(project: &Project, prepared: &Prepared, shell: &Shell) -> Result<()> {
    let started = std::time::Instant::now();
    // The merge was computed from the files as they were read; one the user saved since would be
    // overwritten without its new edit, so such a change is refused instead.
    let gate = crate::paths::Root::new(&project.root);
    for change in prepared.plan.changes.iter().filter(|c| c.writes()) {
        if gate.read(&change.path, crate::paths::Origin::Fb)? != change.old {
            bail!(
                "`{}` changed while fb was planning this change: nothing was written; run the command again",
                change.path
            );
        }
    }
    let ops = ops(prepared);
    apply::apply_ops(&project.root, &summary(prepared), &ops)?;
    shell.verbose(
        "Applied",
        format!(
            "{} write(s) and removal(s) in {}",
            ops.len(),
            millis(started)
        ),
    );
    Ok(())
}

/// `12.3 ms`, for `-v` timings.
fn millis(since: std::time::Instant) -> String {
    format!("{:.1} ms", since.elapsed().as_secs_f64() * 1000.0)
}

/// The common flow of a writing command: resolve the new options, plan, refuse a dirty work
/// tree (unless allowed or a dry run), and apply unless it is a dry run.
pub fn change_options(
    project: &Project,
    overrides: IndexMap<String, Explicit>,
    asker: Option<&dyn Asker>,
    dry_run: bool,
    allow_dirty: bool,
    commands: super::pack_commands::Allowed,
    shell: &Shell,
) -> Result<Prepared> {
    if !dry_run && !allow_dirty {
        // Before any question is asked: tracked changes block whatever the plan turns out to be.
        refuse_dirty(
            crate::vcs::status(&project.root)?
                .into_iter()
                .filter(|d| !d.untracked),
        )?;
    }
    let options = project.new_options(overrides, asker, shell)?;
    let target = Target {
        pack: &project.pack,
        locked: project.lock.pack.clone(),
        options,
    };
    let mut prepared = prepare(project, target, shell)?;
    if !dry_run {
        apply_checked(project, &mut prepared, allow_dirty, commands, shell)?;
    }
    Ok(prepared)
}

/// Applies a planned change the way every writing command does: refused on a dirty work tree
/// (unless allowed), the pack's checks run just before it, then the change itself.
pub fn apply_checked(
    project: &Project,
    prepared: &mut Prepared,
    allow_dirty: bool,
    commands: super::pack_commands::Allowed,
    shell: &Shell,
) -> Result<()> {
    check_clean(&project.root, allow_dirty, prepared)?;
    take_baseline(prepared, commands);
    apply(project, prepared, shell)
}

/// Runs the pack's `[[checks]]` on the project as it is, just before the change is applied, so
/// that afterwards fb can tell the problems the change brought from those that were there.
/// It also decides, once for the change, whether the new pack's commands may run at all.
fn take_baseline(prepared: &mut Prepared, commands: super::pack_commands::Allowed) {
    prepared.trust =
        super::pack_commands::Trust::decide(&prepared.new_lock.pack.source, commands.trust);
    if commands.checks && !prepared.checks.is_empty() {
        prepared.baseline = Some(super::checks::run_all(
            &prepared.root,
            &prepared.checks,
            &prepared.trust,
        ));
    }
}

/// Refuses to write into a git work tree with uncommitted changes, unless allowed: every change
/// fb makes should be reviewable and undoable with git. Untracked files of the user's that this
/// change does not write are not in the way; untracked files it would write are, by name.
pub fn check_clean(root: &Path, allow_dirty: bool, prepared: &Prepared) -> Result<()> {
    if allow_dirty {
        return Ok(());
    }
    let writes: std::collections::BTreeSet<String> = ops(prepared)
        .iter()
        .map(|op| op.path().to_string())
        .collect();
    refuse_dirty(
        crate::vcs::status(root)?
            .into_iter()
            .filter(|d| !d.untracked || writes.contains(&d.path)),
    )
}

fn refuse_dirty(dirty: impl Iterator<Item = crate::vcs::Dirty>) -> Result<()> {
    let dirty: Vec<String> = dirty.map(|d| d.path).collect();
    if dirty.is_empty() {
        return Ok(());
    }
    bail!(
        "the project has uncommitted changes that this change would touch or mix with ({}): commit or stash them first so fb's change can be reviewed and undone, or pass --allow-dirty",
        crate::limits::list_cut(&dirty, 5)
    )
}
