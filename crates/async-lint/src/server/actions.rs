//! Code actions and hover on a document's findings.
//!
//! Per finding under the cursor: its suggestion as a quick fix, titled with its
//! applicability (a machine-applicable one is preferred; one to check or with placeholders
//! says so), and "allow this rule on this line", which writes the trailing
//! `// async-lint: allow(rule)` comment the suppression scanner reads (or adds the rule to
//! the allow comment already there). For the file: "fix all safe fixes", the text
//! `check --fix` would write. Hover over a finding shows its rule's page.

use super::state::{diagnostic, State};
use super::text::{changed_region, Lines};
use async_lint_core::{rules, Applicability, Finding, PARSE_ERROR};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind, Position, Range, TextEdit, Url, WorkspaceEdit,
};
use std::collections::HashMap;

/// The code actions for `params.range` of a linted document.
pub fn code_actions(state: &mut State, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    state.lint(uri);
    let Some(doc) = state.docs.get(uri) else {
        return Vec::new();
    };
    let Some(result) = &doc.result else {
        return Vec::new();
    };
    let (text, lines) = (&doc.text, Lines::new(&doc.text));
    let wanted = |kind: &CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let mut actions = Vec::new();
    let docs_url = state.docs_url.as_deref();
    if wanted(&CodeActionKind::QUICKFIX) {
        for f in &result.findings {
            let range = lines.range(text, f.span);
            if f.rule == PARSE_ERROR || !overlaps(range, params.range) {
                continue;
            }
            let diag = diagnostic(f, uri, text, &lines, docs_url);
            if let Some(s) = &f.suggestion {
                let (how, preferred) = match s.applicability {
                    Applicability::MachineApplicable => ("safe fix", true),
                    Applicability::MaybeIncorrect => ("unsafe fix: check the result", false),
                    Applicability::HasPlaceholders => ("has placeholders: edit the result", false),
                };
                let edit = TextEdit::new(lines.range(text, s.span), s.replacement.clone());
                actions.push(action(
                    format!("{} ({how})", s.message),
                    CodeActionKind::QUICKFIX,
                    uri,
                    vec![edit],
                    Some(diag.clone()),
                    preferred,
                ));
            }
            if let Some(edit) = allow_edit(text, &lines, f) {
                actions.push(action(
                    format!("Allow `{}` on this line", f.rule),
                    CodeActionKind::QUICKFIX,
                    uri,
                    vec![edit],
                    Some(diag),
                    false,
                ));
            }
        }
    }
    // Editors ask for code actions at every cursor move: the whole-file fix (a lint per
    // round) is computed only when asked for by kind, or when the cursor is on a finding
    // that has a safe fix.
    let fix_all = CodeActionKind::SOURCE_FIX_ALL;
    let asked = params.context.only.is_some() && wanted(&fix_all);
    let has_safe_fix = result.findings.iter().any(|f| {
        let safe = f
            .suggestion
            .as_ref()
            .is_some_and(|s| s.applicability == Applicability::MachineApplicable);
        safe && (asked || overlaps(lines.range(text, f.span), params.range))
    });
    if wanted(&fix_all) && has_safe_fix {
        let old = doc.text.clone();
        if let Some(new) = state.fixed_text(uri) {
            let (start, old_end, new_end) = changed_region(&old, &new);
            let lines = Lines::new(&old);
            let range = Range::new(lines.position(&old, start), lines.position(&old, old_end));
            let edit = TextEdit::new(range, new[start..new_end].to_string());
            actions.push(action(
                "Fix all safe fixes in this file (async-lint)".into(),
                fix_all,
                uri,
                vec![edit],
                None,
                false,
            ));
        }
    }
    actions
}

fn action(
    title: String,
    kind: CodeActionKind,
    uri: &Url,
    edits: Vec<TextEdit>,
    diagnostic: Option<lsp_types::Diagnostic>,
    preferred: bool,
) -> CodeActionOrCommand {
    let changes = HashMap::from([(uri.clone(), edits)]);
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit::new(changes)),
        command: None,
        is_preferred: preferred.then_some(true),
        disabled: None,
        data: None,
    })
}

/// Do two ranges touch (an empty range at a diagnostic's edge counts, as a cursor there)?
fn overlaps(a: Range, b: Range) -> bool {
    let le = |x: Position, y: Position| (x.line, x.character) <= (y.line, y.character);
    le(a.start, b.end) && le(b.start, a.end)
}

/// The edit that allows `f`'s rule on the line where `f` starts: the rule added to the
/// line's allow comment, else a trailing allow comment.
fn allow_edit(text: &str, lines: &Lines, f: &Finding) -> Option<TextEdit> {
    let line = lines.line_of(f.span.start);
    let (start, end) = lines.line_bounds(text, line)?;
    let content = &text[start..end];
    const MARKER: &str = "async-lint: allow(";
    if let Some(at) = content
        .find(MARKER)
        .filter(|&at| content[..at].contains("//"))
    {
        let inner_start = at + MARKER.len();
        let close = content[inner_start..].find(')')? + inner_start;
        let listed = content[inner_start..close].trim();
        let insert = if listed.is_empty() {
            f.rule.to_string()
        } else {
            format!(", {}", f.rule)
        };
        let pos = lines.position(text, start + close);
        return Some(TextEdit::new(Range::new(pos, pos), insert));
    }
    let pos = lines.position(text, end);
    Some(TextEdit::new(
        Range::new(pos, pos),
        format!(" // async-lint: allow({})", f.rule),
    ))
}

/// The page of the rule of each finding under the cursor.
pub fn hover(state: &mut State, params: &HoverParams) -> Option<Hover> {
    let uri = &params.text_document_position_params.text_document.uri;
    let pos = params.text_document_position_params.position;
    state.lint(uri);
    let doc = state.docs.get(uri)?;
    let result = doc.result.as_ref()?;
    let lines = Lines::new(&doc.text);
    let mut pages: Vec<String> = Vec::new();
    let mut range = None;
    for f in &result.findings {
        let r = lines.range(&doc.text, f.span);
        if !overlaps(r, Range::new(pos, pos)) {
            continue;
        }
        let Some(rule) = rules::find(f.rule) else {
            continue;
        };
        // The page as `explain` prints it: with the options the rule declares.
        let page = crate::explain::page(rule.meta());
        if !pages.contains(&page) {
            pages.push(page);
        }
        range.get_or_insert(r);
    }
    if pages.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: pages.join("\n---\n\n"),
        }),
        range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_lint_core::Span;

    fn allowed(text: &str, at: &str) -> String {
        let start = text.find(at).expect("the call is in the text");
        let f = Finding::new("blocking-in-async", Span::new(start, start + at.len()), "m");
        let edit = allow_edit(text, &Lines::new(text), &f).expect("an edit");
        let lines = Lines::new(text);
        let (s, e) = (
            lines.offset(text, edit.range.start),
            lines.offset(text, edit.range.end),
        );
        format!("{}{}{}", &text[..s], edit.new_text, &text[e..])
    }

    #[test]
    fn allow_comments_are_added_or_extended() {
        assert_eq!(
            allowed("fn a() {\n    x();\r\n}\n", "x()"),
            "fn a() {\n    x(); // async-lint: allow(blocking-in-async)\r\n}\n"
        );
        assert_eq!(
            allowed("    x(); // async-lint: allow(unbounded-spawn)\n", "x()"),
            "    x(); // async-lint: allow(unbounded-spawn, blocking-in-async)\n"
        );
        assert_eq!(
            allowed("    x(); // async-lint: allow()\n", "x()"),
            "    x(); // async-lint: allow(blocking-in-async)\n"
        );
    }
}
