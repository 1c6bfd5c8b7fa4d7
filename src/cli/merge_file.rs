//! `fb merge-file`: fb's three-way merge as a command, with `git merge-file`'s arguments and exit
//! status, so it also works as a git merge driver.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Outcome;
use crate::merge::{self, Labels};
use crate::ui::Shell;

/// Three-way merge one file, like `git merge-file` (exit status: 0 clean, 1-127 the number of conflicts, 255 error)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the result to stdout instead of writing CURRENT
    #[arg(short = 'p', long = "stdout")]
    stdout: bool,
    /// Labels for CURRENT, BASE and OTHER on conflict markers (repeat up to three times)
    #[arg(short = 'L', value_name = "LABEL", action = clap::ArgAction::Append)]
    labels: Vec<String>,
    /// Length of the conflict markers, as git's `conflict-marker-size` (a merge driver gets %L)
    #[arg(long, value_name = "N", default_value_t = merge::DEFAULT_MARKER_SIZE, value_parser = clap::value_parser!(usize))]
    marker_size: usize,
    /// The file with your changes; the result is written here unless -p
    current: PathBuf,
    /// The common ancestor
    base: PathBuf,
    /// The file with the changes to merge in
    other: PathBuf,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let Args {
        stdout,
        labels,
        marker_size,
        current,
        base,
        other,
    } = args;
    if labels.len() > 3 {
        anyhow::bail!("-L takes at most three labels (CURRENT, BASE, OTHER)");
    }
    let read =
        |p: &Path| std::fs::read(p).with_context(|| format!("cannot read `{}`", p.display()));
    let (ours, ancestor, theirs) = (read(&current)?, read(&base)?, read(&other)?);
    let default_label = |i: usize, p: &Path| {
        labels
            .get(i)
            .cloned()
            .unwrap_or_else(|| p.display().to_string())
    };
    let (l_ours, l_base, l_theirs) = (
        default_label(0, &current),
        default_label(1, &base),
        default_label(2, &other),
    );
    let labels = Labels {
        ours: &l_ours,
        base: &l_base,
        theirs: &l_theirs,
    };
    let (text, conflicts) =
        match merge::merge_bytes_with(&ancestor, &ours, &theirs, &labels, marker_size) {
            merge::Outcome::Clean(text) => (text, 0),
            merge::Outcome::Conflicted { text, conflicts } => (text, conflicts),
            merge::Outcome::Binary => {
                shell.warn(format!(
                    "cannot merge binary files: `{}` is left as it was",
                    current.display()
                ));
                (ours, 1)
            }
        };
    if stdout {
        std::io::stdout()
            .write_all(&text)
            .context("cannot write to stdout")?;
    } else {
        write_in_place(&current, &text)?;
    }
    if conflicts > 0 {
        shell.warn(format!(
            "{conflicts} conflict(s) in `{}`",
            current.display()
        ));
    }
    Ok(Outcome::Code(conflicts.min(127) as u8))
}

/// Replaces a file's content atomically, keeping its permissions.
fn write_in_place(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in `{}`", dir.display()))?;
    tmp.write_all(bytes)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}
