//! Spec descriptions -> rustdoc that renders as written and that `cargo doc` and
//! `cargo test` accept: code fences become `text` (never doctests), indentation that
//! markdown would read as an indented code block is dropped, brackets that rustdoc would
//! take for intra-doc links and `<...>` that it would take for HTML are escaped, bare URLs
//! become autolinks.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for a description (nothing for `None`).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else { return TokenStream::new() };
    // The spec repeats its descriptions (half of their text is repeats), and a model's are
    // emitted in several places: each thread sanitises and escapes a text once.
    thread_local! {
        static KNOWN: crate::memo::Memo<TokenStream> = Default::default();
    }
    crate::memo::remembered(&KNOWN, text, doc_attrs_of)
}

fn doc_attrs_of(text: &str) -> TokenStream {
    let lines = sanitize(text);
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// Appends a paragraph to an optional description.
pub fn with_note(doc: Option<&str>, note: &str) -> String {
    match doc {
        Some(doc) => format!("{doc}\n\n{note}"),
        None => note.to_string(),
    }
}

/// Where the spec's relative `#tag/.../operation/...` links point: the Atlas Admin API v2
/// reference (the base of every operation's `x-xgen-docs-url`).
pub const OPERATION_DOCS: &str = "https://www.mongodb.com/docs/atlas/reference/api-resources-spec/v2/";

/// `#[deprecated(note = ...)]`: the description's sentence that says what is deprecated (and
/// the next one when it says what to use instead), else a plain note.
pub fn deprecated_attr(doc: Option<&str>) -> TokenStream {
    let note = doc.and_then(deprecation_note).unwrap_or_else(|| "deprecated in the Atlas Admin API spec".to_string());
    quote!(#[deprecated(note = #note)])
}

fn deprecation_note(doc: &str) -> Option<String> {
    let text = doc.replace('\n', " ");
    let sentences: Vec<&str> = text.split_inclusive(". ").map(str::trim).filter(|s| !s.is_empty()).collect();
    let at = sentences.iter().position(|s| s.to_ascii_lowercase().contains("deprecat"))?;
    let mut note = sentences[at].to_string();
    // Then what the spec says will happen or to use instead, up to two sentences.
    for next in sentences.iter().skip(at + 1).take(2) {
        let lower = next.to_ascii_lowercase();
        if !["instead", "recommend", "use ", "removed"].iter().any(|w| lower.contains(w)) {
            break;
        }
        note = format!("{note} {next}");
    }
    Some(note)
}

pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let text = text.replace("](#tag/", &format!("]({OPERATION_DOCS}#tag/"));
    for raw in text.replace("\r\n", "\n").lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                out.push("```".to_string());
            } else {
                let language = info.trim();
                let safe = if language.is_empty() || language == "rust" { "text" } else { language };
                out.push(format!("```{safe}"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
        } else {
            out.push(escape_inline(trimmed));
        }
    }
    if in_fence {
        out.push("```".to_string());
    }
    // No leading or trailing blank lines, no runs of blank lines.
    let mut lines: Vec<String> = Vec::new();
    for line in out {
        if line.is_empty() && lines.last().is_none_or(|l: &String| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// Escapes one line of markdown outside code fences; code spans are left as written.
fn escape_inline(line: &str) -> String {
    // Most lines hold nothing rustdoc would misread: they are copied as they are.
    if !line.contains(['`', '[', ']', '<', '>']) && !line.contains("http://") && !line.contains("https://") {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // A code span: copy through the matching run of backticks.
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                let close = (i + run..chars.len())
                    .find(|&j| chars[j..].iter().take_while(|&&c| c == '`').count() == run);
                match close {
                    Some(j) => {
                        out.extend(&chars[i..j + run]);
                        i = j + run;
                    }
                    None => {
                        // An unmatched backtick would start a span on a later line.
                        for _ in 0..run {
                            out.push_str("\\`");
                        }
                        i += run;
                    }
                }
                continue;
            }
            '[' => {
                if let Some(end) = link_end(&chars, i) {
                    let text: String = chars[i + 1..end.0].iter().collect();
                    let url: String = chars[end.0 + 2..end.1].iter().collect();
                    out.push('[');
                    out.push_str(&escape_inline(&text));
                    out.push_str("](");
                    out.push_str(&url);
                    out.push(')');
                    i = end.1 + 1;
                    continue;
                }
                out.push_str("\\[");
            }
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            'h' if starts_url(&chars[i..]) && (i == 0 || !chars[i - 1].is_alphanumeric()) => {
                let mut end = i;
                while end < chars.len() && !chars[end].is_whitespace() && !"<>\"'`()[]".contains(chars[end]) {
                    end += 1;
                }
                while end > i && ".,;:!?".contains(chars[end - 1]) {
                    end -= 1;
                }
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_url(chars: &[char]) -> bool {
    ["https://", "http://"].iter().any(|scheme| chars.iter().copied().take(scheme.len()).eq(scheme.chars()))
}

/// For a `[` at `start`, the positions of `]` and `)` of a `[text](url)` link.
fn link_end(chars: &[char], start: usize) -> Option<(usize, usize)> {
    let close = (start + 1..chars.len()).find(|&j| chars[j] == ']' || chars[j] == '[')?;
    if chars[close] != ']' || chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let paren = (close + 2..chars.len()).find(|&j| chars[j] == ')' || chars[j].is_whitespace())?;
    (chars[paren] == ')').then_some((close, paren))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecation_notes_come_from_the_description() {
        let doc = "Collection of key-value pairs. Cluster labels are deprecated and will be removed. We strongly recommend that you use Resource tags instead.";
        assert_eq!(
            deprecation_note(doc).as_deref(),
            Some("Cluster labels are deprecated and will be removed. We strongly recommend that you use Resource tags instead.")
        );
        assert_eq!(deprecation_note("Azure region."), None);
    }

    #[test]
    fn relative_operation_links_become_absolute() {
        let lines = sanitize("See [Return All Projects](#tag/Projects/operation/listProjects).");
        assert_eq!(lines, [format!("See [Return All Projects]({OPERATION_DOCS}#tag/Projects/operation/listProjects).")]);
    }

    #[test]
    fn fences_never_become_doctests() {
        assert_eq!(sanitize("a\n```\nlet x = 1;\n```"), ["a", "```text", "let x = 1;", "```"]);
        assert_eq!(sanitize("```json\n{}\n```"), ["```json", "{}", "```"]);
        assert_eq!(sanitize("```\nunterminated"), ["```text", "unterminated", "```"]);
    }

    #[test]
    fn indentation_cannot_open_a_code_block() {
        assert_eq!(sanitize("a\n\n    indented"), ["a", "", "indented"]);
    }

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(sanitize("one of [A, B] or <group-id>"), ["one of \\[A, B\\] or &lt;group-id&gt;"]);
        assert_eq!(sanitize("see [docs](https://x.io/a_b) now"), ["see [docs](https://x.io/a_b) now"]);
        assert_eq!(sanitize("see https://x.io/a. Then"), ["see <https://x.io/a>. Then"]);
        assert_eq!(sanitize("keep `[a] <b>` as code"), ["keep `[a] <b>` as code"]);
        assert_eq!(sanitize("odd ` tick"), ["odd \\` tick"]);
    }

    #[test]
    fn drops_blank_runs() {
        assert_eq!(sanitize("\n\na\n\n\nb\n\n"), ["a", "", "b"]);
    }
}
