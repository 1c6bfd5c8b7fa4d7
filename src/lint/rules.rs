//! The rules of `fb lint`, as one walk over a tree-sitter syntax tree that knows where it is: in
//! an `async def`, in a route (a function under `@app.get(...)`, `@router.post(...)` ...), at
//! module level.

use std::collections::BTreeSet;

use tree_sitter::{Node, Parser};

use super::{Finding, Rule, Severity};

pub static RULES: &[Rule] = &[
    Rule {
        code: "FB001",
        name: "blocking-call-in-async",
        severity: Severity::Error,
        summary: "a blocking call inside `async def`",
        rationale: "An `async def` endpoint runs on the event loop: while `time.sleep`, `requests`, a sync `httpx.Client`, `urllib`, `subprocess` or a plain `open()` waits, no other request of that worker is served. Use the async form (`await asyncio.sleep`, `httpx.AsyncClient`, `anyio.open_file`), run the call in a thread (`await run_in_threadpool(...)`, `anyio.to_thread.run_sync`), or declare the endpoint with plain `def`, which FastAPI runs in a thread pool.",
    },
    Rule {
        code: "FB002",
        name: "hard-coded-secret",
        severity: Severity::Error,
        summary: "a string literal assigned to a secret-like name",
        rationale: "A secret in the source ships with every copy of the code, is in the git history for good, and is the same in every deployment: anyone who has read the repository can sign tokens or log in. Read secrets from the environment (pydantic-settings `SecretStr` with no default) and refuse to start without one outside development. Tests are exempt, and so is a default marked as one for development only (`insecure`, `dev-only`, `change-me` in the value).",
    },
    Rule {
        code: "FB003",
        name: "wildcard-cors",
        severity: Severity::Warning,
        summary: "CORS allows every origin",
        rationale: "`allow_origins=[\"*\"]` lets any web page call the API from a user's browser; with `allow_credentials=True` (which browsers refuse to combine with `*`, so frameworks echo the origin instead) it lets any site act as the signed-in user. List the front-end origins from configuration.",
    },
    Rule {
        code: "FB004",
        name: "unvalidated-body",
        severity: Severity::Warning,
        summary: "a request body read without a Pydantic model",
        rationale: "`await request.json()` takes whatever the client sent: no types, no limits, no 422 with a clear error, nothing in the OpenAPI schema. Declare a Pydantic model parameter and let FastAPI parse and validate the body.",
    },
    Rule {
        code: "FB005",
        name: "debug-mode",
        severity: Severity::Error,
        summary: "`FastAPI(debug=True)`",
        rationale: "Debug mode answers errors with tracebacks that show source code, file paths and local values to any client. Keep it off; log errors server-side with a request id instead.",
    },
    Rule {
        code: "FB006",
        name: "on-event",
        severity: Severity::Warning,
        summary: "`@app.on_event` (deprecated)",
        rationale: "Startup and shutdown events are deprecated in FastAPI and Starlette in favour of a lifespan context manager, which keeps setup and teardown of one resource together and works with `TestClient` as a context manager. Use `FastAPI(lifespan=lifespan)`.",
    },
    Rule {
        code: "FB007",
        name: "weak-jwt",
        severity: Severity::Error,
        summary: "a JWT issued without `exp`, or decoded without pinned algorithms or without verification",
        rationale: "A token without `exp` is valid forever once leaked. Decoding without `algorithms=[...]` lets the token choose its algorithm (the `none` and key-confusion attacks); `verify_signature: False` accepts any token at all. Always set `exp`, pin `algorithms=[\"HS256\"]` (or your algorithm), and never turn verification off outside tests.",
    },
    Rule {
        code: "FB008",
        name: "weak-password-hash",
        severity: Severity::Error,
        summary: "a password hashed with md5, sha1 or sha256",
        rationale: "Fast hashes can be tried by the billion per second on a GPU, so a leaked table of them gives up most passwords. Hash passwords with a slow, salted function made for them: Argon2id (`pwdlib`, `argon2-cffi`) or bcrypt.",
    },
    Rule {
        code: "FB009",
        name: "sql-string-formatting",
        severity: Severity::Error,
        summary: "SQL built with an f-string, `%` or `.format()`",
        rationale: "Formatting values into SQL text lets a value end the string and run its own SQL (injection). Pass values as bound parameters: `text(\"... WHERE id = :id\")` with `{\"id\": id}`, or build the query with SQLAlchemy expressions.",
    },
    Rule {
        code: "FB010",
        name: "outdated-library",
        severity: Severity::Warning,
        summary: "an import of a library with a maintained replacement",
        rationale: "`python-jose` and `passlib` are unmaintained (use `PyJWT` and `pwdlib` or `argon2-cffi`), `motor` is deprecated by MongoDB in favour of PyMongo's async API (`AsyncMongoClient`), and `aioredis` was merged into `redis` (`redis.asyncio`).",
    },
    Rule {
        code: "FB011",
        name: "mutable-global-state",
        severity: Severity::Warning,
        summary: "module-level mutable state changed in a route",
        rationale: "A module-level list, dict or set changed by a request is shared by every request of one worker and by none of the others: data races between concurrent requests, and state that differs per worker and vanishes on restart. Keep state in a database or cache, or in `app.state` behind a lock when it truly is per process.",
    },
    Rule {
        code: "FB012",
        name: "unclosed-session",
        severity: Severity::Warning,
        summary: "a database session created in a route and never closed",
        rationale: "A session opened in an endpoint and not closed keeps its connection checked out until garbage collection; under load the pool runs dry and requests hang. Provide sessions through a dependency that `yield`s inside `with`/`async with`, or open them with `with`.",
    },
];

const BLOCKING: &[(&str, &str)] = &[
    ("time.sleep", "`await asyncio.sleep(...)`"),
    ("requests.get", "`httpx.AsyncClient`"),
    ("requests.post", "`httpx.AsyncClient`"),
    ("requests.put", "`httpx.AsyncClient`"),
    ("requests.patch", "`httpx.AsyncClient`"),
    ("requests.delete", "`httpx.AsyncClient`"),
    ("requests.head", "`httpx.AsyncClient`"),
    ("requests.request", "`httpx.AsyncClient`"),
    ("httpx.get", "`httpx.AsyncClient`"),
    ("httpx.post", "`httpx.AsyncClient`"),
    ("httpx.put", "`httpx.AsyncClient`"),
    ("httpx.patch", "`httpx.AsyncClient`"),
    ("httpx.delete", "`httpx.AsyncClient`"),
    ("httpx.request", "`httpx.AsyncClient`"),
    ("httpx.Client", "`httpx.AsyncClient`"),
    ("urllib.request.urlopen", "`httpx.AsyncClient`"),
    ("urlopen", "`httpx.AsyncClient`"),
    ("subprocess.run", "`asyncio.create_subprocess_exec`"),
    ("subprocess.call", "`asyncio.create_subprocess_exec`"),
    (
        "subprocess.check_output",
        "`asyncio.create_subprocess_exec`",
    ),
    (
        "open",
        "`anyio.open_file` or a thread (`run_in_threadpool`)",
    ),
];

const OUTDATED: &[(&str, &str)] = &[
    ("jose", "PyJWT (`import jwt`)"),
    ("passlib", "pwdlib or argon2-cffi"),
    (
        "motor",
        "PyMongo's async API (`from pymongo import AsyncMongoClient`)",
    ),
    ("aioredis", "`redis.asyncio`"),
];

const ROUTE_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "api_route",
    "websocket",
];

const MUTATORS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "update",
    "add",
    "pop",
    "popitem",
    "remove",
    "discard",
    "clear",
    "setdefault",
];

/// Runs every rule over `source`.
pub fn check(path: &str, source: &str, is_test: bool) -> Vec<Finding> {
    let mut parser = Parser::new();
    if parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_err()
    {
        return Vec::new();
    }
    let Some(tree) = parser.parse(source, None) else {
        return Vec::new();
    };
    let mut findings = walk_tree(path, source, is_test, &tree);
    // Tests hold fixtures, deliberately broken tokens and SQL that no user input reaches.
    if is_test {
        findings.retain(|f| !TEST_EXEMPT.contains(&f.code));
    }
    findings
}

/// Rules that do not apply to test files.
pub const TEST_EXEMPT: &[&str] = &["FB002", "FB007", "FB009"];

fn walk_tree(path: &str, source: &str, is_test: bool, tree: &tree_sitter::Tree) -> Vec<Finding> {
    let mut walk = Walk {
        path,
        source,
        is_test,
        findings: Vec::new(),
        module_mutables: module_mutables(tree.root_node(), source),
    };
    walk.visit(tree.root_node(), Scope::default());
    walk.findings
}

#[derive(Debug, Clone, Copy, Default)]
struct Scope {
    /// The nearest enclosing function is `async def`.
    in_async: bool,
    /// The nearest enclosing function is a route.
    in_route: bool,
    /// At module level (no enclosing function or class).
    at_module: bool,
}

struct Walk<'a> {
    path: &'a str,
    source: &'a str,
    is_test: bool,
    findings: Vec<Finding>,
    /// Module-level names bound to a list, dict or set.
    module_mutables: BTreeSet<String>,
}

fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    node.utf8_text(source.as_bytes()).unwrap_or("")
}

/// `a.b.c` for an identifier or attribute chain, `None` for anything else.
fn dotted(node: Node<'_>, source: &str) -> Option<String> {
    match node.kind() {
        "identifier" => Some(text(node, source).to_string()),
        "attribute" => {
            let object = dotted(node.child_by_field_name("object")?, source)?;
            let attribute = text(node.child_by_field_name("attribute")?, source);
            Some(format!("{object}.{attribute}"))
        }
        _ => None,
    }
}

/// The keyword argument `name=` of a call's argument list.
fn keyword<'t>(arguments: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "keyword_argument")
        .find(|c| {
            c.child_by_field_name("name")
                .is_some_and(|n| text(n, source) == name)
        })
        .and_then(|c| c.child_by_field_name("value"))
}

fn first_positional<'t>(arguments: Node<'t>) -> Option<Node<'t>> {
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .find(|c| c.kind() != "keyword_argument" && c.kind() != "comment")
}

/// A plain string literal's content (no f-string, no concatenation).
fn plain_string(node: Node<'_>, source: &str) -> Option<String> {
    if node.kind() != "string" || is_fstring(node, source) {
        return None;
    }
    let mut cursor = node.walk();
    let content: String = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "string_content")
        .map(|c| text(c, source))
        .collect();
    Some(content)
}

fn is_fstring(node: Node<'_>, source: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| {
        c.kind() == "interpolation"
            || (c.kind() == "string_start" && text(c, source).to_ascii_lowercase().contains('f'))
    })
}

/// The byte range of a string's content (between its quotes) and its f-string interpolations.
fn fstring_slots(node: Node<'_>) -> (std::ops::Range<usize>, Vec<Node<'_>>) {
    let mut cursor = node.walk();
    let slots = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "interpolation")
        .collect();
    (string_content(node), slots)
}

fn string_content(node: Node<'_>) -> std::ops::Range<usize> {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
    let start = children
        .iter()
        .find(|c| c.kind() == "string_start")
        .map_or(node.start_byte(), |c| c.end_byte());
    let end = children
        .iter()
        .find(|c| c.kind() == "string_end")
        .map_or(node.end_byte(), |c| c.start_byte());
    start..end.max(start)
}

/// The `{...}` placeholders of a `str.format` template, as byte ranges (`{{` and `}}` are text).
fn format_placeholders(node: Node<'_>, source: &str) -> Vec<std::ops::Range<usize>> {
    let content = string_content(node);
    let bytes = source.as_bytes();
    let mut slots = Vec::new();
    let mut i = content.start;
    while i < content.end {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => i += 2,
            b'{' => {
                let close = (i..content.end).find(|&j| bytes[j] == b'}');
                let Some(close) = close else { break };
                slots.push(i..close + 1);
                i = close + 1;
            }
            _ => i += 1,
        }
    }
    slots
}

/// Whether the formatted piece at `slot` of the SQL text `content` stands for an identifier: a
/// double-quoted name (`"{schema}"`) or a part of a dotted name (`NEW.{column}`,
/// `{schema}.users`), outside any single-quoted SQL string. Bound parameters can only stand for
/// values, so an identifier has to be formatted in (and quoted); a value in quotes (`'{x}'`) or
/// bare (`id = {x}`) is still a finding.
fn identifier_slot(
    source: &str,
    content: std::ops::Range<usize>,
    slot: std::ops::Range<usize>,
) -> bool {
    let (Some(before), Some(after)) = (
        source.get(content.start..slot.start),
        source.get(slot.end..content.end),
    ) else {
        return false;
    };
    // An odd number of single quotes before it: inside a SQL string, so a value.
    if before.matches('\'').count() % 2 == 1 {
        return false;
    }
    let name_char =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || "_\"}".contains(c));
    let quoted = before.ends_with('"') && after.starts_with('"');
    let dotted_after =
        before.ends_with('.') && name_char(before[..before.len() - 1].chars().last());
    let dotted_before = after.starts_with('.') && {
        let next = after[1..].chars().next();
        next.is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '"' || c == '{')
    };
    quoted || dotted_after || dotted_before
}

/// Module-level names assigned a list, dict or set (a literal or `list()`, `dict()`, `set()`,
/// `defaultdict(...)`, `deque(...)`).
fn module_mutables(root: Node<'_>, source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        if statement.kind() != "expression_statement" {
            continue;
        }
        let Some(assignment) = statement
            .named_child(0)
            .filter(|n| n.kind() == "assignment")
        else {
            continue;
        };
        let (Some(left), Some(right)) = (
            assignment.child_by_field_name("left"),
            assignment.child_by_field_name("right"),
        ) else {
            continue;
        };
        let mutable = match right.kind() {
            "list" | "dictionary" | "set" | "list_comprehension" | "dictionary_comprehension" => {
                true
            }
            "call" => right
                .child_by_field_name("function")
                .and_then(|f| dotted(f, source))
                .is_some_and(|f| {
                    matches!(
                        f.rsplit('.').next().unwrap_or(""),
                        "list"
                            | "dict"
                            | "set"
                            | "defaultdict"
                            | "deque"
                            | "OrderedDict"
                            | "Counter"
                    )
                }),
            _ => false,
        };
        if mutable && left.kind() == "identifier" {
            names.insert(text(left, source).to_string());
        }
    }
    names
}

/// True when a decorator makes its function a route: `@app.get(...)`, `@router.post(...)`.
fn is_route_decorator(decorator: Node<'_>, source: &str) -> bool {
    let Some(expression) = decorator.named_child(0) else {
        return false;
    };
    let function = match expression.kind() {
        "call" => expression.child_by_field_name("function"),
        _ => Some(expression),
    };
    function
        .and_then(|f| dotted(f, source))
        .is_some_and(|name| {
            name.contains('.') && ROUTE_METHODS.contains(&name.rsplit('.').next().unwrap_or(""))
        })
}

fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let secretish = [
        "secret",
        "password",
        "passwd",
        "token",
        "api_key",
        "apikey",
        "private_key",
    ]
    .iter()
    .any(|w| lower.contains(w));
    // Names about secrets that are not secrets: where to send one, how it is called, how long.
    let about = [
        "_url",
        "_uri",
        "_type",
        "_name",
        "_header",
        "_field",
        "_prefix",
        "_path",
        "_endpoint",
        "_algorithm",
        "_length",
        "_expire",
        "_minutes",
        "_hours",
        "_seconds",
        "_ttl",
        "_scheme",
        "_file",
    ]
    .iter()
    .any(|s| lower.ends_with(s));
    secretish && !about
}

fn looks_like_a_secret(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let marked_for_development = [
        "insecure",
        "dev-only",
        "development-only",
        "change-me",
        "changeme",
    ]
    .iter()
    .any(|m| lower.contains(m));
    value.len() >= 8
        && !value.contains(char::is_whitespace)
        && !value.starts_with('/')
        && !value.starts_with("http")
        && !value.contains("{")
        && !marked_for_development
}

impl Walk<'_> {
    fn report(&mut self, node: Node<'_>, code: &'static str, message: String) {
        let severity = super::rule(code).map_or(Severity::Warning, |r| r.severity);
        let start = node.start_position();
        let line_text = self.source.lines().nth(start.row).unwrap_or("");
        let column = line_text
            .get(..start.column.min(line_text.len()))
            .map_or(start.column, |s| s.chars().count())
            + 1;
        self.findings.push(Finding {
            path: self.path.to_string(),
            line: start.row + 1,
            column,
            code,
            message,
            severity,
        });
    }

    fn visit(&mut self, node: Node<'_>, scope: Scope) {
        let mut scope = scope;
        if node.kind() == "module" {
            scope.at_module = true;
        }
        match node.kind() {
            "function_definition" => {
                let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
                let is_route = node.parent().is_some_and(|p| {
                    p.kind() == "decorated_definition" && {
                        let mut cursor = p.walk();
                        p.named_children(&mut cursor)
                            .filter(|c| c.kind() == "decorator")
                            .any(|d| is_route_decorator(d, self.source))
                    }
                });
                scope = Scope {
                    in_async: is_async,
                    in_route: is_route,
                    at_module: false,
                };
                if is_route {
                    self.check_sessions(node);
                }
            }
            "class_definition" => scope.at_module = false,
            "call" => self.check_call(node, scope),
            "assignment" => self.check_assignment(node, scope),
            "decorator" => self.check_decorator(node),
            "import_statement" | "import_from_statement" => self.check_import(node),
            "await" if scope.in_route => self.check_await(node),
            "global_statement" if scope.in_route => {
                let mut cursor = node.walk();
                let names: Vec<String> = node
                    .named_children(&mut cursor)
                    .map(|n| text(n, self.source).to_string())
                    .collect();
                self.report(
                    node,
                    "FB011",
                    format!(
                        "a route rebinds the module-level `{}`: shared by the requests of one worker only; keep the state in a database or cache",
                        names.join("`, `")
                    ),
                );
            }
            _ => {}
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        for child in children {
            self.visit(child, scope);
        }
    }

    fn check_call(&mut self, call: Node<'_>, scope: Scope) {
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        let Some(name) = dotted(function, self.source) else {
            return;
        };
        let arguments = call.child_by_field_name("arguments");
        if scope.in_async
            && let Some((_, instead)) = BLOCKING.iter().find(|(b, _)| *b == name)
        {
            self.report(
                call,
                "FB001",
                format!(
                    "`{name}` blocks the event loop inside `async def`: use {instead}, or make the function a plain `def`"
                ),
            );
        }
        let last = name.rsplit('.').next().unwrap_or(&name);
        match (last, arguments) {
            ("add_middleware" | "CORSMiddleware", Some(args)) => self.check_cors(call, args),
            ("FastAPI", Some(args))
                if keyword(args, "debug", self.source).is_some_and(|v| v.kind() == "true") =>
            {
                self.report(
                    call,
                    "FB005",
                    "`FastAPI(debug=True)` shows tracebacks to clients: remove `debug=True`".into(),
                );
            }
            ("decode", Some(args)) if name == "jwt.decode" => self.check_jwt_decode(call, args),
            ("encode", Some(args)) if name == "jwt.encode" => {
                if let Some(payload) = first_positional(args)
                    && payload.kind() == "dictionary"
                    && !text(payload, self.source).contains("\"exp\"")
                    && !text(payload, self.source).contains("'exp'")
                {
                    self.report(
                        call,
                        "FB007",
                        "a JWT issued without `exp` never expires: add an `exp` claim".into(),
                    );
                }
            }
            ("md5" | "sha1" | "sha256" | "sha512" | "sha224" | "sha384", Some(args))
                if (name.starts_with("hashlib.") || name == last)
                    && text(args, self.source)
                        .to_ascii_lowercase()
                        .contains("password") =>
            {
                self.report(
                    call,
                    "FB008",
                    format!(
                        "`{name}` is too fast to hash passwords: use Argon2id (`pwdlib`, `argon2-cffi`) or bcrypt"
                    ),
                );
            }
            ("text" | "execute" | "exec_driver_sql" | "executemany", Some(args)) => {
                if let Some(sql) = first_positional(args)
                    && self.is_formatted_string(sql)
                {
                    self.report(
                        call,
                        "FB009",
                        format!(
                            "SQL built with string formatting in `{name}()` can be injected: pass the values as bound parameters"
                        ),
                    );
                }
            }
            _ => {}
        }
        if scope.in_route
            && let Some((object, method)) = name.rsplit_once('.')
            && self.module_mutables.contains(object)
            && MUTATORS.contains(&method)
        {
            self.report(
                call,
                "FB011",
                format!(
                    "a route changes the module-level `{object}`: shared by the requests of one worker only; keep the state in a database or cache"
                ),
            );
        }
    }

    /// A string built by formatting, unless each thing it interpolates is a module constant
    /// (`f"SET search_path TO {SCHEMA}"`), which no request can reach, or sits where SQL takes an
    /// identifier, which no bound parameter can fill (`"{schema}"`, `NEW.{column}`; see
    /// [`identifier_slot`]).
    fn is_formatted_string(&self, node: Node<'_>) -> bool {
        match node.kind() {
            "string" => {
                let (content, slots) = fstring_slots(node);
                let is_constant = |i: Node<'_>| {
                    i.child_by_field_name("expression").is_some_and(|e| {
                        e.kind() == "identifier" && {
                            let name = text(e, self.source);
                            name.chars().any(|c| c.is_ascii_uppercase())
                                && !name.chars().any(|c| c.is_ascii_lowercase())
                        }
                    })
                };
                is_fstring(node, self.source)
                    && slots.iter().any(|i| {
                        !is_constant(*i)
                            && !identifier_slot(
                                self.source,
                                content.clone(),
                                i.start_byte()..i.end_byte(),
                            )
                    })
            }
            "binary_operator" => {
                node.child_by_field_name("operator")
                    .is_some_and(|o| matches!(text(o, self.source), "%" | "+"))
                    && node
                        .child_by_field_name("left")
                        .is_some_and(|l| l.kind() == "string" || self.is_formatted_string(l))
            }
            "call" => node
                .child_by_field_name("function")
                .filter(|f| f.kind() == "attribute")
                .and_then(|f| {
                    Some((
                        f.child_by_field_name("object")?,
                        f.child_by_field_name("attribute")?,
                    ))
                })
                .is_some_and(|(object, attribute)| {
                    object.kind() == "string"
                        && text(attribute, self.source) == "format"
                        && !format_placeholders(object, self.source).iter().all(|slot| {
                            identifier_slot(self.source, string_content(object), slot.clone())
                        })
                }),
            _ => false,
        }
    }

    fn check_cors(&mut self, call: Node<'_>, args: Node<'_>) {
        let Some(origins) = keyword(args, "allow_origins", self.source) else {
            return;
        };
        let wildcard = origins.kind() == "list" && {
            let mut cursor = origins.walk();
            origins
                .named_children(&mut cursor)
                .any(|o| plain_string(o, self.source).as_deref() == Some("*"))
        };
        if !wildcard {
            return;
        }
        let credentials =
            keyword(args, "allow_credentials", self.source).is_some_and(|v| v.kind() == "true");
        self.report(
            call,
            "FB003",
            match credentials {
                true => "CORS allows every origin with credentials: any site can act as the signed-in user; list the allowed origins".into(),
                false => "CORS allows every origin: list the front-end origins instead of `*`".into(),
            },
        );
    }

    fn check_jwt_decode(&mut self, call: Node<'_>, args: Node<'_>) {
        let options = keyword(args, "options", self.source).map(|o| text(o, self.source));
        let verification_off = options.is_some_and(|o| {
            let compact: String = o.chars().filter(|c| !c.is_whitespace()).collect();
            compact.contains("\"verify_signature\":False")
                || compact.contains("'verify_signature':False")
        }) || keyword(args, "verify", self.source)
            .is_some_and(|v| v.kind() == "false");
        if verification_off {
            self.report(
                call,
                "FB007",
                "a JWT decoded with signature verification off accepts any token: remove `verify_signature: False`".into(),
            );
        } else if keyword(args, "algorithms", self.source).is_none() {
            self.report(
                call,
                "FB007",
                "a JWT decoded without `algorithms=[...]` lets the token pick its algorithm: pin it, as in `algorithms=[\"HS256\"]`".into(),
            );
        }
    }

    fn check_assignment(&mut self, assignment: Node<'_>, scope: Scope) {
        if self.is_test {
            return;
        }
        let (Some(left), Some(right)) = (
            assignment.child_by_field_name("left"),
            assignment.child_by_field_name("right"),
        ) else {
            return;
        };
        let name = match left.kind() {
            "identifier" => text(left, self.source),
            "attribute" => left
                .child_by_field_name("attribute")
                .map_or("", |a| text(a, self.source)),
            _ => return,
        };
        if is_secret_name(name)
            && let Some(value) = plain_string(right, self.source)
            && looks_like_a_secret(&value)
        {
            self.report(
                assignment,
                "FB002",
                format!(
                    "`{name}` is a secret written in the source: read it from the environment (pydantic-settings, no default) instead"
                ),
            );
        }
        // Subscript assignment to module-level state inside a route: `CACHE[key] = value`.
        if scope.in_route
            && left.kind() == "subscript"
            && let Some(value) = left.child_by_field_name("value")
            && self.module_mutables.contains(text(value, self.source))
        {
            let object = text(value, self.source).to_string();
            self.report(
                assignment,
                "FB011",
                format!(
                    "a route changes the module-level `{object}`: shared by the requests of one worker only; keep the state in a database or cache"
                ),
            );
        }
    }

    fn check_decorator(&mut self, decorator: Node<'_>) {
        let Some(expression) = decorator.named_child(0) else {
            return;
        };
        let function = match expression.kind() {
            "call" => expression.child_by_field_name("function"),
            _ => Some(expression),
        };
        if let Some(name) = function.and_then(|f| dotted(f, self.source))
            && name.ends_with(".on_event")
        {
            self.report(
                decorator,
                "FB006",
                format!(
                    "`@{name}` is deprecated: move startup and shutdown code into a lifespan (`FastAPI(lifespan=...)`)"
                ),
            );
        }
    }

    fn check_import(&mut self, import: Node<'_>) {
        let modules: Vec<Node<'_>> = match import.kind() {
            "import_from_statement" => import
                .child_by_field_name("module_name")
                .into_iter()
                .collect(),
            _ => {
                let mut cursor = import.walk();
                import
                    .children_by_field_name("name", &mut cursor)
                    .map(|n| match n.kind() {
                        "aliased_import" => n.child_by_field_name("name").unwrap_or(n),
                        _ => n,
                    })
                    .collect()
            }
        };
        for module in modules {
            let name = text(module, self.source);
            let top = name.split('.').next().unwrap_or(name);
            if let Some((_, instead)) = OUTDATED.iter().find(|(m, _)| *m == top) {
                self.report(
                    module,
                    "FB010",
                    format!("`{top}` is outdated: use {instead}"),
                );
            }
        }
    }

    fn check_await(&mut self, node: Node<'_>) {
        let Some(call) = node.named_child(0).filter(|c| c.kind() == "call") else {
            return;
        };
        if let Some(name) = call
            .child_by_field_name("function")
            .and_then(|f| dotted(f, self.source))
            && matches!(name.as_str(), "request.json" | "req.json")
        {
            self.report(
                node,
                "FB004",
                format!(
                    "`await {name}()` reads the body without validation: declare a Pydantic model parameter instead"
                ),
            );
        }
    }

    /// Sessions created in a route (`SessionLocal()`, `Session(engine)`) outside `with` and never
    /// closed in it.
    fn check_sessions(&mut self, function: Node<'_>) {
        let Some(body) = function.child_by_field_name("body") else {
            return;
        };
        let body_text = text(body, self.source);
        let mut calls = Vec::new();
        collect_calls(body, &mut calls);
        for call in calls {
            let Some(name) = call
                .child_by_field_name("function")
                .and_then(|f| dotted(f, self.source))
            else {
                continue;
            };
            let last = name.rsplit('.').next().unwrap_or(&name);
            if !matches!(
                last,
                "SessionLocal" | "Session" | "AsyncSession" | "async_session" | "AsyncSessionLocal"
            ) {
                continue;
            }
            let in_with = ancestors(call).any(|a| a.kind() == "with_item");
            // `db = SessionLocal()` ... `db.close()` in the same function is closed by hand.
            let bound = call
                .parent()
                .filter(|p| p.kind() == "assignment")
                .and_then(|p| p.child_by_field_name("left"))
                .map(|l| text(l, self.source).to_string());
            let closed = bound.is_some_and(|b| body_text.contains(&format!("{b}.close()")));
            if !in_with && !closed {
                self.report(
                    call,
                    "FB012",
                    format!(
                        "`{name}()` in a route is never closed: provide the session with a dependency that `yield`s inside `with`"
                    ),
                );
            }
        }
    }
}

fn collect_calls<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    if node.kind() == "call" {
        out.push(node);
    }
    // A nested function is its own scope.
    if node.kind() == "function_definition" && !out.is_empty() {
        return;
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
    for child in children {
        if child.kind() != "function_definition" {
            collect_calls(child, out);
        }
    }
}

fn ancestors(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    std::iter::successors(node.parent(), |n| n.parent())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(source: &str) -> Vec<(&'static str, usize)> {
        check("app/main.py", source, false)
            .into_iter()
            .map(|f| (f.code, f.line))
            .collect()
    }

    #[test]
    fn every_rule_finds_its_pattern_and_leaves_the_fix_alone() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "FB001",
                "import time\nasync def f():\n    time.sleep(1)\n",
                "import asyncio\nasync def f():\n    await asyncio.sleep(1)\ndef g():\n    time.sleep(1)\n",
            ),
            (
                "FB002",
                "SECRET_KEY = \"s3cr3t-value-123\"\n",
                "SECRET_KEY = os.environ[\"SECRET_KEY\"]\ntoken_url = \"/auth/token\"\nSECRET_KEY = \"insecure-dev-only-key\"\n",
            ),
            (
                "FB003",
                "app.add_middleware(CORSMiddleware, allow_origins=[\"*\"], allow_credentials=True)\n",
                "app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins)\n",
            ),
            (
                "FB004",
                "@app.post(\"/x\")\nasync def x(request: Request):\n    data = await request.json()\n",
                "@app.post(\"/x\")\nasync def x(body: Item):\n    return body\n",
            ),
            (
                "FB005",
                "app = FastAPI(debug=True)\n",
                "app = FastAPI(debug=False)\n",
            ),
            (
                "FB006",
                "@app.on_event(\"startup\")\nasync def s():\n    pass\n",
                "app = FastAPI(lifespan=lifespan)\n",
            ),
            (
                "FB007",
                "jwt.decode(token, key)\njwt.encode({\"sub\": \"1\"}, key)\njwt.decode(t, k, algorithms=[\"HS256\"], options={\"verify_signature\": False})\n",
                "jwt.decode(token, key, algorithms=[\"HS256\"])\njwt.encode({\"sub\": \"1\", \"exp\": exp}, key)\n",
            ),
            (
                "FB008",
                "h = hashlib.sha256(password.encode()).hexdigest()\n",
                "h = hashlib.sha256(data).hexdigest()\n",
            ),
            (
                "FB009",
                "db.execute(text(f\"SELECT * FROM t WHERE id = {id}\"))\ndb.execute(\"SELECT %s\" % x)\n",
                "db.execute(text(\"SELECT * FROM t WHERE id = :id\"), {\"id\": id})\ndb.execute(text(f\"SET search_path TO {SCHEMA}\"))\ndb.execute(text(f'set search_path to \"{schema}\"'))\ntext(\"NEW.{column}\".format(column=c.name))\ndb.execute(text(f\"SELECT * FROM {schema}.users\"))\n",
            ),
            (
                "FB010",
                "from jose import jwt\nimport passlib.hash\nimport motor.motor_asyncio as m\n",
                "import jwt\nfrom pwdlib import PasswordHash\n",
            ),
            (
                "FB011",
                "ITEMS = []\n@router.post(\"/\")\ndef add(x: int):\n    ITEMS.append(x)\n",
                "ITEMS = []\ndef helper(x):\n    ITEMS.append(x)\n",
            ),
            (
                "FB012",
                "@app.get(\"/\")\ndef r():\n    db = SessionLocal()\n    return db.query(T).all()\n",
                "@app.get(\"/\")\ndef r():\n    with SessionLocal() as db:\n        return db.query(T).all()\n",
            ),
        ];
        for (code, bad, good) in cases {
            let found = codes(bad);
            assert!(
                found.iter().any(|(c, _)| c == code),
                "{code} missed in:\n{bad}\nfound {found:?}"
            );
            let found = codes(good);
            assert!(
                !found.iter().any(|(c, _)| c == code),
                "{code} false positive in:\n{good}\nfound {found:?}"
            );
        }
        assert_eq!(
            codes(
                "jwt.decode(token, key)\njwt.encode({\"sub\": \"1\"}, key)\njwt.decode(t, k, algorithms=[\"HS256\"], options={\"verify_signature\": False})\n"
            ),
            [("FB007", 1), ("FB007", 2), ("FB007", 3)]
        );
    }

    #[test]
    fn sql_identifiers_may_be_formatted_values_may_not() {
        for value in [
            "db.execute(f\"update t set slug = '{slug}' where id = {r[0]}\")\n",
            "db.execute(text(f\"SELECT * FROM t WHERE name = '{x}.txt'\"))\n",
            "db.execute(text(f\"\"\"SELECT * FROM t WHERE name = '\"{x}\"'\"\"\"))\n",
            "db.execute(text(\"SELECT * FROM t WHERE id = {}\".format(x)))\n",
            "db.execute(text(f\"SELECT * FROM {table}\"))\n",
        ] {
            assert_eq!(codes(value), [("FB009", 1)], "{value}");
        }
        for identifier in [
            "db.execute(text(f'set search_path to \"{schema}\"'))\n",
            "text(\"NEW.{column}\".format(column=c.name))\n",
            "db.execute(text(f\"SELECT {t}.id FROM {s}.{t}\"))\n",
        ] {
            assert!(codes(identifier).is_empty(), "{identifier}");
        }
    }

    #[test]
    fn tests_may_hold_literal_secrets() {
        assert!(
            check(
                "tests/test_auth.py",
                "password = \"hunter2hunter2\"\n",
                true
            )
            .is_empty()
        );
    }

    #[test]
    fn broken_syntax_is_no_panic() {
        let _ = codes("def (:\n  async def x(: time.sleep(\n");
    }
}
