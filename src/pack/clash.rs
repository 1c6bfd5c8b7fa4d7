//! Resource names against the code a pack generates. A resource may take any name that does not
//! clash, in the rendered project, with a name the pack's own code uses: which names those are
//! depends on the options (a level-3 project has a `User`, a project with `background` imports
//! Celery's `tasks` module), so no fixed list can say. fb finds out by rendering the pack a second
//! time with every resource renamed to a stand-in (`Zqxpaaa`, `zqxpaaas`): in each Python module,
//! an identifier holding a stand-in is the resource's (`zqxpaaa_id`, `ZqxpaaaCreate`), any other is
//! the pack's. A resource clashes when one of its names, spelled with its real name, is also one
//! of the pack's names or another resource's in the same scope (a function, a class, a
//! comprehension) or where either is at the module's top level, or when one of its modules is a
//! path the pack or another resource already writes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow, bail};
use minijinja::Value;

use super::Pack;
use super::options::Options;
use super::render::{self, RenderStats, Tree};
use super::resource::{self, Resource};
use crate::names::{ProjectName, pascal_case, snake_case};

/// What every stand-in name starts with (then three letters `a`–`p`, the resource's number).
const STEM: &str = "zqxp";
/// Letters of a stand-in's number: none is `s` (a plural) or `y`, so plurals stay regular.
const DIGITS: &[u8; 16] = b"abcdefghijklmnop";
const WIDTH: usize = 3;

/// The stand-ins a probing render gave out: the real resource and its stand-in, by number.
#[derive(Debug, Default)]
pub struct Probes {
    pairs: Vec<(Resource, Resource)>,
    numbers: HashMap<String, usize>,
    /// The resource name behind each number.
    names: Vec<String>,
}

impl Probes {
    /// The stand-in of one resource (its `ref` targets get theirs).
    pub fn stand_in(&mut self, real: &Resource) -> Result<Resource> {
        let spec = self.stand_in_spec(real)?;
        let probe = Resource::parse(&spec)?;
        self.record(real, &probe);
        Ok(probe)
    }

    /// The stand-ins of a project's resources, linked to each other as `resource_models` links
    /// the real ones.
    pub fn stand_ins(&mut self, real: &[Resource]) -> Result<Vec<Resource>> {
        let specs = real
            .iter()
            .map(|r| self.stand_in_spec(r))
            .collect::<Result<Vec<_>>>()?;
        let probes = resource::resource_models(&specs)?;
        for (r, p) in real.iter().zip(&probes) {
            self.record(r, p);
        }
        Ok(probes)
    }

    fn number(&mut self, name: &str) -> Result<usize> {
        if let Some(n) = self.numbers.get(name) {
            return Ok(*n);
        }
        let next = self.names.len();
        if next >= DIGITS.len().pow(WIDTH as u32) {
            bail!("too many resources to check their names against the generated code");
        }
        self.numbers.insert(name.to_string(), next);
        self.names.push(name.to_string());
        Ok(next)
    }

    fn stand_in_name(&mut self, name: &str) -> Result<String> {
        let mut n = self.number(name)?;
        let mut letters = [0u8; WIDTH];
        for slot in letters.iter_mut().rev() {
            *slot = DIGITS[n % DIGITS.len()];
            n /= DIGITS.len();
        }
        Ok(pascal_case(&format!(
            "{STEM}{}",
            std::str::from_utf8(&letters).expect("ASCII letters")
        )))
    }

    /// `real`'s spec with its name, and the targets of its `ref` fields, replaced by stand-ins.
    fn stand_in_spec(&mut self, real: &Resource) -> Result<String> {
        let mut words = vec![self.stand_in_name(&real.name)?];
        for field in &real.fields {
            let mut parts: Vec<String> = field.spec.split(':').map(str::to_string).collect();
            if parts.len() >= 3 && parts[1] == "ref" {
                let optional = parts[2].ends_with('?');
                let target = pascal_case(&snake_case(parts[2].trim_end_matches('?')));
                parts[2] = self.stand_in_name(&target)? + if optional { "?" } else { "" };
            }
            words.push(parts.join(":"));
        }
        Ok(words.join(" "))
    }

    fn record(&mut self, real: &Resource, probe: &Resource) {
        if !self.pairs.iter().any(|(r, _)| r.name == real.name) {
            self.pairs.push((real.clone(), probe.clone()));
        }
    }

    /// The real resource behind a stand-in number.
    fn real(&self, number: usize) -> Option<&Resource> {
        let name = self.names.get(number)?;
        self.pairs.iter().map(|(r, _)| r).find(|r| &r.name == name)
    }

    /// `ident` with each stand-in spelled as the real resource would be (`ZqxpaaaCreate` →
    /// `OrderCreate`, `zqxpaaas` → `orders`), and the numbers of the resources it named; `None`
    /// when it holds no stand-in.
    fn spell(&self, ident: &str) -> Option<(String, Vec<usize>)> {
        find_stem(ident, 0)?;
        let mut out = String::new();
        let mut numbers = Vec::new();
        let mut i = 0;
        while i < ident.len() {
            let Some(at) = find_stem(ident, i) else {
                out.push_str(&ident[i..]);
                break;
            };
            out.push_str(&ident[i..at]);
            let end = at + STEM.len() + WIDTH;
            let number = ident.get(at + STEM.len()..end).and_then(|letters| {
                letters.bytes().try_fold(0usize, |n, b| {
                    DIGITS
                        .iter()
                        .position(|d| *d == b.to_ascii_lowercase())
                        .map(|d| n * DIGITS.len() + d)
                })
            });
            let Some(real) = number.and_then(|n| self.real(n)) else {
                // Not one of ours after all: keep it as written.
                out.push_str(&ident[at..at + STEM.len()]);
                i = at + STEM.len();
                continue;
            };
            numbers.push(number.expect("checked above"));
            let upper = ident[at..].starts_with("ZQXP");
            let pascal = !upper && ident[at..].starts_with('Z');
            let plural_mark = if upper { 'S' } else { 's' };
            let plural = ident[end..].starts_with(plural_mark);
            let word = match (pascal, plural) {
                (true, false) => real.name.clone(),
                (true, true) => real.plural_name.clone(),
                (false, false) => real.snake.clone(),
                (false, true) => real.plural.clone(),
            };
            out.push_str(&if upper {
                word.to_ascii_uppercase()
            } else {
                word
            });
            i = end + usize::from(plural);
        }
        Some((out, numbers))
    }
}

/// Where `STEM` next occurs in `ident` from byte `from` on, in any case.
fn find_stem(ident: &str, from: usize) -> Option<usize> {
    let bytes = ident.as_bytes();
    (from..=bytes.len().checked_sub(STEM.len())?)
        .find(|&at| bytes[at..at + STEM.len()].eq_ignore_ascii_case(STEM.as_bytes()))
}

/// A resource name that clashes with the generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub resource: String,
    /// The name as the resource would spell it (`item`, `OrderCreate`), or its module's path.
    pub name: String,
    pub path: String,
    pub line: usize,
    pub with: Clashing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clashing {
    /// The pack's own code uses the name in the same scope.
    Code,
    /// Another resource gives the same name in the same scope.
    Resource(String),
    /// The pack writes a file of its own at the resource's module.
    Module,
}

impl std::error::Error for Clash {}

impl std::fmt::Display for Clash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Clash {
            resource,
            name,
            path,
            line,
            with,
        } = self;
        match with {
            Clashing::Code => write!(
                f,
                "the resource name `{resource}` clashes with the generated code: `{path}` already uses `{name}` (line {line}) where the resource's own `{name}` would go; pick another name"
            ),
            Clashing::Resource(other) if name == path => write!(
                f,
                "the resource names `{other}` and `{resource}` clash in the generated code: both would write `{path}`; rename one of them"
            ),
            Clashing::Resource(other) => write!(
                f,
                "the resource names `{other}` and `{resource}` clash in the generated code: both would give `{name}` in `{path}` (line {line}); rename one of them"
            ),
            Clashing::Module => write!(
                f,
                "the resource name `{resource}` clashes with the generated code: its module `{path}` is already one of the pack's files; pick another name"
            ),
        }
    }
}

/// Renders `options` and, on a second thread meanwhile, checks the resource names against the
/// code of that render (see the module's documentation). A clash is the error, before a render
/// error that it may have caused.
pub fn render_checked(
    pack: &Pack,
    project: &ProjectName,
    options: &Options,
) -> Result<(Tree, Value, RenderStats)> {
    std::thread::scope(|scope| {
        let probe = scope.spawn(|| find_clash(pack, project, options));
        let rendered = render::context(pack, project, options).and_then(|ctx| {
            let (tree, stats) = render::render_measured(pack, &ctx)?;
            Ok((tree, ctx, stats))
        });
        let probe = probe
            .join()
            .unwrap_or_else(|_| Err(anyhow!("checking the resource names failed")));
        match (probe, rendered) {
            (Ok(Some(clash)), _) => Err(clash.into()),
            (_, Err(e)) => Err(e),
            (Err(e), Ok(_)) => Err(e.context(
                "fb could not check the resource names against the generated code: the pack does not render with stand-in names",
            )),
            (Ok(None), Ok(rendered)) => Ok(rendered),
        }
    })
}

/// The first clash of `options`' resources with the code the pack renders for them.
pub fn find_clash(pack: &Pack, project: &ProjectName, options: &Options) -> Result<Option<Clash>> {
    let probes = Arc::new(Mutex::new(Probes::default()));
    let env = || super::expr::probing_env(Arc::clone(&probes));
    let ctx = render::context_in(&env(), pack, project, options)?;
    let (tree, _) = render::render_in(env(), pack, &ctx)?;
    let probes = probes.lock().unwrap_or_else(|p| p.into_inner());
    if probes.pairs.is_empty() {
        return Ok(None);
    }
    Ok(clash_in(&probes, &tree))
}

fn clash_in(probes: &Probes, tree: &Tree) -> Option<Clash> {
    let name_of = |n: usize| probes.real(n).map(|r| r.name.clone()).unwrap_or_default();
    let clash = |number: usize, name: String, path: &str, line: usize, with: Clashing| Clash {
        resource: name_of(number),
        name,
        path: path.to_string(),
        line,
        with,
    };
    // A module of a resource where the pack writes one of its own, or another resource does.
    let mut modules: HashMap<String, Vec<usize>> = HashMap::new();
    for path in tree.keys() {
        let Some((real, numbers)) = probes.spell(path) else {
            continue;
        };
        if tree.contains_key(&real) {
            return Some(clash(numbers[0], real.clone(), &real, 1, Clashing::Module));
        }
        if let Some(first) = modules.get(&real)
            && let Some(other) = first.iter().find(|n| !numbers.contains(n))
        {
            let with = Clashing::Resource(name_of(*other));
            return Some(clash(numbers[0], real.clone(), &real, 1, with));
        }
        modules.insert(real, numbers);
    }
    for (path, content) in tree {
        if !path.ends_with(".py") {
            continue;
        }
        // A module that names no resource cannot clash (and parsing is most of the check's time).
        let Ok(source) = std::str::from_utf8(content) else {
            continue;
        };
        if !source.contains("zqxp") && !source.contains("Zqxp") && !source.contains("ZQXP") {
            continue;
        }
        // By scope: the pack's names, and the real spellings of the resources' names (with the
        // stand-in each came from and the resources it names).
        let mut packs: HashMap<(usize, &str), usize> = HashMap::new();
        // Anywhere in the module: a module-level name is seen from every function in it.
        let mut packs_anywhere: HashMap<&str, usize> = HashMap::new();
        let mut ours: BTreeMap<(usize, String), (&str, Vec<usize>)> = BTreeMap::new();
        let real_path = probes.spell(path).map_or(path.clone(), |(p, _)| p);
        for (ident, line, scope) in python_identifiers(source) {
            match probes.spell(ident) {
                None => {
                    packs.entry((scope, ident)).or_insert(line);
                    packs_anywhere.entry(ident).or_insert(line);
                }
                Some((real, numbers)) => match ours.get(&(scope, real.clone())) {
                    Some((first, first_numbers))
                        if *first != ident && first_numbers != &numbers =>
                    {
                        let other = first_numbers.iter().find(|n| !numbers.contains(n));
                        let with =
                            Clashing::Resource(other.map(|n| name_of(*n)).unwrap_or_default());
                        return Some(clash(numbers[0], real, &real_path, line, with));
                    }
                    _ => {
                        ours.entry((scope, real)).or_insert((ident, numbers));
                    }
                },
            }
        }
        for ((scope, real), (_, numbers)) in &ours {
            let same_scope = packs.get(&(*scope, real.as_str()));
            let from_module = packs.get(&(0, real.as_str()));
            let seen_by_module = (*scope == 0)
                .then(|| packs_anywhere.get(real.as_str()))
                .flatten();
            if let Some(line) = same_scope.or(from_module).or(seen_by_module) {
                return Some(clash(
                    numbers[0],
                    real.clone(),
                    &real_path,
                    *line,
                    Clashing::Code,
                ));
            }
        }
    }
    None
}

/// The identifiers of a Python module that can name something in it, with their lines (from 1)
/// and scopes (a number per function, class and comprehension; 0 for the module): every name of
/// the code, f-strings' included, but an attribute after a dot (`user.email`), a keyword
/// argument's name (`f(email=...)`), keywords, and what a `from` import imports from
/// (`from app.models import item as renamed` binds `renamed` only). A function's or class's own
/// name belongs to the scope around it. A lexer, not a parser: the rendered code is the pack's and
/// well-formed, and a parse took the check from milliseconds to tens of them.
fn python_identifiers(source: &str) -> Vec<(&str, usize, usize)> {
    Lexer::new(source).run()
}

/// An open bracket: where its names start in `found`, the scope around it, and the scope of the
/// comprehension it holds, once its `for` showed it to be one.
struct Bracket {
    close: u8,
    first: usize,
    outer: usize,
    comprehension: Option<usize>,
}

#[derive(PartialEq)]
enum Import {
    No,
    /// Between `from` and `import`: module names, which bind nothing.
    Module,
    /// After `import`; `alias_next` after an `as`.
    Names {
        alias_next: bool,
    },
}

struct Lexer<'s> {
    src: &'s str,
    bytes: &'s [u8],
    at: usize,
    line: usize,
    found: Vec<(&'s str, usize, usize)>,
    scopes: usize,
    /// Functions and classes: the indentation of their header, and their scope.
    blocks: Vec<(usize, usize)>,
    brackets: Vec<Bracket>,
    /// The current logical line: its indentation, how many tokens it has had, and whether the
    /// next name is what a `def` or `class` defines.
    indent: usize,
    tokens: usize,
    defines: bool,
    /// Between a `def` and the `:` that ends its header (its parameters' defaults are names).
    in_header: bool,
    after_dot: bool,
    import: Import,
}

impl<'s> Lexer<'s> {
    fn new(src: &'s str) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            at: 0,
            line: 1,
            found: Vec::new(),
            scopes: 0,
            blocks: Vec::new(),
            brackets: Vec::new(),
            indent: 0,
            tokens: 0,
            defines: false,
            in_header: false,
            after_dot: false,
            import: Import::No,
        }
    }

    fn scope(&self) -> usize {
        self.brackets
            .iter()
            .rev()
            .find_map(|b| b.comprehension)
            .or(self.blocks.last().map(|(_, s)| *s))
            .unwrap_or(0)
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.at + ahead).copied().unwrap_or(0)
    }

    fn run(mut self) -> Vec<(&'s str, usize, usize)> {
        self.start_line();
        while self.at < self.bytes.len() {
            let c = self.bytes[self.at];
            match c {
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    if self.brackets.is_empty() {
                        self.end_statement();
                        self.start_line();
                    }
                }
                b'\\' if self.peek(1) == b'\n' => {
                    self.at += 2;
                    self.line += 1;
                }
                b'#' => {
                    while self.at < self.bytes.len() && self.bytes[self.at] != b'\n' {
                        self.at += 1;
                    }
                }
                b'\'' | b'"' => self.string(false),
                b'0'..=b'9' => self.number(),
                b'.' if self.peek(1).is_ascii_digit() => self.number(),
                c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => self.name(),
                _ => self.punctuation(c),
            }
        }
        self.found
    }

    /// At the start of a physical line outside brackets: a statement's indentation closes the
    /// functions and classes it is not inside.
    fn start_line(&mut self) {
        let mut width = 0;
        while let b' ' | b'\t' = self.peek(0) {
            width += 1;
            self.at += 1;
        }
        if matches!(self.peek(0), b'\n' | b'#' | b'\r' | 0) {
            return;
        }
        self.indent = width;
        while self
            .blocks
            .last()
            .is_some_and(|(header, _)| *header >= width)
        {
            self.blocks.pop();
        }
    }

    fn end_statement(&mut self) {
        self.tokens = 0;
        self.defines = false;
        self.in_header = false;
        self.after_dot = false;
        self.import = Import::No;
    }

    fn punctuation(&mut self, c: u8) {
        self.at += 1;
        match c {
            b' ' | b'\t' | b'\r' | b'\x0c' => return,
            b'(' | b'[' | b'{' => self.brackets.push(Bracket {
                close: match c {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                },
                first: self.found.len(),
                outer: self.scope(),
                comprehension: None,
            }),
            b')' | b']' | b'}' if self.brackets.last().is_some_and(|b| b.close == c) => {
                self.brackets.pop();
            }
            b':' if self.brackets.is_empty() => self.in_header = false,
            b';' if self.brackets.is_empty() => self.end_statement(),
            _ => {}
        }
        self.tokens += 1;
        self.after_dot = c == b'.';
    }

    fn number(&mut self) {
        while self.at < self.bytes.len()
            && (self.bytes[self.at].is_ascii_alphanumeric()
                || matches!(self.bytes[self.at], b'_' | b'.'))
        {
            self.at += 1;
        }
        self.tokens += 1;
        self.after_dot = false;
    }

    fn name(&mut self) {
        let start = self.at;
        while self.at < self.bytes.len()
            && (self.bytes[self.at] == b'_'
                || self.bytes[self.at].is_ascii_alphanumeric()
                || self.bytes[self.at] >= 0x80)
        {
            self.at += 1;
        }
        let word = &self.src[start..self.at];
        if matches!(self.peek(0), b'\'' | b'"')
            && word.len() <= 2
            && word.bytes().all(|b| b"rRbBuUfFtT".contains(&b))
        {
            self.string(word.bytes().any(|b| b"fFtT".contains(&b)));
            return;
        }
        let first = self.tokens == 0
            || (self.tokens == 1 && self.src[..start].trim_end().ends_with("async"));
        self.tokens += 1;
        let after_dot = std::mem::replace(&mut self.after_dot, false);
        match word {
            "def" | "class" if first => {
                self.defines = true;
                return;
            }
            "from" if first => {
                self.import = Import::Module;
                return;
            }
            "import" => {
                self.import = Import::Names { alias_next: false };
                return;
            }
            "as" if matches!(self.import, Import::Names { .. }) => {
                self.import = Import::Names { alias_next: true };
                return;
            }
            "for" => {
                if let Some(bracket) = self.brackets.last_mut()
                    && bracket.comprehension.is_none()
                {
                    // A comprehension: what the bracket held so far is in it too.
                    self.scopes += 1;
                    let scope = self.scopes;
                    for entry in &mut self.found[bracket.first..] {
                        if entry.2 == bracket.outer {
                            entry.2 = scope;
                        }
                    }
                    bracket.comprehension = Some(scope);
                }
                return;
            }
            _ => {}
        }
        if crate::names::PYTHON_KEYWORDS.contains(&word) || after_dot {
            return;
        }
        match self.import {
            Import::Module => return,
            Import::Names { alias_next: true } => {
                // `a as b` binds `b`, not `a`.
                self.found.pop();
                self.import = Import::Names { alias_next: false };
            }
            _ => {}
        }
        let keyword_argument = !self.in_header
            && self.brackets.last().is_some_and(|b| b.close == b')')
            && self.next_is_lone_equals();
        if !keyword_argument {
            self.found.push((word, self.line, self.scope()));
        }
        if std::mem::take(&mut self.defines) {
            // The name is the scope around's; the parameters, bases and body are the new one's.
            self.scopes += 1;
            self.blocks.push((self.indent, self.scopes));
            self.in_header = true;
        }
    }

    fn next_is_lone_equals(&self) -> bool {
        let rest = &self.bytes[self.at..];
        let i = rest.iter().position(|b| *b != b' ').unwrap_or(rest.len());
        rest.get(i) == Some(&b'=') && rest.get(i + 1) != Some(&b'=')
    }

    /// A string literal from its opening quote; an f-string's replacement fields are code.
    fn string(&mut self, formatted: bool) {
        let quote = self.peek(0);
        let triple = self.peek(1) == quote && self.peek(2) == quote;
        self.at += if triple { 3 } else { 1 };
        while self.at < self.bytes.len() {
            let c = self.bytes[self.at];
            if c == b'\\' {
                if self.peek(1) == b'\n' {
                    self.line += 1;
                }
                self.at += 2;
                continue;
            }
            if c == b'\n' {
                self.line += 1;
                if !triple {
                    break;
                }
            }
            if c == quote && (!triple || (self.peek(1) == quote && self.peek(2) == quote)) {
                self.at += if triple { 3 } else { 1 };
                break;
            }
            if formatted && c == b'{' {
                if self.peek(1) == b'{' {
                    self.at += 2;
                    continue;
                }
                self.at += 1;
                self.replacement_field();
                continue;
            }
            self.at += 1;
        }
        self.tokens += 1;
        self.after_dot = false;
    }

    /// Inside an f-string's `{...}`: its names, up to the `}` that closes it (a format spec after
    /// `:` or `!` is skipped, but for the fields nested in it).
    fn replacement_field(&mut self) {
        let mut depth = 0usize;
        let mut after_dot = false;
        let mut spec = false;
        while self.at < self.bytes.len() {
            let c = self.bytes[self.at];
            match c {
                b'}' if depth == 0 => {
                    self.at += 1;
                    return;
                }
                b'{' if spec => {
                    // A field nested in the format spec: `{value:>{width}}`.
                    self.at += 1;
                    self.replacement_field();
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                b':' | b'!' if depth == 0 && self.peek(1) != b'=' => spec = true,
                b'\n' => self.line += 1,
                b'\'' | b'"' if !spec => {
                    // A string inside the field: skip it whole.
                    let quote = c;
                    self.at += 1;
                    while self.at < self.bytes.len() && self.bytes[self.at] != quote {
                        self.at += 1 + usize::from(self.bytes[self.at] == b'\\');
                    }
                }
                c if !spec && (c == b'_' || c.is_ascii_alphabetic()) => {
                    let start = self.at;
                    while self.at < self.bytes.len()
                        && (self.bytes[self.at] == b'_'
                            || self.bytes[self.at].is_ascii_alphanumeric())
                    {
                        self.at += 1;
                    }
                    let word = &self.src[start..self.at];
                    if !after_dot && !crate::names::PYTHON_KEYWORDS.contains(&word) {
                        self.found.push((word, self.line, self.scope()));
                    }
                    after_dot = false;
                    continue;
                }
                _ => {}
            }
            after_dot = c == b'.';
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probes(specs: &[&str]) -> Probes {
        let mut probes = Probes::default();
        let specs: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
        let real = resource::resource_models(&specs).unwrap();
        probes.stand_ins(&real).unwrap();
        probes
    }

    #[test]
    fn stand_ins_are_spelled_back_in_every_form() {
        let p = probes(&["Category name:str", "BlogPost title:str cat:ref:Category?"]);
        let spell = |s: &str| p.spell(s).map(|(real, _)| real);
        assert_eq!(spell("zqxpaaa").as_deref(), Some("category"));
        assert_eq!(spell("zqxpaaas").as_deref(), Some("categories"));
        assert_eq!(spell("ZqxpaaaCreate").as_deref(), Some("CategoryCreate"));
        assert_eq!(spell("Zqxpaaas").as_deref(), Some("Categories"));
        assert_eq!(spell("ZQXPAAB_LIMIT").as_deref(), Some("BLOG_POST_LIMIT"));
        assert_eq!(spell("ZQXPAABS").as_deref(), Some("BLOG_POSTS"));
        assert_eq!(
            spell("test_zqxpaab_needs_zqxpaaas").as_deref(),
            Some("test_blog_post_needs_categories")
        );
        assert_eq!(
            spell("app/models/zqxpaab.py").as_deref(),
            Some("app/models/blog_post.py")
        );
        assert_eq!(spell("zqxpzzz"), Some("zqxpzzz".to_string()));
        assert_eq!(spell("item"), None);
        // The ref points to the stand-in of its target.
        let (_, probe) = &p.pairs[1];
        assert!(probe.spec.contains("cat:ref:Zqxpaaa?"), "{}", probe.spec);
    }

    #[test]
    fn identifiers_are_what_binds_in_the_module() {
        let source = r#"
from app.models import item as renamed, other
import os.path
# a comment with word_in_comment
x = "a string with word_in_string"
y = f"{item.field!r} and {value}"
call(keyword=1, other=value.attribute)
"#;
        let idents: Vec<&str> = python_identifiers(source)
            .into_iter()
            .map(|(i, _, _)| i)
            .collect();
        for present in ["renamed", "other", "os", "x", "y", "item", "value", "call"] {
            assert!(
                idents.contains(&present),
                "{present} missing from {idents:?}"
            );
        }
        for absent in [
            "app",
            "models",
            "path",
            "word_in_comment",
            "word_in_string",
            "field",
            "keyword",
            "attribute",
        ] {
            assert!(!idents.contains(&absent), "{absent} found in {idents:?}");
        }
    }

    #[test]
    fn scopes_are_functions_classes_and_comprehensions() {
        let source = r#"
import a as b
GLOBAL = 1


@decorator(x=1)
async def handler(item_id: int, limit: int = LIMIT) -> dict[
    str, int
]:
    item = f"{item_id!r:>{width}}" + \
        "x"
    return {k: v for k, v in item.items() if k}


class Model(Base, metaclass=Meta):
    field: int = 0

    def method(self):
        return field
after = 2
"#;
        let found = python_identifiers(source);
        let scope_of = |name: &str| {
            found
                .iter()
                .filter(|(n, _, _)| *n == name)
                .map(|(_, _, s)| *s)
                .collect::<Vec<_>>()
        };
        let line_of = |name: &str| found.iter().find(|(n, _, _)| *n == name).map(|f| f.1);
        assert_eq!(scope_of("b"), [0]);
        assert!(scope_of("a").is_empty(), "{found:?}");
        assert_eq!(scope_of("decorator"), [0]);
        assert!(scope_of("x").is_empty(), "keyword argument: {found:?}");
        assert_eq!(scope_of("handler"), [0]);
        let handler = scope_of("item_id")[0];
        assert_ne!(handler, 0);
        assert_eq!(scope_of("limit"), [handler], "a parameter with a default");
        assert_eq!(scope_of("LIMIT"), [handler]);
        assert_eq!(scope_of("item_id"), [handler, handler]);
        assert_eq!(scope_of("width"), [handler]);
        let comprehension = scope_of("k");
        assert_eq!(comprehension.len(), 3);
        assert!(comprehension.iter().all(|s| *s != handler && *s != 0));
        assert_eq!(scope_of("Model"), [0]);
        assert_eq!(scope_of("Base"), scope_of("field")[..1]);
        assert_ne!(scope_of("self")[0], scope_of("Base")[0]);
        assert_eq!(scope_of("after"), [0]);
        assert_eq!(line_of("after"), Some(20));
        assert_eq!(line_of("item"), Some(10));
    }

    fn tree(files: &[(&str, &str)]) -> Tree {
        files
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn a_name_the_module_already_uses_clashes() {
        let p = probes(&["Item name:str"]);
        let code = tree(&[(
            "app/routers/zqxpaaas.py",
            "def read(zqxpaaa_id: int):\n    zqxpaaa = get(zqxpaaa_id)\n    for item in items:\n        pass\n",
        )]);
        let clash = clash_in(&p, &code).expect("item is a local of the pack");
        assert_eq!(clash.name, "item");
        assert_eq!(clash.line, 3);
        assert_eq!(clash.path, "app/routers/items.py");
        assert_eq!(
            clash.to_string(),
            "the resource name `Item` clashes with the generated code: `app/routers/items.py` already uses `item` (line 3) where the resource's own `item` would go; pick another name"
        );
        // The same name in another module is no clash: modules have their own names.
        let apart = tree(&[
            ("app/routers/zqxpaaas.py", "zqxpaaa = get()\n"),
            ("app/other.py", "item = 1\n"),
        ]);
        assert_eq!(clash_in(&p, &apart), None);
    }

    #[test]
    fn scopes_keep_names_apart_but_module_names_reach_every_function() {
        let p = probes(&["Item name:str"]);
        let apart = tree(&[(
            "app/x.py",
            "def one():\n    zqxpaaa = 1\n\n\ndef two():\n    item = [i for i in range(3)]\n",
        )]);
        assert_eq!(clash_in(&p, &apart), None);
        for code in [
            // The pack's module-level `item`, shadowed in the resource's function.
            "item = 1\n\n\ndef one():\n    zqxpaaa = 1\n",
            // The resource's module-level `item`, shadowing what a function of the pack calls.
            "zqxpaaa = 1\n\n\ndef two():\n    return item\n",
        ] {
            let code = tree(&[("app/x.py", code)]);
            assert!(clash_in(&p, &code).is_some(), "{code:?}");
        }
    }

    #[test]
    fn two_resources_giving_one_name_clash() {
        let p = probes(&["Order state:enum(a|b) item:str", "OrderItem name:str"]);
        let code = tree(&[(
            "app/models/__init__.py",
            "from x import ZqxpaaaItem, Zqxpaab\nZqxpaaaState = 1\n",
        )]);
        let clash = clash_in(&p, &code).expect("OrderItem twice");
        assert_eq!(clash.name, "OrderItem");
        assert_eq!(clash.with, Clashing::Resource("Order".to_string()));
    }

    #[test]
    fn a_module_the_pack_writes_clashes() {
        let p = probes(&["Health status:str"]);
        let code = tree(&[
            ("app/services/health.py", "x = 1\n"),
            ("app/services/zqxpaaa.py", "y = 1\n"),
        ]);
        let clash = clash_in(&p, &code).expect("health.py twice");
        assert_eq!(clash.path, "app/services/health.py");
        assert_eq!(clash.with, Clashing::Module);
    }
}
