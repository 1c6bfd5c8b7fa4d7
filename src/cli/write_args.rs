//! Flags shared by every command that changes an existing project.

use std::path::PathBuf;

use crate::pack::options::Asker;
use crate::ui::Shell;

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people: status lines on stderr
    #[default]
    Text,
    /// For scripts: one JSON object on stdout (schemas in README, "JSON output")
    Json,
}

#[derive(Debug, clap::Args)]
pub struct WriteArgs {
    /// Take the defaults for new options; never prompt
    #[arg(short, long)]
    pub yes: bool,
    /// Show what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write even if the git work tree has uncommitted changes
    #[arg(long)]
    pub allow_dirty: bool,
    /// Never use the network (the built-in pack needs it only for `uv lock`, which then runs
    /// offline, from uv's cache)
    #[arg(long)]
    pub offline: bool,
    /// Do not run the pack's lock command after writing (`uv lock` for the built-in pack)
    #[arg(long, env = "FB_NO_LOCK", hide_env_values = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub no_lock: bool,
    /// Do not run the pack's checks before and after the change (the built-in pack's: ruff's
    /// pyflakes rules, which find names the change broke in your code)
    #[arg(long, env = "FB_NO_CHECK", hide_env_values = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub no_check: bool,
    /// Run the commands of a pack that is not built into fb (its lock command and checks);
    /// without it fb only says what it did not run
    #[arg(long, env = "FB_TRUST", hide_env_values = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub trust: bool,
    /// The project directory (default: the one around the current directory)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub path: PathBuf,
    /// Output: `text`, or `json` (the plan, for scripts)
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

/// The prompter, when the user can be asked: a terminal and no `--yes`.
pub fn asker(yes: bool, shell: &Shell) -> Option<&'static dyn Asker> {
    static PROMPTER: super::new::Prompter = super::new::Prompter;
    (!yes && shell.is_interactive()).then_some(&PROMPTER as &dyn Asker)
}
