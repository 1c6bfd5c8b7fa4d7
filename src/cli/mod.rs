//! The command line: global flags, one module per command (`Args` + `run`), one dispatch match.

mod add;
mod adopt;
mod completions;
mod diff;
mod json;
mod lint;
mod merge_file;
mod new;
mod packs;
mod remove;
mod report;
mod status;
mod update;
mod upgrade;
mod write_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::ui::{ColorChoice, Shell, Verbosity};

/// Build FastAPI projects and keep them up to date.
#[derive(Debug, Parser)]
#[command(name = "fb", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Print nothing but errors and requested data
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more about what fb does
    #[arg(short, long, global = true)]
    verbose: bool,
    /// When to use colour (NO_COLOR is honoured with `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    New(Box<new::Args>),
    Status(status::Args),
    Upgrade(upgrade::Args),
    Update(update::Args),
    Add(add::Args),
    Remove(remove::Args),
    Adopt(adopt::Args),
    Diff(diff::Args),
    Packs(packs::Args),
    MergeFile(merge_file::Args),
    Lint(lint::Args),
    Completions(completions::Args),
}

/// How a command that ran to the end went.
pub enum Outcome {
    /// Done.
    Done,
    /// Done, but the user has to act (conflicts left): exit status 1.
    NeedsUser,
    /// A command with its own exit statuses (`merge-file` mirrors git's).
    Code(u8),
}

/// Parses the command line, runs the command and maps the result to fb's exit status:
/// 0 done, 1 done but needs the user, 2 error (nothing changed); `merge-file`: 0 clean, 1-127
/// conflicts, 255 error.
pub fn main() -> ExitCode {
    let cli = parse();
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let shell = Shell::new(verbosity, cli.color);
    // `merge-file` writes its one file by rename (atomic) and starts no transaction: it needs no
    // handler, and starting one (a thread) is a sizeable part of a per-file merge driver's time.
    if !matches!(cli.command, Command::MergeFile(_)) {
        crate::apply::install_interrupt_handler();
    }
    // `merge-file` counts conflicts in its exit status (1-127), so its errors need a code no count
    // can take: 255, as git's.
    let error_code = match cli.command {
        Command::MergeFile(_) => 255,
        _ => 2,
    };
    let result = match cli.command {
        Command::New(args) => new::run(*args, &shell),
        Command::Status(args) => status::run(args, &shell),
        Command::Upgrade(args) => upgrade::run(args, &shell),
        Command::Update(args) => update::run(args, &shell),
        Command::Packs(args) => packs::run(args, &shell),
        Command::Add(args) => add::run(args, &shell),
        Command::Remove(args) => remove::run(args, &shell),
        Command::Adopt(args) => adopt::run(args, &shell),
        Command::Diff(args) => diff::run(args, &shell),
        Command::MergeFile(args) => merge_file::run(args, &shell),
        Command::Lint(args) => lint::run(args, &shell),
        Command::Completions(args) => completions::run(args, &shell),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::NeedsUser) => ExitCode::from(1),
        Ok(Outcome::Code(code)) => ExitCode::from(code),
        Err(err) => {
            shell.error(&err);
            ExitCode::from(error_code)
        }
    }
}

/// The parsed command line. `fb add`'s help lists the built-in pack's features, which takes
/// loading the pack: that is done only when help may be shown, not at every start (a per-file
/// `fb merge-file` would pay for it otherwise).
fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    if std::env::args_os()
        .skip(1)
        .any(|a| a == "-h" || a == "--help" || a == "help")
    {
        command = command.mut_subcommand("add", |c| c.after_help(add::after_help()));
    }
    let matches = command.get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Parses `--set KEY=VALUE` flags.
fn parse_sets(
    sets: &[String],
) -> anyhow::Result<indexmap::IndexMap<String, crate::pack::options::Explicit>> {
    let mut out = indexmap::IndexMap::new();
    for pair in sets {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("`--set {pair}` needs the form KEY=VALUE"))?;
        out.insert(
            key.trim().to_string(),
            crate::pack::options::Explicit::Value(value.to_string()),
        );
    }
    Ok(out)
}

/// Parses a version as users write it: `1.2.0` or `v1.2.0`.
fn parse_version(v: &str) -> anyhow::Result<semver::Version> {
    semver::Version::parse(v.strip_prefix('v').unwrap_or(v))
        .map_err(|_| anyhow::anyhow!("`{v}` is not a version like 1.2.0"))
}
