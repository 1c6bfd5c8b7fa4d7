//! `fb lint [PATH...]`: prints findings like ruff (`path:line:col: CODE message`), as JSON, or as
//! SARIF for code-scanning UIs. Exit status: 0 clean, 1 findings, 2 error.

use std::path::PathBuf;

use anyhow::{Result, bail};
use serde_json::json;

use super::Outcome;
use crate::lint::{self, Finding, RULES, Selection};
use crate::pack::options::split_list;
use crate::ui::Shell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LintFormat {
    /// `path:line:col: CODE message`, one finding a line
    Text,
    /// An array of {path, line, column, code, message, severity}
    Json,
    /// SARIF 2.1.0, for code-scanning UIs
    Sarif,
}

/// Check FastAPI code for anti-patterns and security mistakes (exit status 1 on findings)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Suppress one finding with `# noqa: FB001` on its line; choose rules per project with\n[tool.fb.lint] select = [...] / ignore = [...] in pyproject.toml.\n\nExamples:\n  fb lint\n  fb lint app tests --ignore FB011\n  fb lint --format sarif > fb.sarif\n  fb lint --explain FB001"
)]
pub struct Args {
    /// Files or directories to check [default: .]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Only these rules (codes or prefixes, comma-separated)
    #[arg(long, value_name = "CODES")]
    select: Option<String>,
    /// Skip these rules (codes or prefixes, comma-separated)
    #[arg(long, value_name = "CODES")]
    ignore: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
    /// Explain a rule (or list them all with `--explain all`) and exit
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,
}

pub fn run(args: Args, shell: &Shell) -> Result<Outcome> {
    let Args {
        paths,
        select,
        ignore,
        format,
        explain,
    } = args;
    if let Some(code) = explain {
        return explain_rule(&code, shell);
    }
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let selection = Selection {
        select: select.as_deref().map(split_list).unwrap_or_default(),
        ignore: ignore.as_deref().map(split_list).unwrap_or_default(),
    };
    let findings = lint::lint_paths(&paths, selection)?;
    match format {
        LintFormat::Text => {
            for f in &findings {
                shell.out(format!(
                    "{}:{}:{}: {} {}",
                    f.path, f.line, f.column, f.code, f.message
                ));
            }
            if findings.is_empty() {
                shell.status("Checked", "no findings");
            } else {
                shell.warn(format!(
                    "{} finding(s); `fb lint --explain CODE` says why each matters",
                    findings.len()
                ));
            }
        }
        LintFormat::Json => shell.out(serde_json::to_string_pretty(&findings)?),
        LintFormat::Sarif => shell.out(serde_json::to_string_pretty(&sarif(&findings))?),
    }
    Ok(match findings.is_empty() {
        true => Outcome::Done,
        false => Outcome::NeedsUser,
    })
}

fn explain_rule(code: &str, shell: &Shell) -> Result<Outcome> {
    if code.eq_ignore_ascii_case("all") {
        for rule in RULES {
            shell.out(format!("{}  {:<24} {}", rule.code, rule.name, rule.summary));
        }
        return Ok(Outcome::Done);
    }
    let Some(rule) = lint::rule(code) else {
        bail!(
            "no rule `{code}`: fb lint's rules are {} (`fb lint --explain all` lists them)",
            RULES.iter().map(|r| r.code).collect::<Vec<_>>().join(", ")
        );
    };
    shell.out(format!(
        "{} ({}, {:?}): {}\n\n{}",
        rule.code, rule.name, rule.severity, rule.summary, rule.rationale
    ));
    Ok(Outcome::Done)
}

/// SARIF 2.1.0: one run, the rules as the driver's, one result per finding.
fn sarif(findings: &[Finding]) -> serde_json::Value {
    let rules: Vec<serde_json::Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.rationale},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            json!({
                "ruleId": f.code,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }],
            })
        })
        .collect();
    json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {"driver": {
                "name": "fb lint",
                "version": crate::FB_VERSION,
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn level(severity: lint::Severity) -> &'static str {
    match severity {
        lint::Severity::Error => "error",
        lint::Severity::Warning => "warning",
    }
}
