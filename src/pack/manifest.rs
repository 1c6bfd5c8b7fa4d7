//! `pack.toml`: the manifest of a template pack, parsed strictly (unknown keys are errors).

use anyhow::{Context, Result, bail};
use indexmap::IndexMap;
use serde::Deserialize;

use super::options::{OptionKind, OptionSpec};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub pack: PackInfo,
    #[serde(default)]
    pub options: IndexMap<String, OptionSpec>,
    /// Option combinations the pack cannot build, each with the error the user sees.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Constant values handed to every template.
    #[serde(default)]
    pub vars: IndexMap<String, toml::Value>,
    /// Values computed from the options (minijinja expressions), in order.
    #[serde(default)]
    pub computed: IndexMap<String, String>,
    /// Files that change place between levels or versions, so user edits can follow them.
    #[serde(default)]
    pub moves: Vec<Move>,
    /// Templates rendered once per item of a list (one file per resource, say).
    #[serde(default)]
    pub repeat: Vec<Repeat>,
    /// Files derived from others (a lock file), with the command that re-creates them: never
    /// merged line by line.
    #[serde(default)]
    pub generated: Vec<Generated>,
    /// Text shown to the user, rendered with the template context.
    #[serde(default)]
    pub messages: Messages,
    /// What to tell the user after a change of options or version, when it applies.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Directories of database migrations whose new revisions fb chains after the project's head.
    #[serde(default)]
    pub migrations: Vec<MigrationChain>,
    /// Linters fb runs before and after a change, to report what the change broke.
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// `[[checks]]`: a command fb runs in the project before and after `upgrade`, `update`, `add` and
/// `remove` (not with `--no-check`). It prints one finding per line, `path:line:column: message`,
/// and exits 0 when clean, 1 with findings; fb reports the findings the change brought, with
/// `help` (what usually fixes them), and exits 1. Any other exit means it could not run: a note.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// What fb calls it in its output (`ruff's pyflakes rules`); the command when not given.
    #[serde(default)]
    pub name: Option<String>,
    pub command: String,
    #[serde(default)]
    pub help: String,
}

impl Check {
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("`{}`", self.command),
        }
    }
}

/// `[[migrations]]`: the pack renders database migrations into `dir`. When a change adds
/// revisions there and the first would not follow the project's head (the user wrote a migration
/// since), fb records `revision=head` in the list option `parents`, which the templates read (the
/// `as_map` filter makes it a map) to render the parent. `kind` says how to read a revision:
/// `alembic` (`revision` and `down_revision` at module level) is the one kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationChain {
    pub kind: String,
    pub dir: String,
    pub parents: String,
}

/// `[[notes]]`: after `fb upgrade`, `fb add` or `fb update`, `message` is shown when `when` holds.
/// Both see the new options plus `old` (the recorded options) and `old_version`, like `[[moves]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub when: String,
    pub message: String,
}

/// `[[generated]]`: a file the pack does not render (or, in older packs, renders as a starting
/// point) that `command` derives from the others. fb runs `command` in the project after it
/// writes it; a re-render never merges the file line by line (when both the user and the
/// template changed it, the user's copy stays until `command` re-creates it).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generated {
    pub path: String,
    pub command: String,
    /// What to run instead under `--offline` (`uv lock --offline`); without it, nothing is run.
    #[serde(default)]
    pub offline: Option<String>,
}

/// `[[repeat]]`: every template whose path contains `paths_containing` is rendered once per item
/// of the list `over` (an expression), with the item bound to `as`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    pub paths_containing: String,
    pub over: String,
    #[serde(rename = "as")]
    pub bind: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    /// What to do after `fb new`, shown after the project is created.
    #[serde(default)]
    pub next_steps: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// The fb versions that can render this pack, as a semver requirement (`">=0.2"`).
    #[serde(default)]
    pub fb: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub when: String,
    pub error: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Move {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub when: Option<String>,
}

impl Manifest {
    /// Parses and checks a manifest; `fb_version` is the running fb, checked against `pack.fb`.
    pub fn parse(text: &str, fb_version: &str) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!(crate::limits::describe_toml_error(
                text,
                e.message(),
                e.span()
            ))
        })?;
        manifest.check(fb_version)?;
        Ok(manifest)
    }

    pub fn version(&self) -> semver::Version {
        // Checked in `check`, so this cannot fail afterwards.
        semver::Version::parse(&self.pack.version).expect("version checked at load")
    }

    fn check(&self, fb_version: &str) -> Result<()> {
        let info = &self.pack;
        if !crate::names::is_snake_identifier(&info.name.replace('-', "_")) {
            bail!(
                "pack name `{}` must be lower-case letters, digits, `-` or `_`",
                info.name
            );
        }
        semver::Version::parse(&info.version).with_context(|| {
            format!(
                "pack version `{}` is not a semver version (like 1.2.0)",
                info.version
            )
        })?;
        if let Some(req) = &info.fb {
            let req = semver::VersionReq::parse(req).with_context(|| {
                format!("`fb = \"{req}\"` is not a version requirement (like \">=0.2\")")
            })?;
            let running = semver::Version::parse(fb_version).expect("fb's own version is semver");
            if !req.matches(&running) {
                bail!(
                    "pack `{}` {} needs fb {req}, but this is fb {fb_version}: upgrade fb (`cargo install fastapi-builder`)",
                    info.name,
                    info.version
                );
            }
        }
        for (name, spec) in &self.options {
            if !crate::names::is_snake_identifier(name) {
                bail!("option name `{name}` must be a snake_case identifier");
            }
            spec.check()
                .with_context(|| format!("option `{name}` is invalid"))?;
        }
        for name in self.vars.keys().chain(self.computed.keys()) {
            if self.options.contains_key(name) {
                bail!("`{name}` is declared both as an option and as a var or computed value");
            }
        }
        for chain in &self.migrations {
            if chain.kind != "alembic" {
                bail!(
                    "`[[migrations]]` of kind `{}` is unknown: the one kind is `alembic`",
                    chain.kind
                );
            }
            crate::paths::check(&chain.dir, crate::paths::Origin::Pack)
                .with_context(|| format!("`[[migrations]]` dir `{}` is invalid", chain.dir))?;
            match self.options.get(&chain.parents) {
                Some(spec)
                    if spec.kind == OptionKind::List
                        && spec.choices.is_none()
                        && spec.when.is_none() => {}
                _ => bail!(
                    "`[[migrations]]` parents `{}` must name a list option without choices or `when`, where fb records each revision's parent",
                    chain.parents
                ),
            }
        }
        if let Some((name, _)) = self
            .options
            .iter()
            .find(|(_, s)| s.kind == OptionKind::List && s.prompt.is_some() && s.choices.is_none())
        {
            bail!("option `{name}` asks a prompt for a list but declares no choices");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "[pack]\nname = \"demo\"\nversion = \"1.0.0\"\n";

    #[test]
    fn minimal_manifest() {
        let m = Manifest::parse(MINIMAL, "0.1.0").unwrap();
        assert_eq!(m.pack.name, "demo");
        assert_eq!(m.version(), semver::Version::new(1, 0, 0));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = Manifest::parse(&format!("{MINIMAL}colour = 1\n"), "0.1.0").unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
        let err = Manifest::parse(
            &format!("{MINIMAL}[options.x]\ntype = \"str\"\ndefualt = \"a\"\n"),
            "0.1.0",
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `defualt`"), "{err}");
    }

    #[test]
    fn newer_fb_requirement_is_refused() {
        let text = MINIMAL.replace("version = \"1.0.0\"", "version = \"1.0.0\"\nfb = \">=9.0\"");
        let err = Manifest::parse(&text, "0.1.0").unwrap_err().to_string();
        assert!(
            err.contains("needs fb >=9.0") && err.contains("upgrade fb"),
            "{err}"
        );
    }

    #[test]
    fn migration_chains_are_checked() {
        let option = "[options.parents]\ntype = \"list\"\ndefault = []\n";
        let chain = "[[migrations]]\nkind = \"alembic\"\ndir = \"alembic/versions\"\nparents = \"parents\"\n";
        Manifest::parse(&format!("{MINIMAL}{option}{chain}"), "0.1.0").unwrap();
        for (bad, says) in [
            (
                chain.replace("alembic\"", "flyway\""),
                "the one kind is `alembic`",
            ),
            (
                chain.replace("alembic/versions", "../versions"),
                "dir `../versions` is invalid",
            ),
            (
                chain.replace("= \"parents\"", "= \"nope\""),
                "must name a list option",
            ),
        ] {
            let err = Manifest::parse(&format!("{MINIMAL}{option}{bad}"), "0.1.0").unwrap_err();
            assert!(format!("{err:#}").contains(says), "{err:#}");
        }
    }

    #[test]
    fn bad_versions_are_refused() {
        let text = MINIMAL.replace("1.0.0", "one");
        assert!(Manifest::parse(&text, "0.1.0").is_err());
    }
}
