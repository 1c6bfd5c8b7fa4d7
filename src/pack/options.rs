//! Typed pack options: their declarations, their values, and how a set of values is chosen
//! (explicit flags, prompts, defaults, `when` conditions and the pack's rules).

use anyhow::{Context, Result, anyhow, bail};
use indexmap::IndexMap;
use minijinja::Value;
use minijinja::value::Serde;
use serde::Deserialize;

pub use super::value::{OptValue, OptionKind, Options, split_list};

/// `[options.NAME]` in `pack.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    #[serde(rename = "type")]
    pub kind: OptionKind,
    /// Allowed values (for a list: allowed items).
    #[serde(default)]
    pub choices: Option<Vec<toml::Value>>,
    /// The value taken without an answer; an option without one must be given (or asked).
    #[serde(default)]
    pub default: Option<toml::Value>,
    /// The value when `when` is false (defaults to `default`).
    #[serde(default)]
    pub otherwise: Option<toml::Value>,
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub help: Option<String>,
    /// An expression over earlier options; when false the option is not asked and takes `otherwise`.
    #[serde(default)]
    pub when: Option<String>,
    /// Defaults that depend on earlier options (`[[options.NAME.defaults]]`): the first whose
    /// `when` holds replaces `default` (level 5 turns every feature on).
    #[serde(default)]
    pub defaults: Vec<ConditionalDefault>,
    /// Once the option applies to a project its value stays: no re-render can carry what the
    /// user built on it (the database: their data, their queries) over to another value.
    #[serde(default)]
    pub fixed: bool,
}

/// `[[options.NAME.defaults]]`: the default where `when` holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionalDefault {
    pub when: String,
    pub value: toml::Value,
}

impl OptionSpec {
    pub(crate) fn check(&self) -> Result<()> {
        if let Some(default) = &self.default {
            let default = OptValue::from_toml(self.kind, default).context("bad `default`")?;
            self.check_value(&default).context("bad `default`")?;
        }
        if self.when.is_some() && self.otherwise.is_none() && self.default_value().is_none() {
            bail!(
                "it has a `when` but neither `default` nor `otherwise`: say what it is when it does not apply"
            );
        }
        if let Some(otherwise) = &self.otherwise {
            let otherwise = OptValue::from_toml(self.kind, otherwise).context("bad `otherwise`")?;
            self.check_value(&otherwise).context("bad `otherwise`")?;
        }
        for conditional in &self.defaults {
            let context = || format!("bad `defaults` entry for `{}`", conditional.when);
            let value = OptValue::from_toml(self.kind, &conditional.value).with_context(context)?;
            self.check_value(&value).with_context(context)?;
        }
        for choice in self.choices.iter().flatten() {
            let item_kind = if self.kind == OptionKind::List {
                OptionKind::Str
            } else {
                self.kind
            };
            OptValue::from_toml(item_kind, choice).context("bad `choices`")?;
        }
        Ok(())
    }

    /// The default; a list without one defaults to the empty list.
    pub fn default_value(&self) -> Option<OptValue> {
        match &self.default {
            Some(v) => Some(OptValue::from_toml(self.kind, v).expect("checked at load")),
            None if self.kind == OptionKind::List => Some(OptValue::List(Vec::new())),
            None => None,
        }
    }

    /// The default given the options chosen before this one: the first `defaults` entry whose
    /// `when` holds, else `default`.
    pub fn default_in(
        &self,
        manifest: &super::Manifest,
        earlier: &Options,
    ) -> Result<Option<OptValue>> {
        if !self.defaults.is_empty() {
            let env = super::expr::expression_env();
            let ctx = context_of(manifest, earlier);
            for conditional in &self.defaults {
                if eval_condition(&env, &conditional.when, &ctx)
                    .with_context(|| format!("cannot evaluate default `{}`", conditional.when))?
                {
                    let value = OptValue::from_toml(self.kind, &conditional.value)
                        .expect("checked at load");
                    return Ok(Some(value));
                }
            }
        }
        Ok(self.default_value())
    }

    fn otherwise_value(&self) -> OptValue {
        match &self.otherwise {
            Some(v) => OptValue::from_toml(self.kind, v).expect("checked at load"),
            None => self
                .default_value()
                .expect("checked at load: `when` needs a default or `otherwise`"),
        }
    }

    fn kind_of(value: &OptValue) -> OptionKind {
        match value {
            OptValue::Bool(_) => OptionKind::Bool,
            OptValue::Int(_) => OptionKind::Int,
            OptValue::Str(_) => OptionKind::Str,
            OptValue::List(_) => OptionKind::List,
        }
    }

    /// The allowed values as the user would type them.
    pub fn choice_strings(&self) -> Vec<String> {
        self.choices
            .iter()
            .flatten()
            .map(|c| match c {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    }

    /// Checks a value against `choices`.
    pub fn check_value(&self, value: &OptValue) -> Result<()> {
        let Some(choices) = &self.choices else {
            return Ok(());
        };
        let allowed = || self.choice_strings().join(", ");
        match value {
            OptValue::List(items) => {
                for item in items {
                    if !choices.iter().any(|c| c.as_str() == Some(item)) {
                        if choices.is_empty() {
                            bail!("unknown value `{item}`: none are available in this pack yet");
                        }
                        bail!("unknown value `{item}`: expected one of {}", allowed());
                    }
                }
            }
            single => {
                if !choices.iter().any(|c| single.matches(c)) {
                    bail!("unknown value `{single}`: expected one of {}", allowed());
                }
            }
        }
        Ok(())
    }
}

/// What the user said about one option on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explicit {
    /// A value as typed.
    Value(String),
    /// Items to add to and remove from a list option's default (`--with`, `--without`).
    ListEdit {
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// A value carried over from the lockfile: kept where the option applies, dropped quietly
    /// where it no longer does.
    Carried(OptValue),
    /// A list carried over from the lockfile, chosen when the option's default was `then`: items
    /// the default has gained since (a higher level's features) join it, and the user's own
    /// removals stay removed (they are not in the new default's growth).
    CarriedList {
        items: Vec<String>,
        then: Vec<String>,
    },
}

/// Asks the user for an option's value (a terminal prompt); implemented by the UI. `choices` are
/// the ones worth offering: the pack's, less those its rules refuse with the answers so far.
pub trait Asker {
    fn ask(
        &self,
        name: &str,
        spec: &OptionSpec,
        choices: &[String],
        default: Option<&OptValue>,
    ) -> Result<OptValue>;
}

/// The choices of `name` that no rule refuses given the options chosen before it (a rule that
/// needs a later option does not refuse yet), so that a prompt never offers what the pack would
/// then reject.
fn buildable_choices(
    manifest: &super::Manifest,
    name: &str,
    spec: &OptionSpec,
    earlier: &Options,
) -> Result<Vec<String>> {
    let env = super::expr::expression_env();
    let mut offered = Vec::new();
    for choice in spec.choice_strings() {
        let item_kind = if spec.kind == OptionKind::List {
            OptValue::List(vec![choice.clone()])
        } else {
            OptValue::parse(spec.kind, &choice)?
        };
        let mut values = earlier.clone();
        values.insert(name.to_string(), item_kind);
        let ctx = context_of(manifest, &values);
        let refused = manifest.rules.iter().any(|rule| {
            // Undefined later options make a rule fail to evaluate or read as false: not refused.
            eval_condition(&env, &rule.when, &ctx).unwrap_or(false)
        });
        if !refused {
            offered.push(choice);
        }
    }
    Ok(offered)
}

/// Picks every option's value: explicit values first, then a prompt (when `asker` is given and the
/// option has one), then the default. Options whose `when` is false take `otherwise`; an explicit
/// value for them is reported through `warn` and ignored.
pub fn resolve(
    manifest: &super::Manifest,
    explicit: &IndexMap<String, Explicit>,
    asker: Option<&dyn Asker>,
    warn: &mut dyn FnMut(String),
) -> Result<Options> {
    if let Some(unknown) = explicit.keys().find(|k| !manifest.options.contains_key(*k)) {
        let known: Vec<&str> = manifest.options.keys().map(String::as_str).collect();
        bail!(
            "pack `{}` has no option `{unknown}` (its options: {})",
            manifest.pack.name,
            known.join(", ")
        );
    }
    let env = super::expr::expression_env();
    let mut values = Options::new();
    for (name, spec) in &manifest.options {
        let applies = match &spec.when {
            None => true,
            Some(expr) => eval_condition(&env, expr, &context_of(manifest, &values))
                .with_context(|| format!("cannot evaluate `when` of option `{name}`"))?,
        };
        let given = explicit.get(name);
        let default = spec
            .default_in(manifest, &values)
            .with_context(|| format!("cannot pick the default of option `{name}`"))?;
        let value = if !applies {
            if let Some(given) =
                given.filter(|g| !matches!(g, Explicit::Carried(_) | Explicit::CarriedList { .. }))
            {
                warn(format!(
                    "option `{name}` ({}) does not apply to this project and is ignored",
                    describe(given)
                ));
            }
            spec.otherwise_value()
        } else if let Some(given) = given {
            let value = match given {
                Explicit::Value(raw) => OptValue::parse(spec.kind, raw),
                Explicit::Carried(value) if OptionSpec::kind_of(value) == spec.kind => {
                    Ok(value.clone())
                }
                Explicit::Carried(value) => Err(anyhow!("`{value}` is not a {}", spec.kind)),
                Explicit::CarriedList { items, then } => match &default {
                    Some(OptValue::List(now)) => {
                        let mut items = items.clone();
                        for gained in now.iter().filter(|i| !then.contains(i)) {
                            if !items.contains(gained) {
                                items.push(gained.clone());
                            }
                        }
                        Ok(OptValue::List(items))
                    }
                    _ => Err(anyhow!("it is not a list")),
                },
                Explicit::ListEdit { add, remove } => match default.clone() {
                    Some(OptValue::List(mut items)) => {
                        for item in add {
                            if !items.contains(item) {
                                items.push(item.clone());
                            }
                        }
                        items.retain(|i| !remove.contains(i));
                        Ok(OptValue::List(items))
                    }
                    _ => Err(anyhow!("it is not a list")),
                },
            }
            .with_context(|| format!("invalid value for option `{name}`"))?;
            spec.check_value(&value)
                .with_context(|| format!("invalid value for option `{name}`"))?;
            value
        } else if let (Some(asker), Some(_)) = (asker, &spec.prompt) {
            let offered = buildable_choices(manifest, name, spec, &values)?;
            let value = asker.ask(name, spec, &offered, default.as_ref())?;
            spec.check_value(&value)
                .with_context(|| format!("invalid value for option `{name}`"))?;
            value
        } else {
            default.ok_or_else(|| {
                anyhow!("option `{name}` has no default and no value was given: pass --set {name}=VALUE, or run on a terminal to be asked")
            })?
        };
        values.insert(name.clone(), value);
    }
    check_rules(manifest, &values)?;
    Ok(values)
}

/// The options whose `when` holds for `values`: the ones the user chose, rather than the
/// `otherwise` value of an option that did not apply.
pub fn applicable(manifest: &super::Manifest, values: &Options) -> Result<Vec<String>> {
    let env = super::expr::expression_env();
    let ctx = context_of(manifest, values);
    let mut out = Vec::new();
    for (name, spec) in &manifest.options {
        let applies = match &spec.when {
            None => true,
            Some(expr) => eval_condition(&env, expr, &ctx)
                .with_context(|| format!("cannot evaluate `when` of option `{name}`"))?,
        };
        if applies {
            out.push(name.clone());
        }
    }
    Ok(out)
}

/// Checks the options a lockfile records against the pack that wrote them: every option known
/// and present, of its declared type, one of its choices, the `otherwise` value where it does not
/// apply, and allowed by the pack's rules. A lock edited by hand fails here with the option named,
/// instead of rendering something the pack never would.
pub fn check_recorded(manifest: &super::Manifest, recorded: &Options) -> Result<()> {
    let pack = format!("pack `{}` {}", manifest.pack.name, manifest.pack.version);
    let fix = "restore the lockfile from version control (options change with `fb upgrade`, `fb add` or `fb update --set`)";
    let shown = |v: &OptValue| {
        crate::limits::quote(&match v {
            OptValue::Str(s) => format!("\"{s}\""),
            other => other.to_string(),
        })
    };
    if let Some(unknown) = recorded.keys().find(|k| !manifest.options.contains_key(*k)) {
        bail!("the lockfile records option `{unknown}`, which {pack} does not have: {fix}");
    }
    let applies = applicable(manifest, recorded)?;
    for (name, spec) in &manifest.options {
        let Some(value) = recorded.get(name) else {
            bail!("the lockfile records no value for option `{name}` of {pack}: {fix}");
        };
        if OptionSpec::kind_of(value) != spec.kind {
            let kind = match spec.kind {
                OptionKind::Bool => "a boolean",
                OptionKind::Int => "a whole number",
                OptionKind::Str => "a string",
                OptionKind::List => "a list of strings",
            };
            bail!(
                "the lockfile records option `{name}` = {}, but {pack} declares it {kind}: {fix}",
                shown(value)
            );
        }
        if let Err(e) = spec.check_value(value) {
            bail!(
                "the lockfile records option `{name}` = {}, which {pack} does not accept ({e}): {fix}",
                shown(value)
            );
        }
        if !applies.contains(name) && *value != spec.otherwise_value() {
            bail!(
                "the lockfile records option `{name}` = {}, but it does not apply to this project, so {pack} records {}: {fix}",
                shown(value),
                shown(&spec.otherwise_value())
            );
        }
    }
    check_rules(manifest, recorded)
        .map_err(|e| anyhow!("the lockfile's options are not allowed by {pack} ({e}): {fix}"))
}

/// Refuses option sets the pack's `[[rules]]` forbid, with the rule's own message.
fn check_rules(manifest: &super::Manifest, values: &Options) -> Result<()> {
    let env = super::expr::expression_env();
    let ctx = context_of(manifest, values);
    for rule in &manifest.rules {
        if eval_condition(&env, &rule.when, &ctx)
            .with_context(|| format!("cannot evaluate rule `{}`", rule.when))?
        {
            let message = env
                .render_str(&rule.error, ctx.clone())
                .with_context(|| format!("cannot render the message of rule `{}`", rule.when))?;
            bail!("{message}");
        }
    }
    Ok(())
}

fn describe(given: &Explicit) -> String {
    match given {
        Explicit::Value(v) => format!("`{v}`"),
        Explicit::Carried(v) => format!("`{v}`"),
        Explicit::CarriedList { items, .. } => format!("`{}`", items.join(",")),
        Explicit::ListEdit { add, remove } => {
            let mut parts = Vec::new();
            if !add.is_empty() {
                parts.push(format!("with {}", add.join(",")));
            }
            if !remove.is_empty() {
                parts.push(format!("without {}", remove.join(",")));
            }
            parts.join(", ")
        }
    }
}

/// Options (and the pack's vars) as a template context, for conditions.
fn context_of(manifest: &super::Manifest, values: &Options) -> Value {
    let mut map: IndexMap<Value, Value> = manifest
        .vars
        .iter()
        .map(|(k, v)| (Value::from(k.as_str()), Value::from(Serde(v))))
        .collect();
    for (k, v) in values {
        map.insert(Value::from(k.as_str()), v.to_value());
    }
    Value::from(map)
}

/// Evaluates a condition (`when` of an option, a rule, a move or a note) in `ctx`.
pub(crate) fn eval_condition(
    env: &minijinja::Environment<'static>,
    expr: &str,
    ctx: &Value,
) -> Result<bool> {
    let compiled = env.compile_expression(expr).map_err(|e| anyhow!("{e}"))?;
    Ok(compiled
        .eval(ctx.clone())
        .map_err(|e| anyhow!("{e}"))?
        .is_true())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::Manifest;

    fn manifest() -> Manifest {
        Manifest::parse(
            r#"
[pack]
name = "t"
version = "1.0.0"
[options.level]
type = "int"
choices = [1, 2, 3]
default = 2
prompt = "Level"
[options.auth]
type = "str"
choices = ["none", "jwt"]
default = "jwt"
otherwise = "none"
when = "level >= 3"
[options.features]
type = "list"
choices = ["docker", "cache"]
default = ["docker"]
[[rules]]
when = "level == 1 and 'cache' in features"
error = "level {{ level }} cannot cache"
"#,
            "0.1.0",
        )
        .unwrap()
    }

    fn explicit(pairs: &[(&str, &str)]) -> IndexMap<String, Explicit> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Explicit::Value(v.to_string())))
            .collect()
    }

    fn resolve_quiet(ex: &IndexMap<String, Explicit>) -> Result<Options> {
        resolve(&manifest(), ex, None, &mut |_| {})
    }

    #[test]
    fn defaults_and_otherwise() {
        let v = resolve_quiet(&explicit(&[])).unwrap();
        assert_eq!(v["level"], OptValue::Int(2));
        assert_eq!(v["auth"], OptValue::Str("none".into()));
        assert_eq!(v["features"], OptValue::List(vec!["docker".into()]));
        let v = resolve_quiet(&explicit(&[("level", "3")])).unwrap();
        assert_eq!(v["auth"], OptValue::Str("jwt".into()));
    }

    #[test]
    fn inapplicable_values_warn_and_are_ignored() {
        let mut warnings = Vec::new();
        let v = resolve(&manifest(), &explicit(&[("auth", "jwt")]), None, &mut |w| {
            warnings.push(w)
        })
        .unwrap();
        assert_eq!(v["auth"], OptValue::Str("none".into()));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("`auth`"));
    }

    #[test]
    fn bad_values_are_refused() {
        let err = format!(
            "{:#}",
            resolve_quiet(&explicit(&[("level", "9")])).unwrap_err()
        );
        assert!(
            err.contains("unknown value `9`: expected one of 1, 2, 3"),
            "{err}"
        );
        let err = format!(
            "{:#}",
            resolve_quiet(&explicit(&[("level", "two")])).unwrap_err()
        );
        assert!(err.contains("not a whole number"), "{err}");
        let err = format!(
            "{:#}",
            resolve_quiet(&explicit(&[("colour", "red")])).unwrap_err()
        );
        assert!(err.contains("has no option `colour`"), "{err}");
    }

    #[test]
    fn list_edits_and_rules() {
        let mut ex = explicit(&[("level", "1")]);
        ex.insert(
            "features".into(),
            Explicit::ListEdit {
                add: vec!["cache".into()],
                remove: vec!["docker".into()],
            },
        );
        let err = resolve_quiet(&ex).unwrap_err().to_string();
        assert_eq!(err, "level 1 cannot cache");
        ex.insert("level".into(), Explicit::Value("2".into()));
        assert_eq!(
            resolve_quiet(&ex).unwrap()["features"],
            OptValue::List(vec!["cache".into()])
        );
        ex.insert(
            "features".into(),
            Explicit::ListEdit {
                add: vec!["nope".into()],
                remove: vec![],
            },
        );
        assert!(resolve_quiet(&ex).is_err());
    }

    struct Fixed;
    impl Asker for Fixed {
        fn ask(
            &self,
            _: &str,
            spec: &OptionSpec,
            _: &[String],
            _: Option<&OptValue>,
        ) -> Result<OptValue> {
            OptValue::parse(spec.kind, "3")
        }
    }

    #[test]
    fn prompts_only_for_options_without_explicit_values() {
        let v = resolve(&manifest(), &explicit(&[]), Some(&Fixed), &mut |_| {}).unwrap();
        assert_eq!(v["level"], OptValue::Int(3));
        let v = resolve(
            &manifest(),
            &explicit(&[("level", "1")]),
            Some(&Fixed),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(v["level"], OptValue::Int(1));
    }

    /// Levels, a database a rule refuses from level 2, and features on by default at level 3.
    const LEVELLED: &str = r#"
[pack]
name = "t"
version = "1.0.0"
[options.level]
type = "int"
choices = [1, 2, 3]
default = 1
prompt = "Level"
[options.db]
type = "str"
choices = ["sqlite", "mongodb"]
default = "sqlite"
prompt = "Database"
[options.features]
type = "list"
choices = ["cache", "jobs"]
default = []
[[options.features.defaults]]
when = "level >= 3"
value = ["cache", "jobs"]
[[rules]]
when = "db == 'mongodb' and level >= 2"
error = "no mongodb yet"
"#;

    fn levelled() -> Manifest {
        Manifest::parse(LEVELLED, "0.1.0").unwrap()
    }

    #[test]
    fn conditional_defaults_follow_earlier_options() {
        let m = levelled();
        let at = |level: &str| {
            resolve(&m, &explicit(&[("level", level)]), None, &mut |_| {}).unwrap()["features"]
                .clone()
        };
        assert_eq!(at("2"), OptValue::List(vec![]));
        assert_eq!(at("3"), OptValue::List(vec!["cache".into(), "jobs".into()]));
        // --without edits the conditional default, not the plain one.
        let mut ex = explicit(&[("level", "3")]);
        ex.insert(
            "features".into(),
            Explicit::ListEdit {
                add: vec![],
                remove: vec!["jobs".into()],
            },
        );
        let v = resolve(&m, &ex, None, &mut |_| {}).unwrap();
        assert_eq!(v["features"], OptValue::List(vec!["cache".into()]));
    }

    #[test]
    fn a_bad_conditional_default_is_refused_at_load() {
        let text = LEVELLED.replace(r#"value = ["cache", "jobs"]"#, r#"value = ["nope"]"#);
        let err = format!("{:#}", Manifest::parse(&text, "0.1.0").unwrap_err());
        assert!(
            err.contains("bad `defaults` entry") && err.contains("nope"),
            "{err}"
        );
    }

    #[test]
    fn carried_lists_gain_what_the_new_default_adds_and_keep_removals() {
        let m = levelled();
        let carry = |level: &str, items: &[&str], then: &[&str]| {
            let mut ex = explicit(&[("level", level)]);
            ex.insert(
                "features".into(),
                Explicit::CarriedList {
                    items: items.iter().map(|s| s.to_string()).collect(),
                    then: then.iter().map(|s| s.to_string()).collect(),
                },
            );
            resolve(&m, &ex, None, &mut |_| {}).unwrap()["features"].clone()
        };
        // Level 2 -> 3: the features level 3 brings join the user's.
        assert_eq!(
            carry("3", &["jobs"], &[]),
            OptValue::List(vec!["jobs".into(), "cache".into()])
        );
        // At level 3 a feature the user removed stays removed.
        assert_eq!(
            carry("3", &["cache"], &["cache", "jobs"]),
            OptValue::List(vec!["cache".into()])
        );
        // Nothing is gained where the default did not grow.
        assert_eq!(carry("2", &[], &[]), OptValue::List(vec![]));
    }

    struct Recording(std::cell::RefCell<Vec<(String, Vec<String>)>>);
    impl Asker for Recording {
        fn ask(
            &self,
            name: &str,
            spec: &OptionSpec,
            choices: &[String],
            default: Option<&OptValue>,
        ) -> Result<OptValue> {
            self.0
                .borrow_mut()
                .push((name.to_string(), choices.to_vec()));
            Ok(default
                .cloned()
                .unwrap_or(OptValue::parse(spec.kind, &choices[0])?))
        }
    }

    #[test]
    fn prompts_offer_only_what_the_rules_allow() {
        let m = levelled();
        let asked = Recording(Default::default());
        let mut ex = explicit(&[("level", "2")]);
        resolve(&m, &ex, Some(&asked), &mut |_| {}).unwrap();
        assert_eq!(asked.0.borrow()[0], ("db".into(), vec!["sqlite".into()]));
        let asked = Recording(Default::default());
        ex.insert("level".into(), Explicit::Value("1".into()));
        resolve(&m, &ex, Some(&asked), &mut |_| {}).unwrap();
        assert_eq!(
            asked.0.borrow()[0],
            ("db".into(), vec!["sqlite".into(), "mongodb".into()])
        );
    }
}
