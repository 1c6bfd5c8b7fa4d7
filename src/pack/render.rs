//! Rendering a pack into a tree of files: minijinja set up for code (strict undefined, no
//! auto-escaping, trailing newlines kept), path expressions, and the checks that keep every file
//! inside the project.

use std::collections::BTreeMap;

use anyhow::{Context, Result, anyhow, bail};
use indexmap::IndexMap;
use minijinja::value::Serde;
use minijinja::{Environment, ErrorKind, Value};

use super::Pack;
pub use super::expr::expression_env;
use super::manifest::Repeat;
use super::options::Options;
use crate::limits;
use crate::names::ProjectName;
use crate::paths::{self, Origin};

/// The rendered project: relative path (`/`-separated) → file content.
pub type Tree = BTreeMap<String, Vec<u8>>;

/// The suffix that marks a file to render; it is dropped from the output path.
const TEMPLATE_SUFFIX: &str = ".jinja";

/// Everything a template can see: project names, the pack, options, vars and computed values.
pub fn context(pack: &Pack, project: &ProjectName, options: &Options) -> Result<Value> {
    context_in(&expression_env(), pack, project, options)
}

/// [`context`], with the computed values evaluated in `env`.
pub fn context_in(
    env: &Environment<'static>,
    pack: &Pack,
    project: &ProjectName,
    options: &Options,
) -> Result<Value> {
    let manifest = &pack.manifest;
    let mut map: IndexMap<Value, Value> = IndexMap::new();
    let set = |map: &mut IndexMap<Value, Value>, k: &str, v: Value| {
        map.insert(Value::from(k), v);
    };
    set(&mut map, "project_name", Value::from(project.name.as_str()));
    set(
        &mut map,
        "package_name",
        Value::from(project.package.as_str()),
    );
    set(
        &mut map,
        "project_title",
        Value::from(project.title.as_str()),
    );
    set(&mut map, "fb_version", Value::from(crate::FB_VERSION));
    let mut pack_info = BTreeMap::new();
    pack_info.insert("name", manifest.pack.name.clone());
    pack_info.insert("version", manifest.pack.version.clone());
    set(&mut map, "pack", Value::from(Serde(pack_info)));
    for (k, v) in &manifest.vars {
        set(&mut map, k, Value::from(Serde(v)));
    }
    for (k, v) in options {
        set(&mut map, k, v.to_value());
    }
    for (name, expr) in &manifest.computed {
        let value = env
            .compile_expression(expr)
            .and_then(|e| e.eval(Value::from(map.clone())))
            .map_err(|e| anyhow!(describe_error(&e)))
            .with_context(|| format!("cannot compute `{name}`"))?;
        set(&mut map, name, value);
    }
    Ok(Value::from(map))
}

/// Renders every template file of `pack` with `ctx`. Fails before anything is written if a path
/// would leave the project or use a name fb keeps, two files land on the same path, a file lands
/// where another file needs a directory, a template does not render, or the render goes over the
/// limits of [`crate::limits`] (work per template and in all, bytes per file and in all).
pub fn render(pack: &Pack, ctx: &Value) -> Result<Tree> {
    render_measured(pack, ctx).map(|(tree, _)| tree)
}

/// What a render used, against the limits of [`crate::limits`] (`fb new -v` shows it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    pub files: usize,
    pub bytes: u64,
    /// Fuel used by the whole render, and by its most expensive template.
    pub fuel: u64,
    pub max_template_fuel: u64,
    pub max_file_bytes: u64,
}

/// [`render`], also saying how much of the budget the render used.
pub fn render_measured(pack: &Pack, ctx: &Value) -> Result<(Tree, RenderStats)> {
    render_in(expression_env(), pack, ctx)
}

/// [`render_measured`], with the templates rendered in `env`.
pub fn render_in(
    mut env: Environment<'static>,
    pack: &Pack,
    ctx: &Value,
) -> Result<(Tree, RenderStats)> {
    let mut stats = RenderStats::default();
    // Partials are parsed when a template first imports or includes one: a pack can carry many
    // (the built-in one has a lock file's worth), and a level-1 project uses none of them.
    let partials = std::sync::Arc::clone(&pack.partials);
    env.set_loader(move |name| Ok(partials.get(name).cloned()));
    let mut tree = Tree::new();
    let mut origin: BTreeMap<String, &str> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut budget = Budget {
        fuel: limits::FUEL_PER_RENDER,
        bytes: limits::MAX_RENDER_BYTES,
    };
    'templates: for (source_path, bytes) in &pack.templates {
        for ctx in contexts_for(pack, &env, source_path, ctx)? {
            if budget.fuel == 0 {
                errors.push(format!(
                    "the pack exceeded the rendering budget of a whole project ({} units of work, see \"Limits\" in fb's README) at `template/{source_path}`; the templates after it were not rendered",
                    limits::FUEL_PER_RENDER
                ));
                break 'templates;
            }
            env.set_fuel(Some(budget.fuel.min(limits::FUEL_PER_TEMPLATE)));
            match render_one(&env, source_path, bytes, &ctx) {
                Ok(None) => {}
                Ok(Some(Rendered {
                    path,
                    content,
                    fuel,
                })) => {
                    budget.fuel = budget.fuel.saturating_sub(fuel);
                    stats.files += 1;
                    stats.bytes += content.len() as u64;
                    stats.fuel += fuel;
                    stats.max_template_fuel = stats.max_template_fuel.max(fuel);
                    stats.max_file_bytes = stats.max_file_bytes.max(content.len() as u64);
                    budget.bytes = budget.bytes.checked_sub(content.len() as u64).ok_or_else(|| {
                        anyhow!(
                            "the pack renders more than {} in all, fb's limit for one project (at `template/{source_path}`)",
                            limits::human_bytes(limits::MAX_RENDER_BYTES)
                        )
                    })?;
                    if let Some(first) = origin.insert(path.clone(), source_path) {
                        if first == source_path {
                            bail!(
                                "`template/{first}` renders `{path}` twice: two items of its [[repeat]] list give the same path (are two resources named alike?)"
                            );
                        }
                        bail!(
                            "`template/{first}` and `template/{source_path}` both render to `{path}`"
                        );
                    }
                    tree.insert(path, content);
                }
                Err(e) => {
                    // A template that failed used up to its whole share of the budget.
                    budget.fuel = budget.fuel.saturating_sub(limits::FUEL_PER_TEMPLATE);
                    errors.push(format!("{e:#}"));
                }
            }
        }
    }
    // Report every broken template at once, as a pack author would want.
    if !errors.is_empty() {
        bail!(
            "{} template(s) failed to render:\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
    check_files_and_dirs(&tree, &origin)?;
    Ok((tree, stats))
}

/// What a render may still spend.
struct Budget {
    fuel: u64,
    bytes: u64,
}

/// Refuses a render where one file's path is a directory of another (`a` and `a/b`): no file
/// system can hold both, so it is caught here rather than while writing.
fn check_files_and_dirs(tree: &Tree, origin: &BTreeMap<String, &str>) -> Result<()> {
    // macOS and Windows file systems do not tell `README.md` from `readme.md`.
    let mut folded: BTreeMap<String, &str> = BTreeMap::new();
    for path in tree.keys() {
        if let Some(other) = folded.insert(path.to_lowercase(), path) {
            bail!(
                "`template/{}` and `template/{}` render `{other}` and `{path}`, which differ only in case: macOS and Windows cannot hold both",
                origin[other],
                origin[path.as_str()]
            );
        }
    }
    if let Some((file, inside)) = paths::nested_pair(tree) {
        bail!(
            "`template/{}` renders the file `{file}`, and `template/{}` renders `{inside}` inside it: a path cannot be both a file and a directory",
            origin[file],
            origin[inside]
        );
    }
    Ok(())
}

/// `ctx` (a map) with more values set.
pub fn with_values<'a>(ctx: &Value, extra: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    let mut map: IndexMap<Value, Value> = IndexMap::new();
    if let Ok(keys) = ctx.try_iter() {
        for key in keys {
            let value = ctx.get_item(&key).unwrap_or_default();
            map.insert(key, value);
        }
    }
    for (k, v) in extra {
        map.insert(Value::from(k), v);
    }
    Value::from(map)
}

/// The contexts a template renders with: the project's, or one per item of a `[[repeat]]` list.
fn contexts_for(
    pack: &Pack,
    env: &Environment<'_>,
    source_path: &str,
    ctx: &Value,
) -> Result<Vec<Value>> {
    let Some(repeat) = repeat_for(pack, source_path) else {
        return Ok(vec![ctx.clone()]);
    };
    let Some(items) = repeat_items(env, repeat, ctx)? else {
        bail!(
            "`over = \"{}\"` of a [[repeat]] is not defined (`template/{source_path}` repeats over it)",
            repeat.over
        );
    };
    Ok(items
        .into_iter()
        .map(|item| with_values(ctx, [(repeat.bind.as_str(), item)]))
        .collect())
}

/// The `[[repeat]]` that applies to a template path (or a move's path), if any.
pub fn repeat_for<'p>(pack: &'p Pack, path: &str) -> Option<&'p Repeat> {
    pack.manifest
        .repeat
        .iter()
        .find(|r| path.contains(&r.paths_containing))
}

/// The items a `[[repeat]]` goes over in `ctx`; `None` when `over` is undefined there (as in the
/// context of an earlier pack version that had no such list).
pub fn repeat_items(
    env: &Environment<'_>,
    repeat: &Repeat,
    ctx: &Value,
) -> Result<Option<Vec<Value>>> {
    let items = env
        .compile_expression(&repeat.over)
        .and_then(|e| e.eval(ctx.clone()))
        .map_err(|e| anyhow!(describe_error(&e)))
        .with_context(|| {
            format!(
                "cannot evaluate `over = \"{}\"` of a [[repeat]]",
                repeat.over
            )
        })?;
    if items.is_undefined() {
        return Ok(None);
    }
    let iter = items
        .try_iter()
        .map_err(|_| anyhow!("`over = \"{}\"` of a [[repeat]] is not a list", repeat.over))?;
    Ok(Some(iter.collect()))
}

/// One rendered file, with the work it took.
struct Rendered {
    path: String,
    content: Vec<u8>,
    fuel: u64,
}

fn render_one(
    env: &Environment<'_>,
    source_path: &str,
    bytes: &[u8],
    ctx: &Value,
) -> Result<Option<Rendered>> {
    let is_template = source_path.ends_with(TEMPLATE_SUFFIX);
    let raw_path = source_path
        .strip_suffix(TEMPLATE_SUFFIX)
        .unwrap_or(source_path);
    let Some(path) = render_path(env, raw_path, ctx)
        .with_context(|| format!("in the path `template/{source_path}`"))?
    else {
        return Ok(None);
    };
    if !is_template {
        return Ok(Some(Rendered {
            path,
            content: bytes.to_vec(),
            fuel: 0,
        }));
    }
    let source = std::str::from_utf8(bytes).map_err(|_| {
        anyhow!(
            "`template/{source_path}` is not UTF-8 text; drop the `.jinja` suffix to copy it as is"
        )
    })?;
    let name = format!("template/{source_path}");
    let budget_error = |e: &minijinja::Error| {
        if out_of_fuel(e) {
            anyhow!(
                "template `{name}` exceeded the rendering budget ({} units of work, see \"Limits\" in fb's README): does a loop or an include never end?",
                env.fuel().unwrap_or(0)
            )
        } else if innermost(e).detail() == Some("recursion limit exceeded") {
            anyhow!(
                "template `{name}` nests includes, macros or blocks deeper than fb's limit ({} levels, see \"Limits\" in fb's README): does an include include itself?",
                limits::RECURSION_LIMIT
            )
        } else {
            anyhow!(describe_error(e))
        }
    };
    let template = env
        .template_from_named_str(&name, source)
        .map_err(|e| budget_error(&e))?;

    let mut out = CappedWriter::default();
    let result = template.render_captured_to(ctx.clone(), &mut out);
    if out.overflowed {
        bail!(
            "template `{name}` renders more than {}, fb's limit for one file",
            limits::human_bytes(limits::MAX_FILE_BYTES)
        );
    }
    let captured = result.map_err(|e| budget_error(&e))?;
    let fuel = captured.state().fuel_levels().map_or(0, |(used, _)| used);
    Ok(Some(Rendered {
        path,
        content: out.bytes,
        fuel,
    }))
}

/// True when `e`, or an error it wraps (an include's, a macro's), ran out of fuel.
fn out_of_fuel(e: &minijinja::Error) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if err
            .downcast_ref::<minijinja::Error>()
            .is_some_and(|m| m.kind() == ErrorKind::OutOfFuel)
        {
            return true;
        }
        current = err.source();
    }
    false
}

/// Collects a render's output and fails once it passes [`limits::MAX_FILE_BYTES`].
#[derive(Default)]
struct CappedWriter {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for CappedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if (self.bytes.len() + buf.len()) as u64 > limits::MAX_FILE_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::other("the file is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders each segment of a path; `None` when a segment renders empty (the file is skipped).
/// The result goes through the path gate: it must stay inside the project and avoid fb's names.
fn render_path(env: &Environment<'_>, raw: &str, ctx: &Value) -> Result<Option<String>> {
    let mut segments = Vec::new();
    for segment in raw.split('/') {
        let rendered = if segment.contains("{{") || segment.contains("{%") {
            env.render_str(segment, ctx.clone())
                .map_err(|e| anyhow!(describe_error(&e)))?
        } else {
            segment.to_string()
        };
        if rendered.is_empty() {
            return Ok(None);
        }
        segments.push(rendered);
    }
    let path = segments.join("/");
    paths::check(&path, Origin::Pack)?;
    Ok(Some(path))
}

/// The error at the bottom of a chain of includes and macro calls: the one that says what broke.
fn innermost(e: &minijinja::Error) -> &minijinja::Error {
    let mut inner = e;
    while let Some(next) =
        std::error::Error::source(inner).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        inner = next;
    }
    inner
}

/// A minijinja error in one line, with its template and line when known; an error inside an
/// include or a macro names the place it happened, then where the chain started.
pub fn describe_error(e: &minijinja::Error) -> String {
    let inner = innermost(e);
    if !std::ptr::eq(inner, e) {
        let outer = match (e.name(), e.line()) {
            (Some(name), Some(line)) => format!(", included from {name}:{line}"),
            _ => String::new(),
        };
        return format!("{}{outer}", describe_one(inner));
    }
    describe_one(e)
}

fn describe_one(e: &minijinja::Error) -> String {
    let what = e
        .detail()
        .map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
    match (e.name(), e.line()) {
        (Some(name), Some(line)) if name != "<string>" && name != "<expression>" => {
            format!("{what} (at {name}:{line})")
        }
        _ => what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(files: &[(&str, &str)]) -> Pack {
        let mut all: BTreeMap<String, Vec<u8>> =
            [("pack.toml".to_string(), b"[pack]\nname = \"t\"\nversion = \"1.0.0\"\n[options.n]\ntype = \"int\"\ndefault = 1\n".to_vec())].into();
        for (p, c) in files {
            all.insert(format!("template/{p}"), c.as_bytes().to_vec());
        }
        Pack::from_files(all).unwrap()
    }

    fn render_with(files: &[(&str, &str)], n: i64) -> Result<Tree> {
        let p = pack(files);
        let mut opts = Options::new();
        opts.insert("n".into(), super::super::options::OptValue::Int(n));
        let ctx = context(&p, &ProjectName::parse("demo").unwrap(), &opts)?;
        render(&p, &ctx)
    }

    #[test]
    fn renders_content_paths_and_copies_the_rest() {
        let tree = render_with(
            &[
                ("{{ package_name }}/x.py.jinja", "n = {{ n }}\n"),
                ("raw.html", "{{ not rendered }}"),
                ("{% if n > 1 %}big{% endif %}.txt", "only when big"),
                ("dir{{ '' }}/a.txt", "kept: dir renders non-empty"),
            ],
            1,
        )
        .unwrap();
        assert_eq!(tree["demo/x.py"], b"n = 1\n");
        assert_eq!(tree["raw.html"], b"{{ not rendered }}");
        assert!(tree.keys().all(|k| !k.contains("big")));
        assert!(tree.contains_key("dir/a.txt"));
    }

    #[test]
    fn keeps_trailing_newlines_and_does_not_escape() {
        let tree = render_with(&[("a.html.jinja", "<b>{{ '<&>' }}</b>\n\n")], 1).unwrap();
        assert_eq!(tree["a.html"], b"<b><&></b>\n\n");
    }

    #[test]
    fn undefined_variables_are_errors() {
        let err = format!(
            "{:#}",
            render_with(&[("a.jinja", "{{ nope }}")], 1).unwrap_err()
        );
        assert!(
            err.contains("undefined") && err.contains("template/a.jinja"),
            "{err}"
        );
    }

    #[test]
    fn paths_may_not_escape_or_take_fbs_names() {
        for name in [
            "{{ '..' }}/x",
            "a/{{ '.' ~ '.' }}/x",
            "{{ '.' }}",
            "a/{{ '.git' }}/config",
            ".fb-transaction/journal",
            "{{ '.fb-transaction' }}/0",
            "fastapi-builder.lock",
            "x.png.fb-new",
            "{{ 'a\\\\b' }}",
        ] {
            let err = format!("{:#}", render_with(&[(name, "x")], 1).unwrap_err());
            assert!(
                err.contains("inside the project")
                    || err.contains("keeps for itself")
                    || err.contains("normalised")
                    || err.contains("backslash"),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn a_file_and_a_directory_of_the_same_name_are_refused() {
        let err = render_with(&[("a", "1"), ("a/b", "2")], 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("both a file and a directory"), "{err}");
    }

    #[test]
    fn rendering_is_bounded() {
        // Each partial includes the one before it twice: 2^40 copies without a budget.
        let mut all: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        all.insert(
            "pack.toml".into(),
            b"[pack]\nname = \"t\"\nversion = \"1.0.0\"\n".to_vec(),
        );
        all.insert("partials/p0".into(), b"x".to_vec());
        for i in 1..=40 {
            all.insert(
                format!("partials/p{i}"),
                format!("{{% include 'p{}' %}}{{% include 'p{}' %}}", i - 1, i - 1).into_bytes(),
            );
        }
        // 24 deep stays under the recursion limit, so the budget stops it; 40 deep meets the limit.
        all.insert(
            "template/bomb.jinja".into(),
            b"{% include 'p24' %}".to_vec(),
        );
        all.insert(
            "template/deep.jinja".into(),
            b"{% include 'p40' %}".to_vec(),
        );
        let p = Pack::from_files(all).unwrap();
        let ctx = context(&p, &ProjectName::parse("demo").unwrap(), &Options::new()).unwrap();
        let err = format!("{:#}", render(&p, &ctx).unwrap_err());
        assert!(
            err.contains("template `template/bomb.jinja` exceeded the rendering budget"),
            "{err}"
        );
        assert!(
            err.contains("template `template/deep.jinja` nests includes, macros or blocks deeper"),
            "{err}"
        );
        let err = format!(
            "{:#}",
            render_with(
                &[(
                    "loops.jinja",
                    "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}"
                )],
                1
            )
            .unwrap_err()
        );
        assert!(err.contains("exceeded the rendering budget"), "{err}");
        let err = format!(
            "{:#}",
            render_with(
                &[(
                    "big.jinja",
                    "{% for i in range(5000) %}{{ 'x' * 20000 }}{% endfor %}"
                )],
                1
            )
            .unwrap_err()
        );
        assert!(
            err.contains("exceeded the rendering budget")
                || err.contains("fb's limit for one file"),
            "{err}"
        );
    }

    #[test]
    fn collisions_are_errors() {
        let err = render_with(&[("a.txt", "1"), ("{{ 'a.txt' }}", "2")], 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("both render to `a.txt`"), "{err}");
    }

    #[test]
    fn partials_are_parsed_only_when_used() {
        let pack = |template: &[u8]| {
            let mut all: BTreeMap<String, Vec<u8>> = BTreeMap::new();
            all.insert(
                "pack.toml".into(),
                b"[pack]\nname = \"t\"\nversion = \"1.0.0\"\n".to_vec(),
            );
            all.insert("partials/broken.jinja".into(), b"{% if %}".to_vec());
            all.insert("partials/ok.jinja".into(), b"fine".to_vec());
            all.insert("template/a.txt.jinja".into(), template.to_vec());
            Pack::from_files(all).unwrap()
        };
        let render_with = |p: &Pack| {
            let ctx = context(p, &ProjectName::parse("demo").unwrap(), &Options::new()).unwrap();
            render(p, &ctx)
        };
        let tree = render_with(&pack(b"{% include 'ok.jinja' %}\n")).unwrap();
        assert_eq!(tree["a.txt"], b"fine");
        let err = format!(
            "{:#}",
            render_with(&pack(b"{% include 'broken.jinja' %}\n")).unwrap_err()
        );
        assert!(err.contains("broken.jinja"), "{err}");
    }

    #[test]
    fn repeat_over_an_undefined_list_is_an_error() {
        let mut all: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        all.insert(
            "pack.toml".into(),
            b"[pack]\nname = \"t\"\nversion = \"1.0.0\"\n[[repeat]]\npaths_containing = \"{{ m.\"\nover = \"nothing\"\nas = \"m\"\n".to_vec(),
        );
        all.insert("template/{{ m.name }}.txt".into(), b"x\n".to_vec());
        let p = Pack::from_files(all).unwrap();
        let ctx = context(&p, &ProjectName::parse("demo").unwrap(), &Options::new()).unwrap();
        let err = format!("{:#}", render(&p, &ctx).unwrap_err());
        assert!(
            err.contains("`over = \"nothing\"` of a [[repeat]] is not defined"),
            "{err}"
        );
    }

    #[test]
    fn repeat_renders_one_file_per_item() {
        let mut all: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        all.insert(
            "pack.toml".into(),
            br#"[pack]
name = "t"
version = "1.0.0"
[options.extra]
type = "list"
default = ["Order total:float", "Note body:text"]
[computed]
models = "extra | map('resource_model') | list"
[[repeat]]
paths_containing = "{{ m."
over = "models"
as = "m"
"#
            .to_vec(),
        );
        all.insert(
            "template/models/{{ m.snake }}.py.jinja".into(),
            b"class {{ m.name }}: ...\n".to_vec(),
        );
        all.insert(
            "template/all.txt.jinja".into(),
            b"{% for m in models %}{{ m.plural }}\n{% endfor %}".to_vec(),
        );
        let p = Pack::from_files(all).unwrap();
        let opts: Options = [(
            "extra".to_string(),
            super::super::options::OptValue::List(vec![
                "Order total:float".into(),
                "Note body:text".into(),
            ]),
        )]
        .into_iter()
        .collect();
        let ctx = context(&p, &ProjectName::parse("demo").unwrap(), &opts).unwrap();
        let tree = render(&p, &ctx).unwrap();
        assert_eq!(tree["models/order.py"], b"class Order: ...\n");
        assert_eq!(tree["models/note.py"], b"class Note: ...\n");
        assert_eq!(tree["all.txt"], b"orders\nnotes\n");
        let twice: Options = [(
            "extra".to_string(),
            super::super::options::OptValue::List(vec!["Order a:int".into(), "order b:int".into()]),
        )]
        .into_iter()
        .collect();
        let ctx = context(&p, &ProjectName::parse("demo").unwrap(), &twice).unwrap();
        assert!(render(&p, &ctx).unwrap_err().to_string().contains("twice"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let files = [
            (
                "b/{{ n }}.txt.jinja",
                "{% for i in range(n) %}{{ i }}\n{% endfor %}",
            ),
            ("a.txt", "x"),
        ];
        assert_eq!(
            render_with(&files, 3).unwrap(),
            render_with(&files, 3).unwrap()
        );
    }
}
