//! `fb completions SHELL`: a completion script for the shell, generated from fb's own clap
//! definitions, so it always knows every command and flag.

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::{Cli, Outcome};
use crate::ui::Shell;

/// Print a shell completion script (bash, zsh, fish, powershell, elvish)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Install, for example:\n  fb completions bash > ~/.local/share/bash-completion/completions/fb\n  fb completions zsh > \"${fpath[1]}/_fb\"\n  fb completions fish > ~/.config/fish/completions/fb.fish"
)]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(args: Args, _shell: &Shell) -> Result<Outcome> {
    let mut command = Cli::command();
    // Into memory first: clap_complete panics on a closed pipe (`fb completions bash | head`).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "fb", &mut script);
    match std::io::Write::write_all(&mut std::io::stdout(), &script) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write the completion script")?
        }
        _ => Ok(Outcome::Done),
    }
}
