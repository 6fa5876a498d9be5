//! `async-lint explain RULE | --all`: a rule's page, rendered for a terminal when stdout is
//! one (headings in bold, code blocks indented and dimmed, inline code in colour), else the
//! Markdown as written (to pipe into a pager or a Markdown viewer).

use crate::print;
use async_lint_core::rules::{self, OptionKind, RuleMeta};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Prints the page of `rule`, or of every rule with `all`.
pub fn explain(rule: Option<&str>, all: bool) -> ExitCode {
    let pages: Vec<String> = match (rule, all) {
        (_, true) => rules::RULES.iter().map(|r| page(r.meta())).collect(),
        (Some(name), false) => match rules::find(name) {
            Some(r) => vec![page(r.meta())],
            None => {
                let hint = async_lint_core::engine::names::did_you_mean(name);
                eprintln!("error: unknown rule `{name}`{hint} (`async-lint rules` lists them)");
                return ExitCode::from(2);
            }
        },
        (None, false) => {
            eprintln!("error: name a rule (`async-lint explain blocking-in-async`) or give --all");
            return ExitCode::from(2);
        }
    };
    let text = pages.join("\n");
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if std::io::stdout().is_terminal() {
        print(&render(&text, color))
    } else {
        print(&text)
    }
}

/// A rule's page, its `## Options` section (the last) followed by the options as the rule
/// declares them: key, kind, default and help text.
pub fn page(meta: &RuleMeta) -> String {
    let mut out = meta.doc.to_string();
    let options = meta.options.describe();
    if options.is_empty() {
        return out;
    }
    let defaults = meta.options.default_options().to_table();
    out.push_str("\nEach option, as the rule declares it:\n\n");
    for o in options {
        let kind = match o.kind {
            OptionKind::Choice(c) => c.join(" | "),
            other => other.expected(),
        };
        let default = defaults.get(o.key).map(ToString::to_string);
        out.push_str(&format!(
            "- `{}` ({kind}; default `{}`): {}\n",
            o.key,
            default.unwrap_or_default(),
            o.help
        ));
    }
    out
}

const BOLD: &str = "\u{1b}[1m";
const DIM: &str = "\u{1b}[2m";
const CYAN: &str = "\u{1b}[36m";
const RESET: &str = "\u{1b}[0m";

/// Markdown for a terminal: `#` headings bold (the top one also underlined with `=`), fenced
/// code indented four spaces without its fences, `**bold**` bold and `` `code` `` coloured.
pub fn render(markdown: &str, color: bool) -> String {
    let style = |code: &'static str| if color { code } else { "" };
    let mut out = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(&format!("    {}{line}{}\n", style(DIM), style(RESET)));
            continue;
        }
        if let Some(title) = heading(line) {
            let (level, title) = title;
            out.push_str(&format!("{}{title}{}\n", style(BOLD), style(RESET)));
            if level == 1 {
                out.push_str(&"=".repeat(title.chars().count()));
                out.push('\n');
            }
            continue;
        }
        out.push_str(&inline(line, color));
        out.push('\n');
    }
    out
}

/// `## Title` → (2, "Title").
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    let title = line[level..].strip_prefix(' ')?;
    (level > 0).then_some((level, title))
}

/// A line's `**bold**` and `` `code` `` spans styled; the markers dropped.
fn inline(line: &str, color: bool) -> String {
    let mut out = String::new();
    let mut rest = line;
    let (mut bold, mut code) = (false, false);
    while !rest.is_empty() {
        if !code && rest.starts_with("**") {
            bold = !bold;
            if color {
                out.push_str(if bold { BOLD } else { RESET });
            }
            rest = &rest[2..];
        } else if rest.starts_with('`') {
            code = !code;
            if color {
                out.push_str(if code { CYAN } else { RESET });
            } else {
                out.push('`');
            }
            rest = &rest[1..];
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_ends_with_the_declared_options() {
        let blocking = rules::find("blocking-in-async").expect("rule").meta();
        let text = page(blocking);
        assert!(text.starts_with(blocking.doc), "the page first");
        let list = &text[blocking.doc.len()..];
        assert!(
            list.contains(
                "- `transitive` (true or false; default `true`): also report calls of the \
                 crate's sync fns that block"
            ) && list.contains("- `low-value` (info | warning | off; default `\"info\"`): ")
                && list.contains("- `extra-blocking` (a list of strings; default `[]`): "),
            "{list}"
        );
        let tiny = rules::find("tiny-task").expect("rule").meta();
        assert_eq!(page(tiny), tiny.doc, "no options, nothing added");
    }

    #[test]
    fn markdown_is_rendered_for_a_terminal() {
        let md = "# rule\n\n**Default:** warning\n\n## Example\n\n```rust\nasync fn f() {}\n```\nUse `x`.\n";
        assert_eq!(
            render(md, false),
            "rule\n====\n\nDefault: warning\n\nExample\n\n    async fn f() {}\nUse `x`.\n"
        );
        let colored = render(md, true);
        assert!(colored.contains("\u{1b}[1mExample\u{1b}[0m"), "{colored:?}");
        assert!(colored.contains("\u{1b}[36mx\u{1b}[0m"), "{colored:?}");
    }
}
