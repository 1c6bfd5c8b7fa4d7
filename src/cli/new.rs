//! `fb new NAME`: arguments, prompts and output; the work is in [`crate::ops::new`].

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use indexmap::IndexMap;

use super::Outcome;
use crate::ops::new::{NewOptions, NewOutcome};
use crate::pack::options::{Asker, Explicit, OptValue, OptionKind, OptionSpec, split_list};
use crate::source::{BUILTIN_NAME, PackRequest};
use crate::ui::Shell;

/// Create a new FastAPI project
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  fb new demo --yes\n  fb new shop --level 2 --db postgres --domain shop\n  fb new orders --resource \"Order total:float paid:bool note:str?\""
)]
pub struct Args {
    /// Project name (a directory of that name is created); may be a path such as `code/demo`
    name: String,
    /// Create the project in DIR instead of ./NAME
    #[arg(long, value_name = "DIR")]
    path: Option<PathBuf>,
    /// 1 hello world; 2 CRUD on a database; 3 adds users and auth; 4 production (layers, Alembic,
    /// Docker, CI); 5 advanced (level 4 with every feature on) [default: 2]
    #[arg(long, value_name = "N")]
    level: Option<String>,
    /// Database from level 2, fixed once chosen: sqlite (a local file, no server), postgres
    /// (PostgreSQL through psycopg, asyncpg from level 4) or mongodb (PyMongo: MongoClient at
    /// levels 2-3, AsyncMongoClient from level 4)
    /// [default: sqlite]
    #[arg(long, value_name = "DB")]
    db: Option<String>,
    /// Authentication: jwt, oauth2, apikey or none [default: jwt from level 3]
    #[arg(long, value_name = "AUTH")]
    auth: Option<String>,
    /// Main resource preset: tasks, blog or shop (custom with --resource) [default: tasks]
    #[arg(long, value_name = "DOMAIN")]
    domain: Option<String>,
    /// A custom main resource: "Name field:type ..." (types: str text int float decimal bool date
    /// datetime uuid email url enum(a|b|c), and ref:Name in `--set resources=...` for a resource
    /// made before; `?` makes a field optional, `:unique` unique, `:min=N` `:max=N` bound a number)
    #[arg(long, value_name = "SPEC")]
    resource: Option<String>,
    /// Features to add from level 4, comma-separated (`fb add --help` lists them)
    #[arg(long = "with", value_name = "F,...")]
    with: Vec<String>,
    /// Features to leave out, comma-separated (level 5 has them all)
    #[arg(long = "without", value_name = "F,...")]
    without: Vec<String>,
    /// Set any pack option: KEY=VALUE (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Pack to use: a name or a pack directory, optionally @VERSION
    #[arg(long, value_name = "SOURCE[@VERSION]", default_value = BUILTIN_NAME)]
    pack: String,
    /// Take the defaults for everything not given; never prompt
    #[arg(short, long)]
    yes: bool,
    /// Show what would be written; write nothing
    #[arg(long)]
    dry_run: bool,
    /// Never use the network (the built-in pack and local packs need it only for `uv lock`,
    /// which then runs offline, from uv's cache)
    #[arg(long)]
    offline: bool,
    /// Do not run the pack's lock command after writing (`uv lock` for the built-in pack)
    #[arg(long, env = "FB_NO_LOCK", hide_env_values = true, value_parser = clap::builder::FalseyValueParser::new())]
    no_lock: bool,
    /// Run the commands of a pack that is not built into fb (its lock command); without it fb
    /// only says what it did not run
    #[arg(long, env = "FB_TRUST", hide_env_values = true, value_parser = clap::builder::FalseyValueParser::new())]
    trust: bool,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    // Destructured without `..`, so a new flag cannot be forgotten here.
    let Args {
        name,
        path,
        level,
        db,
        auth,
        domain,
        resource,
        with,
        without,
        set,
        pack,
        yes,
        dry_run,
        offline,
        no_lock,
        trust,
    } = args;
    let mut explicit: IndexMap<String, Explicit> = IndexMap::new();
    for (key, value) in [
        ("level", level),
        ("db", db),
        ("auth", auth),
        ("domain", domain),
    ] {
        if let Some(value) = value {
            explicit.insert(key.to_string(), Explicit::Value(value));
        }
    }
    if let Some(spec) = resource {
        // Checked here too, so a typo gets a message about the flag rather than about the pack.
        crate::pack::resource::Resource::parse(&spec)
            .map_err(|e| anyhow!("invalid --resource: {e}"))?;
        // `--resource` implies the custom domain.
        match explicit.get("domain") {
            None => {
                explicit.insert("domain".into(), Explicit::Value("custom".into()));
            }
            Some(Explicit::Value(d)) if d == "custom" => {}
            Some(_) => bail!(
                "--resource goes with the custom domain: leave out --domain, or pass --domain custom"
            ),
        }
        explicit.insert("resource".into(), Explicit::Value(spec));
    }
    let add: Vec<String> = with.iter().flat_map(|w| split_list(w)).collect();
    let remove: Vec<String> = without.iter().flat_map(|w| split_list(w)).collect();
    if let Some(both) = add.iter().find(|f| remove.contains(f)) {
        bail!("feature `{both}` is given to both --with and --without");
    }
    if !add.is_empty() || !remove.is_empty() {
        explicit.insert("features".into(), Explicit::ListEdit { add, remove });
    }
    explicit.extend(super::parse_sets(&set)?);

    let prompter = Prompter;
    let interactive = !yes && shell.is_interactive();
    let outcome = crate::ops::new::run(
        NewOptions {
            name,
            path,
            pack: PackRequest::parse(&pack)?,
            explicit,
            asker: interactive.then_some(&prompter as &dyn Asker),
            dry_run,
            offline,
        },
        shell,
    )?;
    report(&outcome, dry_run, shell);
    if dry_run {
        return Ok(Outcome::Done);
    }
    let when = crate::ops::generate::When {
        skip: no_lock,
        offline,
        changed: true,
    };
    let results = crate::ops::generate::run(
        &outcome.target,
        &outcome.generated,
        when,
        &crate::ops::pack_commands::Trust::decide(&outcome.pack_source, trust),
        shell,
    );
    let failed = crate::ops::generate::report(&results, shell);
    if let Some(steps) = &outcome.next_steps {
        shell.text("");
        shell.text(format!("Next steps:\n  cd {}", outcome.target.display()));
        shell.text(steps.trim_end());
    }
    Ok(match failed {
        true => Outcome::NeedsUser,
        false => Outcome::Done,
    })
}

fn report(outcome: &NewOutcome, dry_run: bool, shell: &Shell) {
    let summary = outcome
        .options
        .iter()
        .filter(|(_, v)| {
            !matches!(v, OptValue::List(l) if l.is_empty())
                && !matches!(v, OptValue::Str(s) if s.is_empty())
        })
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let target = outcome.target.display();
    if dry_run {
        shell.status(
            "Would create",
            format!(
                "`{target}` from {} {} ({summary})",
                outcome.pack_name, outcome.pack_version
            ),
        );
        for (path, bytes) in &outcome.files {
            shell.out(format!("{path} ({} bytes)", bytes.len()));
        }
        shell.note(format!(
            "{} files; nothing was written (--dry-run)",
            outcome.files.len()
        ));
        return;
    }
    for path in outcome.files.keys() {
        shell.verbose("Writing", path);
    }
    shell.status(
        "Created",
        format!(
            "`{}` from {} {} ({summary}): {} files",
            outcome.project.name,
            outcome.pack_name,
            outcome.pack_version,
            outcome.files.len()
        ),
    );
}

/// Terminal prompts for options the user did not give.
pub(super) struct Prompter;

impl Asker for Prompter {
    fn ask(
        &self,
        _name: &str,
        spec: &OptionSpec,
        choices: &[String],
        default: Option<&OptValue>,
    ) -> Result<OptValue> {
        use dialoguer::{Confirm, Input, MultiSelect, Select};
        let prompt = spec.prompt.clone().unwrap_or_default();
        let theme = dialoguer::theme::ColorfulTheme::default();
        let value = match spec.kind {
            OptionKind::Bool => OptValue::Bool(
                Confirm::with_theme(&theme)
                    .with_prompt(prompt)
                    .default(default == Some(&OptValue::Bool(true)))
                    .interact()?,
            ),
            OptionKind::List => {
                let current = match default {
                    Some(OptValue::List(items)) => items.clone(),
                    _ => Vec::new(),
                };
                let checked: Vec<bool> = choices.iter().map(|c| current.contains(c)).collect();
                let picked = MultiSelect::with_theme(&theme)
                    .with_prompt(prompt)
                    .items(choices)
                    .defaults(&checked)
                    .interact()?;
                OptValue::List(picked.into_iter().map(|i| choices[i].clone()).collect())
            }
            kind if !choices.is_empty() => {
                let start = choices
                    .iter()
                    .position(|c| default.is_some_and(|d| *c == d.to_string()))
                    .unwrap_or(0);
                let i = Select::with_theme(&theme)
                    .with_prompt(prompt)
                    .items(choices)
                    .default(start)
                    .interact()?;
                OptValue::parse(kind, &choices[i])?
            }
            kind => {
                let mut input = Input::<String>::with_theme(&theme).with_prompt(prompt);
                if let Some(default) = default {
                    input = input.default(default.to_string());
                }
                let text = input.interact_text()?;
                OptValue::parse(kind, &text)?
            }
        };
        Ok(value)
    }
}
