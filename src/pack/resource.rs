//! Resource specs (`"Order total:float paid:bool note:str? code:str:unique"`) and the names
//! templates need for them. Exposed to templates as the function `resource_model(spec)`.

use anyhow::{Result, bail};
use serde::Serialize;

use crate::names::{self, is_snake_identifier};

/// Field types a resource spec may use.
pub const FIELD_TYPES: &[&str] = &["str", "text", "int", "float", "bool", "date", "datetime"];

/// Field names the templates add to every resource, or that the libraries reserve (SQLAlchemy's
/// declarative attributes, Pydantic's `BaseModel` methods, names the generated modules import).
const RESERVED_FIELDS: &[&str] = &[
    "id",
    "owner_id",
    "created_at",
    "updated_at",
    "metadata",
    "registry",
    "dt",
    "construct",
    "copy",
    "dict",
    "from_orm",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "register",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
];

/// Class names the generated modules already use (SQLAlchemy, FastAPI and typing names).
const RESERVED_CLASSES: &[&str] = &[
    "ApiKey",
    "Token",
    "Base",
    "Mapped",
    "Boolean",
    "Date",
    "DateTime",
    "Float",
    "Integer",
    "String",
    "Text",
    "Session",
    "Sequence",
    "APIRouter",
    "HTTPException",
    "IntegrityError",
    "User",
    "Health",
    "Settings",
];

/// Snake names that would shadow variables of the generated code.
const RESERVED_SNAKES: &[&str] = &[
    "service",
    "current_user",
    "api_key",
    "token",
    "db",
    "data",
    "item",
    "items",
    "field",
    "value",
    "statement",
    "offset",
    "limit",
    "pagination",
    "user",
    "health",
    "settings",
    "config",
    "database",
    "dependencies",
    "main",
];

/// Longest names that still give code within the line length the generated projects check.
const MAX_RESOURCE_NAME: usize = 30;
const MAX_FIELD_NAME: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// Class name: `BlogPost`.
    pub name: String,
    /// Module and variable name: `blog_post`.
    pub snake: String,
    /// Plural snake name (modules, tables, routers): `blog_posts`.
    pub plural: String,
    /// Plural class-style name: `BlogPosts`.
    pub plural_name: String,
    /// URL path segment: `blog-posts`.
    pub url: String,
    /// Human words: `blog post`, `blog posts`, `Blog post`.
    pub label: String,
    pub plural_label: String,
    pub title: String,
    pub fields: Vec<Field>,
    /// The first unique field, the resource's natural key.
    pub key: Option<Field>,
    /// The spec this was parsed from, normalised.
    pub spec: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `?`: nullable, may be left out on create.
    pub optional: bool,
    /// `:unique`: no two rows share it (a duplicate is a 409).
    pub unique: bool,
    /// `due_date` → `due date`.
    pub label: String,
}

impl Resource {
    pub fn parse(spec: &str) -> Result<Resource> {
        let mut words = spec.split_whitespace();
        let Some(raw_name) = words.next() else {
            bail!(
                "the resource is empty: write it as \"Name field:type ...\", for example \"Order total:float paid:bool\""
            );
        };
        if raw_name.contains(':') {
            bail!("the resource must start with its name, as in \"Order {raw_name}\"");
        }
        if !raw_name.starts_with(|c: char| c.is_ascii_alphabetic())
            || !raw_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            bail!(
                "invalid resource name `{raw_name}`: use letters and digits, starting with a letter (like `Order` or `BlogPost`)"
            );
        }
        let snake = names::snake_case(raw_name);
        let name = names::pascal_case(&snake);
        if names::PYTHON_KEYWORDS.contains(&snake.as_str()) {
            bail!(
                "invalid resource name `{raw_name}`: its module and variable name `{snake}` is a Python keyword; pick another (like `{name}Entry`)"
            );
        }
        if RESERVED_SNAKES.contains(&snake.as_str()) || RESERVED_CLASSES.contains(&name.as_str()) {
            bail!(
                "invalid resource name `{raw_name}`: the generated code already uses that name; pick another"
            );
        }
        if name.len() > MAX_RESOURCE_NAME {
            bail!("resource name `{raw_name}` is longer than {MAX_RESOURCE_NAME} characters");
        }
        let mut fields: Vec<Field> = Vec::new();
        for word in words {
            let field = parse_field(word)?;
            if fields.iter().any(|f| f.name == field.name) {
                bail!("field `{}` appears twice in the resource", field.name);
            }
            fields.push(field);
        }
        if fields.is_empty() {
            bail!(
                "resource `{name}` has no fields: add some, as in \"{name} title:str done:bool\""
            );
        }
        let plural = names::plural(&snake);
        let label = snake.replace('_', " ");
        let plural_label = plural.replace('_', " ");
        let key = fields.iter().find(|f| f.unique).cloned();
        let spec = std::iter::once(name.clone())
            .chain(fields.iter().map(|f| {
                format!(
                    "{}:{}{}{}",
                    f.name,
                    f.kind,
                    if f.optional { "?" } else { "" },
                    if f.unique { ":unique" } else { "" }
                )
            }))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Resource {
            plural_name: names::pascal_case(&plural),
            url: names::kebab_case(&plural),
            title: capitalize_first(&label),
            name,
            snake,
            plural,
            label,
            plural_label,
            fields,
            key,
            spec,
        })
    }
}

fn parse_field(word: &str) -> Result<Field> {
    let mut parts = word.split(':');
    let name = parts.next().unwrap_or_default();
    let Some(kind) = parts.next() else {
        bail!(
            "field `{word}` has no type: write it as `{word}:str` (types: {})",
            FIELD_TYPES.join(", ")
        );
    };
    if names::PYTHON_KEYWORDS.contains(&name) {
        bail!(
            "invalid field name `{name}`: it is a Python keyword, so no attribute can have it; pick another (like `{name}_name`)"
        );
    }
    if !is_snake_identifier(name) {
        bail!("invalid field name `{name}`: use snake_case letters and digits (like `due_date`)");
    }
    if name.len() > MAX_FIELD_NAME {
        bail!("field name `{name}` is longer than {MAX_FIELD_NAME} characters");
    }
    if RESERVED_FIELDS.contains(&name) || name.starts_with("model_") {
        bail!("field name `{name}` is reserved: the generated code adds or uses it; pick another");
    }
    let (kind, optional) = match kind.strip_suffix('?') {
        Some(k) => (k, true),
        None => (kind, false),
    };
    if !FIELD_TYPES.contains(&kind) {
        bail!(
            "unknown type `{kind}` for field `{name}`: use one of {}",
            FIELD_TYPES.join(", ")
        );
    }
    let mut unique = false;
    for modifier in parts {
        match modifier {
            "unique" => unique = true,
            other => {
                bail!("unknown modifier `{other}` on field `{name}`: the only modifier is `unique`")
            }
        }
    }
    if unique && kind == "bool" {
        bail!("field `{name}` is a bool and cannot be unique");
    }
    Ok(Field {
        name: name.to_string(),
        kind: kind.to_string(),
        optional,
        unique,
        label: name.replace('_', " "),
    })
}

fn capitalize_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_spec() {
        let r =
            Resource::parse("BlogPost title:str:unique body:text published_at:datetime?").unwrap();
        assert_eq!(
            (r.name.as_str(), r.snake.as_str(), r.plural.as_str()),
            ("BlogPost", "blog_post", "blog_posts")
        );
        assert_eq!(
            (r.url.as_str(), r.title.as_str(), r.plural_label.as_str()),
            ("blog-posts", "Blog post", "blog posts")
        );
        assert_eq!(r.fields.len(), 3);
        assert!(r.fields[2].optional && !r.fields[2].unique);
        assert_eq!(r.key.as_ref().unwrap().name, "title");
        assert_eq!(
            r.spec,
            "BlogPost title:str:unique body:text published_at:datetime?"
        );
    }

    #[test]
    fn lower_case_names_are_normalised() {
        let r = Resource::parse("order_line  qty:int").unwrap();
        assert_eq!(r.name, "OrderLine");
        assert!(r.key.is_none());
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        for (spec, expected) in [
            ("", "empty"),
            ("title:str", "must start with its name"),
            ("Order", "no fields"),
            ("Order total", "has no type"),
            ("Order total:money", "unknown type `money`"),
            ("Order Total:int", "invalid field name `Total`"),
            ("Order id:int", "reserved"),
            ("Order a:int a:str", "appears twice"),
            ("Order a:int:primary", "unknown modifier"),
            ("Order a:bool:unique", "cannot be unique"),
            ("9lives a:int", "invalid resource name"),
            ("class a:int", "is a Python keyword"),
            ("Order class:str", "`class`: it is a Python keyword"),
            ("Session a:int", "already uses"),
            ("Item a:int", "already uses"),
            ("Order dt:date", "reserved"),
            ("Order owner_id:int", "reserved"),
            ("ApiKey name:str", "already uses"),
            ("Service name:str", "already uses"),
            ("Order validate:bool", "reserved"),
            (
                "AVeryLongResourceNameThatGoesOnAndOn a:int",
                "longer than 30",
            ),
        ] {
            let err = Resource::parse(spec).unwrap_err().to_string();
            assert!(err.contains(expected), "{spec:?}: {err}");
        }
    }
}
