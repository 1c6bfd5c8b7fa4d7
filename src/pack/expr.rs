//! The minijinja environment every pack evaluation starts from: strict undefined, no
//! auto-escaping, trailing newlines kept, bounded by fuel and a recursion limit, with fb's filters
//! and `resource_model`. Conditions, computed values, messages and templates all use it.

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior, Value};

use super::resource::{self, Resource};
use crate::limits;

/// An environment for conditions and messages: the same settings and helpers, no templates.
pub fn expression_env() -> Environment<'static> {
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
    env.add_function("resource_model", resource_model);
    env.add_filter("resource_model", resource_model);
    env.add_function("resource_models", resource_models);
    env
}

/// `resource_model(spec)` (or `spec | resource_model`): a resource spec parsed into the names
/// templates need.
fn resource_model(spec: &str) -> Result<Value, minijinja::Error> {
    Resource::parse(spec)
        .map(|r| Value::from(Serde(r)))
        .map_err(|e| {
            minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("invalid resource \"{spec}\": {e}"),
            )
        })
}

/// `resource_models(specs)`: every resource of a project (the main one first), parsed, with each
/// `ref` checked to point to a resource before it.
fn resource_models(specs: Vec<String>) -> Result<Value, minijinja::Error> {
    resource::resource_models(&specs)
        .map(|r| Value::from(Serde(r)))
        .map_err(|e| minijinja::Error::new(ErrorKind::InvalidOperation, format!("{e}")))
}
