//! `fb packs`: the packs fb knows (built in, registry, cache) and their versions.

use anyhow::Result;

use super::Outcome;
use crate::ui::Shell;

/// List known packs (built in, registry, cache) and their versions
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, shell: &Shell) -> Result<Outcome> {
    for pack in crate::ops::packs::run()? {
        let versions: Vec<String> = pack.versions.iter().map(ToString::to_string).collect();
        let versions = if versions.is_empty() {
            "no versions cached".to_string()
        } else {
            versions.join(", ")
        };
        shell.out(format!(
            "{:<12} {:<10} {}",
            pack.name, pack.origin, versions
        ));
        if !pack.description.is_empty() {
            shell.out(format!("{:<12} {:<10} {}", "", "", pack.description));
        }
        if let Some(url) = &pack.url {
            shell.out(format!("{:<12} {:<10} {url}", "", ""));
        }
    }
    Ok(Outcome::Done)
}
