//! The minijinja environment every pack evaluation starts from: strict undefined, no
//! auto-escaping, trailing newlines kept, bounded by fuel and a recursion limit, with fb's filters
//! and `resource_model`. Conditions, computed values, messages and templates all use it.

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior, Value};

use super::clash::Probes;
use super::resource::{self, Resource};
use crate::limits;

/// An environment for conditions and messages: the same settings and helpers, no templates.
pub fn expression_env() -> Environment<'static> {
    let mut env = base_env();
    env.add_function("resource_model", resource_model);
    env.add_filter("resource_model", resource_model);
    env.add_function("resource_models", resource_models);
    env
}

/// [`expression_env`] whose `resource_model(s)` give every resource a stand-in name, recorded in
/// `probes`: a render with it shows which names the pack's code uses on its own (see
/// [`super::clash`]).
pub fn probing_env(probes: std::sync::Arc<std::sync::Mutex<Probes>>) -> Environment<'static> {
    let mut env = base_env();
    let one = {
        let probes = std::sync::Arc::clone(&probes);
        move |spec: &str| -> Result<Value, minijinja::Error> {
            let real = parse_resource(spec)?;
            let mut probes = probes.lock().unwrap_or_else(|p| p.into_inner());
            let probe = probes.stand_in(&real).map_err(invalid)?;
            Ok(Value::from(Serde(probe)))
        }
    };
    env.add_function("resource_model", one.clone());
    env.add_filter("resource_model", one);
    env.add_function(
        "resource_models",
        move |specs: Vec<String>| -> Result<Value, minijinja::Error> {
            let real = parse_resources(&specs)?;
            let mut probes = probes.lock().unwrap_or_else(|p| p.into_inner());
            let probe = probes.stand_ins(&real).map_err(invalid)?;
            Ok(Value::from(Serde(probe)))
        },
    );
    env
}

/// A resource error as a template error, so the render reports it at the template's line.
fn invalid(message: impl std::fmt::Display) -> minijinja::Error {
    minijinja::Error::new(ErrorKind::InvalidOperation, message.to_string())
}

fn parse_resource(spec: &str) -> Result<Resource, minijinja::Error> {
    Resource::parse(spec).map_err(|e| invalid(format!("invalid resource \"{spec}\": {e}")))
}

fn parse_resources(specs: &[String]) -> Result<Vec<Resource>, minijinja::Error> {
    resource::resource_models(specs).map_err(invalid)
}

fn base_env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("default delimiters are valid");
    env.set_syntax(syntax);
    // Every evaluation is bounded: a hostile pack meets a clear error, not an endless loop.
    env.set_fuel(Some(limits::FUEL_PER_TEMPLATE));
    env.set_recursion_limit(limits::RECURSION_LIMIT);
    env.add_filter("snake", |s: &str| crate::names::snake_case(s));
    env.add_filter("pascal", |s: &str| crate::names::pascal_case(s));
    env.add_filter("kebab", |s: &str| crate::names::kebab_case(s));
    env.add_filter("plural", |s: &str| crate::names::plural(s));
    env.add_filter("as_map", as_map);
    env
}

/// `list | as_map`: `["a=x", "b=y"]` as the map `{"a": "x", "b": "y"}` (fb records the parents
/// of migrations this way, see [`crate::migrations`]); a later key wins.
fn as_map(items: Vec<String>) -> Result<Value, minijinja::Error> {
    let mut map = std::collections::BTreeMap::new();
    for item in &items {
        let Some((key, value)) = item.split_once('=') else {
            return Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("as_map: `{item}` is not KEY=VALUE"),
            ));
        };
        map.insert(key.to_string(), value.to_string());
    }
    Ok(Value::from(map))
}

/// `resource_model(spec)` (or `spec | resource_model`): a resource spec parsed into the names
/// templates need.
fn resource_model(spec: &str) -> Result<Value, minijinja::Error> {
    parse_resource(spec).map(|r| Value::from(Serde(r)))
}

/// `resource_models(specs)`: every resource of a project (the main one first), parsed, with each
/// `ref` checked to point to a resource before it.
fn resource_models(specs: Vec<String>) -> Result<Value, minijinja::Error> {
    parse_resources(&specs).map(|r| Value::from(Serde(r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_map_reads_key_value_items() {
        let env = expression_env();
        let expr = env
            .compile_expression(
                "(items | as_map)['a'] ~ ',' ~ (items | as_map)['b'] ~ ',' ~ ('c' in (items | as_map))",
            )
            .unwrap();
        let out = expr
            .eval(minijinja::context! { items => vec!["a=x", "b=y=z", "a=w"] })
            .unwrap();
        assert_eq!(out.to_string(), "w,y=z,False");
        let bad = env.compile_expression("items | as_map").unwrap();
        let err = bad
            .eval(minijinja::context! { items => vec!["novalue"] })
            .unwrap_err();
        assert!(err.to_string().contains("not KEY=VALUE"), "{err}");
    }
}
