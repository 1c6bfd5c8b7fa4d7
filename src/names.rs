//! Names: project names, Python identifiers, case conversion and English plurals.

use anyhow::{Result, bail};

/// Python's keywords, which can never name a package, a field or a module.
pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case", "type",
];

/// Distributions a generated project depends on: a project of the same name cannot install them.
const TAKEN_PROJECT_NAMES: &[&str] = &[
    "aiosqlite",
    "asyncpg",
    "tenacity",
    "prometheus_fastapi_instrumentator",
    "prometheus_client",
    "greenlet",
    "argon2_cffi",
    "email_validator",
    "anyio",
    "coverage",
    "fastapi",
    "pydantic",
    "pydantic_settings",
    "sqlalchemy",
    "starlette",
    "uvicorn",
    "pytest",
    "pytest_cov",
    "ruff",
    "alembic",
    "httpx",
    "httpx2",
    "psycopg",
    "pymongo",
    "pyjwt",
    "jwt",
    "pwdlib",
    "redis",
    "celery",
    "structlog",
    "limits",
    "app",
    "tests",
    "test",
    "main",
];

/// The names a new project goes by, derived from what the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectName {
    /// As typed: `my-shop`. Used for the directory and the distribution name.
    pub name: String,
    /// A valid Python identifier: `my_shop`.
    pub package: String,
    /// For titles: `My Shop`.
    pub title: String,
}

impl ProjectName {
    /// Checks a project name and derives its Python forms.
    pub fn parse(name: &str) -> Result<ProjectName> {
        let first = name.chars().next();
        if !first.is_some_and(|c| c.is_ascii_alphabetic()) {
            bail!(
                "invalid project name `{name}`: it must start with a letter (for example `my-shop`)"
            );
        }
        if let Some(bad) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c)))
        {
            bail!(
                "invalid project name `{name}`: `{bad}` is not allowed; use letters, digits, `-`, `_` and `.`"
            );
        }
        if !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            bail!("invalid project name `{name}`: it must end with a letter or a digit");
        }
        if name.len() > 64 {
            bail!("invalid project name `{name}`: it is longer than 64 characters");
        }
        let package = snake_case(&name.replace(['-', '.'], "_"));
        if PYTHON_KEYWORDS.contains(&package.as_str()) {
            bail!("invalid project name `{name}`: `{package}` is a Python keyword");
        }
        if TAKEN_PROJECT_NAMES.contains(&package.as_str()) {
            bail!(
                "invalid project name `{name}`: it clashes with a package the project uses; pick another name (for example `{name}-api`)"
            );
        }
        let title = package
            .split('_')
            .filter(|w| !w.is_empty())
            .map(capitalize)
            .collect::<Vec<_>>()
            .join(" ");
        Ok(ProjectName {
            name: name.to_string(),
            package,
            title,
        })
    }
}

/// `BlogPost`, `blogPost`, `blog-post` → `blog_post`.
pub fn snake_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' || c == ' ' || c == '_' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if (prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower))
                && !out.ends_with('_')
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out.trim_end_matches('_').to_string()
}

/// `blog_post`, `blog-post`, `blogPost` → `BlogPost`.
pub fn pascal_case(s: &str) -> String {
    snake_case(s).split('_').map(capitalize).collect()
}

/// `blog_post` → `blog-post`.
pub fn kebab_case(s: &str) -> String {
    snake_case(s).replace('_', "-")
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// English plural of the last word of a snake_case name: `blog_post` → `blog_posts`, `category` →
/// `categories`. Good enough for resource names; a user who disagrees can name the resource differently.
pub fn plural(snake: &str) -> String {
    let (head, last) = match snake.rfind('_') {
        Some(i) => snake.split_at(i + 1),
        None => ("", snake),
    };
    const IRREGULAR: &[(&str, &str)] = &[
        ("person", "people"),
        ("child", "children"),
        ("man", "men"),
        ("woman", "women"),
        ("mouse", "mice"),
        ("goose", "geese"),
        ("foot", "feet"),
        ("tooth", "teeth"),
        ("datum", "data"),
        ("criterion", "criteria"),
    ];
    const UNCOUNTABLE: &[&str] = &[
        "news",
        "series",
        "species",
        "data",
        "info",
        "information",
        "equipment",
        "feedback",
    ];
    if let Some((_, p)) = IRREGULAR.iter().find(|(s, _)| *s == last) {
        return format!("{head}{p}");
    }
    if UNCOUNTABLE.contains(&last) {
        return snake.to_string();
    }
    let ends = |suffix: &str| last.ends_with(suffix);
    let plural = if ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") {
        format!("{last}es")
    } else if ends("y") && !last[..last.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']) {
        format!("{}ies", &last[..last.len() - 1])
    } else {
        format!("{last}s")
    };
    format!("{head}{plural}")
}

/// True for a snake_case Python identifier that is not a keyword: `due_date`.
pub fn is_snake_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.ends_with('_')
        && !s.contains("__")
        && !PYTHON_KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_become_python_packages() {
        let n = ProjectName::parse("my-shop").unwrap();
        assert_eq!(
            (n.package.as_str(), n.title.as_str()),
            ("my_shop", "My Shop")
        );
        assert_eq!(ProjectName::parse("Demo2").unwrap().package, "demo2");
        assert_eq!(ProjectName::parse("acme.api").unwrap().package, "acme_api");
    }

    #[test]
    fn bad_project_names_are_refused() {
        for bad in [
            "", "1st", "my shop", "-x", "x-", "class", "fastapi", "über", "a/b",
        ] {
            assert!(ProjectName::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn case_conversions() {
        assert_eq!(snake_case("BlogPost"), "blog_post");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("blog-post"), "blog_post");
        assert_eq!(pascal_case("blog_post"), "BlogPost");
        assert_eq!(pascal_case("order"), "Order");
        assert_eq!(kebab_case("BlogPost"), "blog-post");
    }

    #[test]
    fn plurals() {
        for (one, many) in [
            ("task", "tasks"),
            ("blog_post", "blog_posts"),
            ("category", "categories"),
            ("key", "keys"),
            ("box", "boxes"),
            ("status", "statuses"),
            ("person", "people"),
            ("news", "news"),
            ("match", "matches"),
        ] {
            assert_eq!(plural(one), many);
        }
    }

    #[test]
    fn identifiers() {
        assert!(is_snake_identifier("due_date"));
        assert!(!is_snake_identifier("Due"));
        assert!(!is_snake_identifier("class"));
        assert!(!is_snake_identifier("_x"));
        assert!(!is_snake_identifier("x__y"));
    }
}
