//! Option values as the lockfile records them and templates see them: the kinds a pack may
//! declare, a value of one of them, and the set of chosen values. A leaf module, so the lockfile
//! can hold values without depending on how options are resolved or rendered.

use std::fmt;

use anyhow::{Result, anyhow, bail};
use indexmap::IndexMap;
use minijinja::Value;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionKind {
    Bool,
    Int,
    Str,
    List,
}

impl fmt::Display for OptionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OptionKind::Bool => "bool",
            OptionKind::Int => "int",
            OptionKind::Str => "str",
            OptionKind::List => "list",
        })
    }
}

/// The value of an option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum OptValue {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
}

impl fmt::Display for OptValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptValue::Bool(b) => write!(f, "{b}"),
            OptValue::Int(i) => write!(f, "{i}"),
            OptValue::Str(s) => f.write_str(s),
            OptValue::List(items) => write!(f, "[{}]", items.join(", ")),
        }
    }
}

impl OptValue {
    /// Converts a TOML value of the declared kind.
    pub fn from_toml(kind: OptionKind, value: &toml::Value) -> Result<OptValue> {
        Ok(match (kind, value) {
            (OptionKind::Bool, toml::Value::Boolean(b)) => OptValue::Bool(*b),
            (OptionKind::Int, toml::Value::Integer(i)) => OptValue::Int(*i),
            (OptionKind::Str, toml::Value::String(s)) => OptValue::Str(s.clone()),
            (OptionKind::List, toml::Value::Array(items)) => OptValue::List(
                items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| anyhow!("list items must be strings, found `{v}`"))
                    })
                    .collect::<Result<_>>()?,
            ),
            (kind, other) => bail!("expected a {kind}, found `{other}`"),
        })
    }

    /// Parses what the user typed on the command line or at a prompt.
    pub fn parse(kind: OptionKind, raw: &str) -> Result<OptValue> {
        let raw = raw.trim();
        Ok(match kind {
            OptionKind::Bool => match raw.to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "1" | "on" => OptValue::Bool(true),
                "false" | "no" | "n" | "0" | "off" => OptValue::Bool(false),
                _ => bail!("`{raw}` is not a boolean (use true or false)"),
            },
            OptionKind::Int => OptValue::Int(
                raw.parse()
                    .map_err(|_| anyhow!("`{raw}` is not a whole number"))?,
            ),
            OptionKind::Str => OptValue::Str(raw.to_string()),
            OptionKind::List => OptValue::List(split_list(raw)),
        })
    }

    pub fn to_value(&self) -> Value {
        match self {
            OptValue::Bool(b) => Value::from(*b),
            OptValue::Int(i) => Value::from(*i),
            OptValue::Str(s) => Value::from(s.as_str()),
            OptValue::List(items) => Value::from(items.clone()),
        }
    }

    pub(crate) fn matches(&self, choice: &toml::Value) -> bool {
        match (self, choice) {
            (OptValue::Bool(a), toml::Value::Boolean(b)) => a == b,
            (OptValue::Int(a), toml::Value::Integer(b)) => a == b,
            (OptValue::Str(a), toml::Value::String(b)) => a == b,
            _ => false,
        }
    }
}

/// `a, b,c` → `["a", "b", "c"]`, dropping empty items.
pub fn split_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The chosen options, in the pack's declaration order.
pub type Options = IndexMap<String, OptValue>;
