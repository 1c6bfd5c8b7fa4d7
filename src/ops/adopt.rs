//! `fb adopt`: write a lockfile for a FastAPI project that has none, so fb can merge into it.
//!
//! The pack is rendered with every combination of its choice options (narrowed by what the user
//! fixed), each render is scored against the files on disk, and the best one becomes the
//! project's recorded render: files it shares with the project count as edits of that render,
//! files it has and the project lacks count as deleted by the user (so fb never adds them back
//! unasked), and the project's own files stay its own.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indexmap::IndexMap;

use crate::lock::{LOCK_FILE, Lock};
use crate::names::ProjectName;
use crate::pack::options::{self, Explicit, OptValue, Options};
use crate::pack::render::{self, Tree};
use crate::paths::{Origin, Root};
use crate::source::PackRequest;
use crate::ui::Shell;

pub struct AdoptOptions {
    pub path: PathBuf,
    pub pack: PackRequest,
    /// Options the user fixed (`--level 3`, `--set db=postgres`).
    pub fixed: IndexMap<String, Explicit>,
    /// The project name the pack renders with; default: `[project] name` of `pyproject.toml`,
    /// else the directory's name.
    pub name: Option<String>,
    pub dry_run: bool,
    pub offline: bool,
}

/// One candidate render and how well it matches the project.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub options: Options,
    pub score: f64,
    /// Files of the render that the project has byte for byte.
    pub identical: usize,
    /// Files of the render that the project has, changed.
    pub changed: usize,
    /// Files of the render that the project lacks.
    pub missing: usize,
    pub files: usize,
}

pub struct AdoptOutcome {
    pub root: PathBuf,
    pub project: String,
    pub pack_name: String,
    pub pack_version: String,
    /// Best first.
    pub candidates: Vec<Candidate>,
    pub lock: Lock,
}

pub fn run(opts: AdoptOptions, shell: &Shell) -> Result<AdoptOutcome> {
    let root = opts
        .path
        .canonicalize()
        .with_context(|| format!("cannot open `{}`", opts.path.display()))?;
    if root.join(LOCK_FILE).exists() {
        bail!(
            "`{}` already has a `{LOCK_FILE}`: fb already knows this project (`fb status` shows what it recorded)",
            root.display()
        );
    }
    if !looks_like_fastapi(&root)? {
        bail!(
            "`{}` does not look like a FastAPI project (no Python file imports fastapi, and neither pyproject.toml nor requirements*.txt names it)",
            root.display()
        );
    }
    let name = match opts.name {
        Some(name) => name,
        None => project_name(&root)?,
    };
    let project = ProjectName::parse(&name).with_context(|| {
        format!("the project name `{name}` cannot be used; pass another with --name")
    })?;
    let loaded = opts.pack.load(opts.offline, shell)?;
    let pack = &loaded.pack;
    let gate = Root::new(&root);
    let mut candidates = Vec::new();
    let mut renders: Vec<Tree> = Vec::new();
    for options in candidate_options(&pack.manifest, &opts.fixed)? {
        let ctx = render::context(pack, &project, &options)?;
        // A combination the pack cannot render is no candidate (its error is the pack's affair).
        let Ok(tree) = render::render(pack, &ctx) else {
            continue;
        };
        candidates.push(score(&gate, &tree, options)?);
        renders.push(tree);
    }
    if candidates.is_empty() {
        bail!(
            "pack `{}` {} renders nothing with these options: loosen --level/--db/--set",
            pack.name(),
            pack.version()
        );
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    // Best score first; on a tie, the smaller render (the simpler level) explains the project.
    order.sort_by(|&a, &b| {
        candidates[b]
            .score
            .total_cmp(&candidates[a].score)
            .then(candidates[a].files.cmp(&candidates[b].files))
    });
    let best = order[0];
    let lock = Lock {
        project: project.name.clone(),
        pack: loaded.locked(),
        options: candidates[best].options.clone(),
        files: crate::project::hashes(&renders[best]),
    };
    let sorted: Vec<Candidate> = order.iter().map(|&i| candidates[i].clone()).collect();
    if sorted[0].identical == 0 && sorted[0].changed == 0 {
        bail!(
            "no render of pack `{}` {} shares a file with `{}`: fb cannot tell what it would be merging into",
            pack.name(),
            pack.version(),
            root.display()
        );
    }
    if !opts.dry_run {
        // The lock is the only file written, and it is new: one atomic write is the transaction.
        crate::apply::apply_ops(
            &root,
            &format!("fb adopt as {}", describe(&lock.options)),
            &[crate::apply::Op::Write(
                LOCK_FILE.to_string(),
                lock.to_toml().into_bytes(),
            )],
        )?;
    }
    Ok(AdoptOutcome {
        root,
        project: project.name,
        pack_name: pack.name().to_string(),
        pack_version: pack.version().to_string(),
        candidates: sorted,
        lock,
    })
}

/// `level=2 db=sqlite ...`, leaving out options with an empty value (no resources, no features).
pub fn describe(options: &Options) -> String {
    options
        .iter()
        .filter(|(_, v)| {
            !matches!(v, OptValue::List(l) if l.is_empty())
                && !matches!(v, OptValue::Str(s) if s.is_empty())
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every option set the pack accepts, varying its single-choice options that the user did not fix.
fn candidate_options(
    manifest: &crate::pack::Manifest,
    fixed: &IndexMap<String, Explicit>,
) -> Result<Vec<Options>> {
    let axes: Vec<(String, Vec<String>)> = manifest
        .options
        .iter()
        .filter(|(name, spec)| {
            spec.choices.is_some()
                && spec.kind != options::OptionKind::List
                && !fixed.contains_key(*name)
        })
        .map(|(name, spec)| (name.clone(), spec.choice_strings()))
        .collect();
    let mut combos: Vec<IndexMap<String, Explicit>> = vec![fixed.clone()];
    for (name, choices) in &axes {
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                choices.iter().map(move |choice| {
                    let mut next = combo.clone();
                    next.insert(name.clone(), Explicit::Value(choice.clone()));
                    next
                })
            })
            .collect();
    }
    let mut out: Vec<Options> = Vec::new();
    let mut first_error = None;
    for combo in combos {
        // Choices that do not apply fall back to `otherwise`, so many combinations coincide;
        // combinations the pack's rules refuse are no candidates.
        let mut quiet = |_: String| {};
        match options::resolve(manifest, &combo, None, &mut quiet) {
            Ok(resolved) if !out.contains(&resolved) => out.push(resolved),
            Ok(_) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if out.is_empty()
        && let Some(e) = first_error
    {
        return Err(e.context("no option set the pack accepts matches what you fixed"));
    }
    Ok(out)
}

/// How well a render explains the files on disk: an identical file counts 1; a changed one counts
/// half for being where the render puts it and half by the share of its lines that still match; a
/// file the render has and the project lacks costs a tenth (a project fb did not write lacks many,
/// so presence must outweigh absence, while an exact render still beats every larger one).
fn score(root: &Root, tree: &Tree, options: Options) -> Result<Candidate> {
    let mut candidate = Candidate {
        options,
        score: 0.0,
        identical: 0,
        changed: 0,
        missing: 0,
        files: tree.len(),
    };
    for (path, rendered) in tree {
        match root.read(path, Origin::Pack).unwrap_or(None) {
            None => {
                candidate.missing += 1;
                candidate.score -= 0.1;
            }
            Some(disk) if disk == *rendered => {
                candidate.identical += 1;
                candidate.score += 1.0;
            }
            Some(disk) => {
                candidate.changed += 1;
                candidate.score += 0.5 + 0.5 * similarity(&disk, rendered);
            }
        }
    }
    Ok(candidate)
}

/// The share of lines two texts have in common (0 for binary content).
fn similarity(a: &[u8], b: &[u8]) -> f64 {
    match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(a), Ok(b)) => f64::from(similar::TextDiff::from_lines(a, b).ratio()),
        _ => 0.0,
    }
}

fn looks_like_fastapi(root: &Path) -> Result<bool> {
    for manifest in ["pyproject.toml", "requirements.txt", "requirements-dev.txt"] {
        if let Ok(text) = std::fs::read_to_string(root.join(manifest))
            && text.to_ascii_lowercase().contains("fastapi")
        {
            return Ok(true);
        }
    }
    for file in crate::lint::python_files(&[root.to_path_buf()])? {
        if let Ok(text) = std::fs::read_to_string(&file)
            && (text.contains("from fastapi") || text.contains("import fastapi"))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `[project] name` of `pyproject.toml`, else the directory's name.
fn project_name(root: &Path) -> Result<String> {
    if let Ok(text) = std::fs::read_to_string(root.join("pyproject.toml"))
        && let Ok(doc) = text.parse::<toml::Table>()
        && let Some(name) = doc
            .get("project")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
    {
        return Ok(name.to_string());
    }
    root.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .context("the project directory has no name: pass one with --name")
}
