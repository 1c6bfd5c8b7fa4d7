//! `fb add FEATURE...` and `fb add resource Name field:type...`.

use anyhow::{Result, bail};

use super::Outcome;
use super::write_args::WriteArgs;
use crate::ops::add::{AddOptions, Addition};
use crate::pack::options::split_list;
use crate::ui::Shell;

// The help's list of features is added by `super::parse`, only when help is asked for.
/// Add features, or a resource, to the project, three-way merged into your files
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Features to add (the pack's `features` option), or `resource` followed by a resource spec
    #[arg(required = true, value_name = "FEATURE")]
    features: Vec<String>,
    #[command(flatten)]
    write: WriteArgs,
}

/// Examples, and the built-in pack's features with what its `features` option says of them.
pub(super) fn after_help() -> String {
    let features = crate::source::builtin_pack()
        .ok()
        .and_then(|pack| {
            let spec = pack.manifest.options.get("features")?;
            Some(format!(
                "Features of the built-in pack ({} {}): {}\n  {}",
                pack.name(),
                pack.version(),
                spec.choice_strings().join(", "),
                spec.help.clone().unwrap_or_default()
            ))
        })
        .unwrap_or_default();
    format!(
        "Examples:\n  fb add cache\n  fb add resource Order total:float paid:bool note:text?\n  fb add --dry-run resource Invoice number:int:unique\n\n{features}\n\nAnother pack's features: `fb add NAME` lists them when NAME is unknown."
    )
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let Args { features, write } = args;
    let WriteArgs {
        yes,
        dry_run,
        allow_dirty,
        offline,
        no_lock,
        no_check,
        trust,
        path,
        format,
    } = write;
    let what = match features.split_first() {
        Some((first, spec)) if first == "resource" => {
            if spec.is_empty() {
                bail!(
                    "`fb add resource` needs a resource: fb add resource Order total:float paid:bool"
                );
            }
            Addition::Resource(spec.join(" "))
        }
        _ => Addition::Features(features.iter().flat_map(|f| split_list(f)).collect()),
    };
    let summary = match &what {
        Addition::Features(features) => format!("feature(s) {}", features.join(", ")),
        Addition::Resource(spec) => format!("resource {spec}"),
    };
    let asker = super::write_args::asker(yes, shell);
    let outcome = crate::ops::add::run(
        AddOptions {
            start: path,
            what,
            asker,
            dry_run,
            allow_dirty,
            offline,
            commands: crate::ops::pack_commands::Allowed {
                checks: !no_check,
                trust,
            },
        },
        shell,
    )?;
    if !outcome.already.is_empty() {
        shell.note(format!("already present: {}", outcome.already.join(", ")));
    }
    let Some(prepared) = outcome.prepared else {
        if format == super::write_args::Format::Json {
            shell.out(super::json::up_to_date("add"));
        }
        return Ok(Outcome::Done);
    };
    Ok(super::report::change(
        shell,
        &prepared,
        dry_run,
        "Added",
        &summary,
        format,
        (no_lock, offline),
    ))
}
