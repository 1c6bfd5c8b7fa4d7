//! Resource specs (`"Order total:float paid:bool note:str? code:str:unique"`) and the names
//! templates need for them. Exposed to templates as the function `resource_model(spec)`.

use anyhow::{Result, bail};
use serde::Serialize;

use crate::names::{self, is_snake_identifier};

/// Field types a resource spec may use (`enum(a|b)` and `ref:Name` take an argument).
pub const FIELD_TYPES: &[&str] = &[
    "str",
    "text",
    "int",
    "float",
    "decimal",
    "bool",
    "date",
    "datetime",
    "uuid",
    "email",
    "url",
    "enum(a|b|...)",
    "ref:Name",
];

/// The types `min=` and `max=` apply to.
const NUMERIC_TYPES: &[&str] = &["int", "float", "decimal"];

/// `decimal` columns are `Numeric(12, 2)`: at most 10 digits before the point, 2 after.
const DECIMAL_INTEGER_DIGITS: usize = 10;
const DECIMAL_PLACES: usize = 2;

/// Limits on `enum(...)` values: each a snake_case word, stored in a string column.
const MAX_ENUM_VALUE: usize = 40;
const MAX_ENUM_VALUES: usize = 50;

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
    "uuid",
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
    /// Set by `resource_models`: the resources whose `ref` fields point here (deleting a row they
    /// still reference is a 409).
    pub referenced_by: Vec<Referrer>,
    /// Set by `resource_models`: the resources this one references, directly or not, in the
    /// order they were declared.
    pub needs: Vec<String>,
}

/// A `ref` field of another resource that points to this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referrer {
    pub name: String,
    pub plural: String,
    pub plural_label: String,
    pub column: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The attribute and column name; for a reference `customer:ref:Customer`, `customer_id`.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `?`: nullable, may be left out on create.
    pub optional: bool,
    /// `:unique`: no two rows share it (a duplicate is a 409).
    pub unique: bool,
    /// `due_date` → `due date`.
    pub label: String,
    /// `enum(new|paid)`: the allowed values, in order.
    pub choices: Vec<String>,
    /// `enum`: the Python `StrEnum` class, `<Resource><Field>` (`OrderStatus`).
    pub enum_class: Option<String>,
    /// `ref:Customer`: the referenced resource.
    #[serde(rename = "ref")]
    pub target: Option<Target>,
    /// `min=0`, `max=100` (int, float, decimal): inclusive bounds, as written (a Python literal).
    pub min: Option<String>,
    pub max: Option<String>,
    /// Equality filter on the list endpoint (`?name=value`): unique fields, refs, bools, enums.
    pub filter: bool,
    /// May be a `?sort=` key of the list endpoint: every type but `text`.
    pub sortable: bool,
    /// The spec word this field was parsed from, normalised (`customer:ref:Customer?`).
    pub spec: String,
}

/// The resource a `ref` field points to, with the names the templates need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub name: String,
    pub snake: String,
    pub plural: String,
    pub url: String,
    pub title: String,
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
        // Whether the name clashes with the code the pack generates depends on the options, and
        // is checked against a render of it (`super::clash`).
        if name.len() > MAX_RESOURCE_NAME {
            bail!("resource name `{raw_name}` is longer than {MAX_RESOURCE_NAME} characters");
        }
        let mut fields: Vec<Field> = Vec::new();
        for word in words {
            let mut field = parse_field(word)?;
            if field.kind == "enum" {
                field.enum_class = Some(format!("{name}{}", names::pascal_case(&field.name)));
            }
            if field.target.as_ref().is_some_and(|t| t.name == name) {
                bail!(
                    "field `{}` refers to `{name}` itself: a resource can only refer to one made before it",
                    field.label
                );
            }
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
            .chain(fields.iter().map(|f| f.spec.clone()))
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
            referenced_by: Vec::new(),
            needs: Vec::new(),
        })
    }
}

fn parse_field(word: &str) -> Result<Field> {
    // `enum(a|b)` holds no `:`, so splitting on it keeps the type whole.
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
    if RESERVED_FIELDS.contains(&name) || name.starts_with("model_") || name == "sort" {
        bail!("field name `{name}` is reserved: the generated code adds or uses it; pick another");
    }
    let (mut kind, mut optional) = match kind.strip_suffix('?') {
        Some(k) => (k, true),
        None => (kind, false),
    };
    let mut choices = Vec::new();
    let mut target = None;
    if kind == "ref" {
        // `customer:ref:Customer`, `customer:ref:Customer?` (or `customer:ref?:Customer`).
        let Some(raw) = parts.next().filter(|t| !t.is_empty() && *t != "?") else {
            bail!(
                "field `{name}` is a ref without a resource: write it as `{name}:ref:{}`",
                names::pascal_case(name)
            );
        };
        let raw = match raw.strip_suffix('?') {
            Some(t) => {
                optional = true;
                t
            }
            None => raw,
        };
        if !raw.starts_with(|c: char| c.is_ascii_uppercase())
            || !raw.chars().all(|c| c.is_ascii_alphanumeric())
        {
            bail!(
                "field `{name}` refers to `{raw}`: write the resource's name in PascalCase, as in `{name}:ref:Customer`"
            );
        }
        let snake = names::snake_case(raw);
        let plural = names::plural(&snake);
        target = Some(Target {
            name: names::pascal_case(&snake),
            url: names::kebab_case(&plural),
            title: capitalize_first(&snake.replace('_', " ")),
            snake,
            plural,
        });
    } else if let Some(inner) = kind.strip_prefix("enum(").and_then(|k| k.strip_suffix(')')) {
        for value in inner.split('|') {
            if !value.starts_with(|c: char| c.is_ascii_lowercase())
                || !value
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                bail!(
                    "invalid value `{value}` in the enum of field `{name}`: use lower-case snake_case words, as in `enum(new|paid|shipped)`"
                );
            }
            if value.len() > MAX_ENUM_VALUE {
                bail!(
                    "value `{value}` of field `{name}` is longer than {MAX_ENUM_VALUE} characters"
                );
            }
            if choices.iter().any(|c| c == value) {
                bail!("value `{value}` appears twice in the enum of field `{name}`");
            }
            choices.push(value.to_string());
        }
        if choices.len() < 2 || choices.len() > MAX_ENUM_VALUES {
            bail!(
                "the enum of field `{name}` needs 2 to {MAX_ENUM_VALUES} values, as in `enum(new|paid)`"
            );
        }
        kind = "enum";
    } else if kind.starts_with("enum") {
        bail!("field `{name}`: write an enum as `enum(a|b|c)`, values separated by `|`, no spaces");
    } else if !FIELD_TYPES.contains(&kind) || kind.contains(['(', ':']) {
        bail!(
            "unknown type `{kind}` for field `{name}`: use one of {}",
            FIELD_TYPES.join(", ")
        );
    }
    let mut unique = false;
    let (mut min, mut max) = (None, None);
    for modifier in parts {
        if modifier == "unique" {
            unique = true;
        } else if let Some((bound, value)) = modifier.split_once('=')
            && (bound == "min" || bound == "max")
        {
            if !NUMERIC_TYPES.contains(&kind) {
                bail!(
                    "`{bound}=` on field `{name}`: bounds apply to {} fields only",
                    NUMERIC_TYPES.join(", ")
                );
            }
            let value = parse_bound(name, kind, bound, value)?;
            let slot = if bound == "min" { &mut min } else { &mut max };
            if slot.replace(value).is_some() {
                bail!("field `{name}` has `{bound}=` twice");
            }
        } else {
            bail!(
                "unknown modifier `{modifier}` on field `{name}`: the modifiers are `unique`, `min=N` and `max=N`"
            );
        }
    }
    if let (Some(lo), Some(hi)) = (&min, &max)
        && bound_value(lo) > bound_value(hi)
    {
        bail!("field `{name}` has min={lo} above max={hi}");
    }
    if unique && matches!(kind, "bool" | "enum" | "ref") {
        bail!(
            "field `{name}` is {} and cannot be unique",
            match kind {
                "bool" => "a bool",
                "enum" => "an enum",
                _ => "a ref",
            }
        );
    }
    let type_spec = match (&target, kind) {
        (Some(t), _) => format!("ref:{}", t.name),
        (None, "enum") => format!("enum({})", choices.join("|")),
        (None, k) => k.to_string(),
    };
    let mut spec = format!("{name}:{type_spec}{}", if optional { "?" } else { "" });
    if unique {
        spec.push_str(":unique");
    }
    for (bound, value) in [("min", &min), ("max", &max)] {
        if let Some(v) = value {
            spec.push_str(&format!(":{bound}={v}"));
        }
    }
    let column = match &target {
        Some(_) => format!("{name}_id"),
        None => name.to_string(),
    };
    if target.is_some()
        && (RESERVED_FIELDS.contains(&column.as_str()) || column.len() > MAX_FIELD_NAME)
    {
        bail!(
            "field `{name}` would give the column `{column}`, which is reserved or too long; pick another name"
        );
    }
    Ok(Field {
        label: name.replace('_', " "),
        name: column,
        kind: kind.to_string(),
        optional,
        unique,
        filter: unique || matches!(kind, "bool" | "enum" | "ref"),
        sortable: kind != "text",
        choices,
        enum_class: None,
        target,
        min,
        max,
        spec,
    })
}

/// A `min=`/`max=` value checked against the field's type, returned as written (normalised).
fn parse_bound(name: &str, kind: &str, bound: &str, value: &str) -> Result<String> {
    let bad = |why: &str| anyhow::anyhow!("`{bound}={value}` on field `{name}`: {why}");
    match kind {
        "int" => {
            let n: i64 = value.parse().map_err(|_| bad("write a whole number"))?;
            if n < i64::from(i32::MIN) || n > i64::from(i32::MAX) {
                return Err(bad("it is outside the 32-bit range of an int column"));
            }
            Ok(n.to_string())
        }
        "decimal" => {
            let digits = value.strip_prefix('-').unwrap_or(value);
            let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
            let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
            if whole.is_empty()
                || !all_digits(whole)
                || !all_digits(frac)
                || (digits.contains('.') && frac.is_empty())
            {
                return Err(bad("write a number like 0 or 9.99"));
            }
            if whole.trim_start_matches('0').len() > DECIMAL_INTEGER_DIGITS
                || frac.len() > DECIMAL_PLACES
            {
                return Err(bad(
                    "a decimal has at most 10 digits before the point and 2 after",
                ));
            }
            Ok(value.to_string())
        }
        _ => {
            let is_number = value
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | 'e' | 'E' | '+'))
                && value.starts_with(|c: char| c.is_ascii_digit() || c == '-');
            match value.parse::<f64>() {
                Ok(f) if f.is_finite() && is_number => Ok(value.to_string()),
                _ => Err(bad("write a finite number like 0 or 2.5")),
            }
        }
    }
}

/// A bound's numeric value, to compare `min` with `max` (both already checked).
fn bound_value(v: &str) -> f64 {
    v.parse().unwrap_or(0.0)
}

/// Every resource of a project, the main one first: each parsed, and each `ref` checked to point
/// to the main resource or a resource listed before it (so tables are created in order). Sets
/// `referenced_by` on the targets.
pub fn resource_models(specs: &[String]) -> Result<Vec<Resource>> {
    let mut models: Vec<Resource> = Vec::new();
    for spec in specs {
        let mut model = Resource::parse(spec)?;
        for field in &model.fields {
            let Some(target) = &field.target else {
                continue;
            };
            if target.name == model.name {
                bail!(
                    "field `{}` of `{}` refers to `{}` itself: a resource can only refer to one made before it",
                    field.label,
                    model.name,
                    target.name
                );
            }
            let Some(referenced) = models.iter_mut().find(|m| m.name == target.name) else {
                let known = models.iter().map(|m| m.name.as_str()).collect::<Vec<_>>();
                bail!(
                    "field `{}` of `{}` refers to `{}`, which the project does not have before it ({}): add `{}` first (the main resource or an earlier one of `resources`)",
                    field.label,
                    model.name,
                    target.name,
                    match known.is_empty() {
                        true => "it has no resource yet".to_string(),
                        false => format!("resources so far: {}", known.join(", ")),
                    },
                    target.name
                );
            };
            let referrer = Referrer {
                name: model.name.clone(),
                plural: model.plural.clone(),
                plural_label: model.plural_label.clone(),
                column: field.name.clone(),
            };
            if !referenced.referenced_by.contains(&referrer) {
                referenced.referenced_by.push(referrer);
            }
        }
        // The resources this one needs rows of before it can have one (tests create them first),
        // in the order they were declared.
        let mut needs: Vec<String> = model
            .fields
            .iter()
            .filter_map(|f| f.target.as_ref().map(|t| t.name.clone()))
            .collect();
        let mut i = 0;
        while i < needs.len() {
            let more = models
                .iter()
                .find(|m| m.name == needs[i])
                .map(|m| m.needs.clone())
                .unwrap_or_default();
            for n in more {
                if !needs.contains(&n) {
                    needs.push(n);
                }
            }
            i += 1;
        }
        let order: Vec<String> = models.iter().map(|m| m.name.clone()).collect();
        needs.sort_by_key(|n| order.iter().position(|o| o == n));
        needs.dedup();
        model.needs = needs;
        models.push(model);
    }
    Ok(models)
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
            ("Order dt:date", "reserved"),
            ("Order owner_id:int", "reserved"),
            ("Order validate:bool", "reserved"),
            (
                "AVeryLongResourceNameThatGoesOnAndOn a:int",
                "longer than 30",
            ),
            ("Order s:enum", "write an enum as `enum(a|b|c)`"),
            ("Order s:enum()", "invalid value ``"),
            ("Order s:enum(a)", "needs 2 to 50 values"),
            ("Order s:enum(a|A)", "invalid value `A`"),
            ("Order s:enum(a|b|a)", "`a` appears twice"),
            ("Order s:enum(a b)", "no spaces"),
            ("Order s:enum(a|b):unique", "an enum and cannot be unique"),
            ("Order c:ref", "a ref without a resource"),
            (
                "Order c:ref:customer",
                "write the resource's name in PascalCase",
            ),
            ("Order c:ref:Order", "refers to `Order` itself"),
            ("Order c:ref:Customer:unique", "a ref and cannot be unique"),
            ("Order owner:ref:User", "reserved or too long"),
            ("Order c:ref:Customer c_id:int", "`c_id` appears twice"),
            (
                "Order a:str:min=1",
                "bounds apply to int, float, decimal fields only",
            ),
            ("Order a:int:min=x", "write a whole number"),
            ("Order a:int:min=1.5", "write a whole number"),
            ("Order a:int:max=2147483648", "outside the 32-bit range"),
            ("Order a:int:min=1:min=2", "`min=` twice"),
            ("Order a:int:min=5:max=1", "min=5 above max=1"),
            ("Order a:float:min=inf", "finite number"),
            ("Order a:float:min=nan", "finite number"),
            (
                "Order a:decimal:min=1.234",
                "at most 10 digits before the point and 2 after",
            ),
            ("Order a:decimal:max=12345678901", "at most 10 digits"),
            ("Order a:decimal:min=1.", "write a number like 0 or 9.99"),
            ("Order a:decimal:min=abc", "write a number like 0 or 9.99"),
            ("Order a:uuid:size=3", "unknown modifier `size=3`"),
            ("Order sort:str", "reserved"),
            ("Order uuid:uuid", "reserved"),
            ("Order a:money(1)", "unknown type `money(1)`"),
        ] {
            let err = Resource::parse(spec).unwrap_err().to_string();
            assert!(err.contains(expected), "{spec:?}: {err}");
        }
    }

    #[test]
    fn new_types_parse_and_normalise() {
        let r = Resource::parse(
            "Order total:decimal:min=0:max=9999.99 ref:uuid:unique contact:email? site:url? status:enum(new|paid|shipped) stock:int:min=0 ratio:float:max=1.5",
        )
        .unwrap();
        let kinds: Vec<_> = r.fields.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["decimal", "uuid", "email", "url", "enum", "int", "float"]
        );
        let total = &r.fields[0];
        assert_eq!(
            (total.min.as_deref(), total.max.as_deref()),
            (Some("0"), Some("9999.99"))
        );
        assert!(r.fields[1].unique && r.fields[1].filter);
        assert!(r.fields[2].optional && !r.fields[2].filter);
        let status = &r.fields[4];
        assert_eq!(status.choices, ["new", "paid", "shipped"]);
        assert_eq!(status.enum_class.as_deref(), Some("OrderStatus"));
        assert!(status.filter && status.sortable);
        assert_eq!(r.fields[5].min.as_deref(), Some("0"));
        assert_eq!(r.fields[6].max.as_deref(), Some("1.5"));
        assert_eq!(
            r.spec,
            "Order total:decimal:min=0:max=9999.99 ref:uuid:unique contact:email? site:url? status:enum(new|paid|shipped) stock:int:min=0 ratio:float:max=1.5"
        );
        assert_eq!(Resource::parse(&r.spec).unwrap(), r);
        // text is not sortable; bools filter.
        let t = Resource::parse("Note body:text done:bool").unwrap();
        assert!(!t.fields[0].sortable && !t.fields[0].filter);
        assert!(t.fields[1].filter);
    }

    #[test]
    fn a_ref_is_an_id_column_to_the_target() {
        let r = Resource::parse("Order customer:ref:Customer billing:ref?:BlogPost").unwrap();
        let c = &r.fields[0];
        assert_eq!((c.name.as_str(), c.kind.as_str()), ("customer_id", "ref"));
        assert_eq!(c.label, "customer");
        let t = c.target.as_ref().unwrap();
        assert_eq!(
            (t.name.as_str(), t.plural.as_str(), t.url.as_str()),
            ("Customer", "customers", "customers")
        );
        assert!(c.filter && !c.optional);
        let b = &r.fields[1];
        assert!(b.optional);
        assert_eq!(b.target.as_ref().unwrap().plural, "blog_posts");
        assert_eq!(r.spec, "Order customer:ref:Customer billing:ref:BlogPost?");
        // `ref:Name?` is the same as `ref?:Name`.
        assert_eq!(
            Resource::parse("Order billing:ref:BlogPost?")
                .unwrap()
                .fields[0],
            *b
        );
    }

    #[test]
    fn resource_models_checks_refs_and_links_both_ends() {
        let specs = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let models = resource_models(&specs(&[
            "Customer name:str",
            "Order customer:ref:Customer",
            "Line order:ref:Order again:ref:Order",
        ]))
        .unwrap();
        assert_eq!(models[0].referenced_by.len(), 1);
        assert_eq!(models[0].referenced_by[0].column, "customer_id");
        assert_eq!(models[1].referenced_by.len(), 2);
        assert_eq!(models[1].needs, ["Customer"]);
        assert_eq!(models[2].needs, ["Customer", "Order"]);
        for (list, expected) in [
            (
                specs(&["Order customer:ref:Customer"]),
                "refers to `Customer`, which the project does not have before it (it has no resource yet)",
            ),
            (
                specs(&["Customer name:str", "Order c:ref:Client"]),
                "(resources so far: Customer): add `Client` first",
            ),
            (
                specs(&["Customer name:str", "Order line:ref:Line", "Line qty:int"]),
                "refers to `Line`, which the project does not have before it",
            ),
            (specs(&["Customer c:bad"]), "unknown type `bad`"),
        ] {
            let err = resource_models(&list).unwrap_err().to_string();
            assert!(err.contains(expected), "{list:?}: {err}");
        }
    }
}
