//! The README and the guides in `docs/` stay true to the tree: every relative link resolves,
//! every `cargo xtask` command they name is a subcommand of `xtask/src/main.rs`, and every
//! path the code map in `docs/architecture.md` names exists.
//!
//! Each check is a plain function of a page's text, and the tests at the end feed each one a
//! made-up page with a fault in it and see the fault reported, page and line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Code spans that are made at run time or lie outside the repository: not checked as paths.
const NOT_IN_THE_TREE: &[&str] = &[
    // Caches and build output (`target/atlas-spec/`, `target/generate-cache/format.bin`, ...).
    "target/",
    // Beside the workspace (`../shared/atlas-spec/history/`).
    "../",
    // JSON pointers (`/components/schemas/Group`) and absolute paths.
    "/",
    "~",
];

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `README.md` and every `docs/*.md`, each with its text.
fn pages(root: &Path) -> Vec<(PathBuf, String)> {
    let docs = root.join("docs");
    let entries = std::fs::read_dir(&docs).unwrap_or_else(|e| panic!("cannot read {}: {e}", docs.display()));
    let mut guides: Vec<PathBuf> = entries
        .map(|entry| entry.expect("an entry of docs/").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    guides.sort();
    assert!(!guides.is_empty(), "no guides (*.md) in {}", docs.display());
    let mut paths = vec![root.join("README.md")];
    paths.extend(guides);
    paths
        .into_iter()
        .map(|path| {
            let text = read(&path);
            (path, text)
        })
        .collect()
}

/// A page's name in failure messages: its path from the root.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// The lines of a Markdown text outside fenced code blocks, numbered from 1.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut fenced = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            lines.push((index + 1, line));
        }
    }
    lines
}

/// The code spans of one line: the text between each pair of backticks.
fn code_spans(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

// ---------------------------------------------------------------------------------------
// Links

/// The targets of the inline links `[text](target)` of one line, outside code spans.
fn link_targets(line: &str) -> Vec<String> {
    let prose: String = line.split('`').step_by(2).collect();
    let mut targets = Vec::new();
    let mut rest = prose.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        targets.push(after[..end].trim().to_string());
        rest = &after[end + 1..];
    }
    targets
}

/// Each relative link of `text` (the page `page`, in the directory `dir`) whose file does not
/// exist, as `page:line: ...`. Web and mail links and anchors within the page are not
/// checked; a `#fragment` is dropped before the file is looked for, relative to `dir`.
fn broken_links(page: &str, text: &str, dir: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for (number, line) in prose_lines(text) {
        for link in link_targets(line) {
            // `[text](target "title")` and `[text](<target>)` too.
            let target = link.split_whitespace().next().unwrap_or("").trim_start_matches('<').trim_end_matches('>');
            let external = ["http://", "https://", "mailto:"].iter().any(|scheme| target.starts_with(*scheme));
            if target.is_empty() || target.starts_with('#') || external {
                continue;
            }
            let file = target.split('#').next().unwrap_or(target);
            let resolved = dir.join(file);
            if !resolved.exists() {
                broken.push(format!(
                    "{page}:{number}: the link `{target}` points to {}, which does not exist",
                    resolved.display()
                ));
            }
        }
    }
    broken
}

// ---------------------------------------------------------------------------------------
// xtask commands

/// `Generate` -> `generate`, `SpecUpdate` -> `spec-update`: clap's names for variants.
fn kebab_case(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The variants of `enum NAME` in a Rust source: the identifiers that open a line at the
/// enum's own brace depth (attributes and comments skipped). The enum's `{` must end the
/// line that declares it, as rustfmt writes it.
fn enum_variants(source: &str, name: &str) -> Vec<String> {
    let opening = format!("enum {name} ");
    let mut variants = Vec::new();
    let mut inside = false;
    let mut depth = 0usize;
    for line in source.lines() {
        let code = line.trim();
        if !inside {
            let declaration = code.strip_prefix("pub ").unwrap_or(code);
            if declaration.starts_with(opening.as_str()) && declaration.ends_with('{') {
                inside = true;
                depth = 1;
            }
            continue;
        }
        if code.starts_with("//") || code.starts_with('#') {
            continue;
        }
        if depth == 1 {
            let ident: String = code.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if ident.starts_with(|c: char| c.is_ascii_uppercase()) {
                variants.push(ident);
            }
        }
        for c in code.chars() {
            if c == '{' {
                depth += 1;
            } else if c == '}' {
                depth = depth.saturating_sub(1);
            }
        }
        if depth == 0 {
            break;
        }
    }
    variants
}

/// The subcommands a source like `xtask/src/main.rs` defines, as they are typed: each variant
/// of `enum Command` in kebab-case (hidden ones too), and `spec WORD` for each variant of
/// `enum SpecCommand`.
fn xtask_commands(main_rs: &str) -> BTreeSet<String> {
    let mut commands = BTreeSet::new();
    for variant in enum_variants(main_rs, "Command") {
        commands.insert(kebab_case(&variant));
    }
    for variant in enum_variants(main_rs, "SpecCommand") {
        commands.insert(format!("spec {}", kebab_case(&variant)));
    }
    commands
}

/// The command word at the start of `text`, after spaces and tabs (a lower-case letter, then
/// letters, digits, `-` and `_`), and the text after it; `""` when there is none (`...`,
/// `<command>`, a flag, the end of a code span, the end of the line).
fn next_word(text: &str) -> (&str, &str) {
    let trimmed = text.trim_start_matches([' ', '\t']);
    let end = trimmed.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(trimmed.len());
    let word = &trimmed[..end];
    if word.starts_with(|c: char| c.is_ascii_lowercase()) {
        (word, &trimmed[end..])
    } else {
        ("", text)
    }
}

/// Every `cargo xtask WORD` of a text (`cargo xtask spec WORD` as the two words), with its
/// line, in code blocks as in prose.
fn named_commands(text: &str) -> Vec<(usize, String)> {
    const NEEDLE: &str = "cargo xtask";
    let mut named = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(NEEDLE) {
        let start = from + at;
        from = start + NEEDLE.len();
        let rest = &text[from..];
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let (first, after) = next_word(rest);
        if first.is_empty() {
            continue;
        }
        let line = text[..start].matches('\n').count() + 1;
        let command = if first == "spec" {
            match next_word(after).0 {
                "" => first.to_string(),
                second => format!("spec {second}"),
            }
        } else {
            first.to_string()
        };
        named.push((line, command));
    }
    named
}

/// Each `cargo xtask` command of `text` that is not in `known`, as `page:line: ...`.
fn unknown_commands(page: &str, text: &str, known: &BTreeSet<String>) -> Vec<String> {
    let mut unknown = Vec::new();
    for (line, command) in named_commands(text) {
        if !known.contains(&command) {
            let listed: Vec<&str> = known.iter().map(String::as_str).collect();
            unknown.push(format!(
                "{page}:{line}: `cargo xtask {command}` is not a subcommand of xtask/src/main.rs (it has: {})",
                listed.join(", ")
            ));
        }
    }
    unknown
}

// ---------------------------------------------------------------------------------------
// Paths of the code map

/// Whether a code span reads as a repository path: no spaces, not a URL, no placeholder or
/// glob, and a `/` in it or a source, manifest, YAML or Markdown file name.
fn looks_like_a_path(code: &str) -> bool {
    !code.is_empty()
        && !code.contains(char::is_whitespace)
        && !code.starts_with("http")
        && !code.contains(['<', '*'])
        && (code.contains('/') || [".rs", ".toml", ".yaml", ".md"].iter().any(|extension| code.ends_with(*extension)))
}

/// The code spans of `text` that name a path in the tree, with their lines.
fn code_paths(text: &str) -> Vec<(usize, &str)> {
    let mut paths = Vec::new();
    for (number, line) in prose_lines(text) {
        for code in code_spans(line) {
            let elsewhere = NOT_IN_THE_TREE.iter().any(|prefix| code.starts_with(*prefix));
            if looks_like_a_path(code) && !elsewhere {
                paths.push((number, code));
            }
        }
    }
    paths
}

/// Each path `text` names that does not exist under `root` (a trailing `/`: as a directory),
/// as `page:line: ...`.
fn missing_paths(page: &str, text: &str, root: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    for (number, code) in code_paths(text) {
        let directory = code.ends_with('/');
        let path = root.join(code.trim_end_matches('/'));
        let found = if directory { path.is_dir() } else { path.exists() };
        if !found {
            let kind = if directory { "directory" } else { "file or directory" };
            missing.push(format!("{page}:{number}: `{code}` names {}, which is no {kind} of the repository", path.display()));
        }
    }
    missing
}

// ---------------------------------------------------------------------------------------
// The docs as they are

#[test]
fn every_relative_link_in_the_readme_and_the_guides_resolves() {
    let root = root();
    let mut broken = Vec::new();
    for (path, text) in pages(&root) {
        let dir = path.parent().expect("a page is in a directory");
        broken.extend(broken_links(&shown(&root, &path), &text, dir));
    }
    assert!(broken.is_empty(), "broken links (fix the link or the file it names):\n{}", broken.join("\n"));
}

#[test]
fn every_xtask_command_the_docs_name_exists() {
    let root = root();
    let main_rs = root.join("xtask/src/main.rs");
    let known = xtask_commands(&read(&main_rs));
    for expected in ["generate", "check", "spec update"] {
        assert!(
            known.contains(expected),
            "cannot read the subcommands of {} (found {known:?}): `enum Command` or `enum SpecCommand` changed shape",
            main_rs.display()
        );
    }
    let mut named = 0;
    let mut unknown = Vec::new();
    for (path, text) in pages(&root) {
        named += named_commands(&text).len();
        unknown.extend(unknown_commands(&shown(&root, &path), &text, &known));
    }
    assert!(named > 0, "the README and the guides name no `cargo xtask` command: the scan is broken");
    assert!(unknown.is_empty(), "commands the docs name that xtask does not have:\n{}", unknown.join("\n"));
}

#[test]
fn every_path_the_code_map_names_exists() {
    let root = root();
    let page = root.join("docs/architecture.md");
    let text = read(&page);
    let named = code_paths(&text).len();
    assert!(named >= 20, "{} names only {named} paths: the scan is broken", page.display());
    let missing = missing_paths(&shown(&root, &page), &text, &root);
    assert!(missing.is_empty(), "paths the code map names that do not exist (fix the map or the tree):\n{}", missing.join("\n"));
}

// ---------------------------------------------------------------------------------------
// Each check, seen to fail on a made-up page

#[test]
fn a_broken_link_is_reported_with_its_page_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("there.md"), "# There\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let page = "# Page\n\
                \n\
                [fine](there.md#a-section), [dir](sub/), [web](https://example.com), [self](#page)\n\
                `[in code](in-code.md)`\n\
                ```\n\
                [in a fence](fenced.md)\n\
                ```\n\
                See [gone](missing.md#x) and [fine again](./there.md \"title\").\n";
    let broken = broken_links("page.md", page, dir.path());
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert!(broken[0].starts_with("page.md:8: the link `missing.md#x` points to "), "{broken:#?}");
    assert!(broken_links("page.md", "[fine](there.md)\n", dir.path()).is_empty());
}

#[test]
fn an_unknown_xtask_command_is_reported_with_its_page_and_line() {
    let main_rs = "#[derive(Subcommand)]\n\
                   enum Command {\n\
                   \x20   /// Generate.\n\
                   \x20   Generate {\n\
                   \x20       #[arg(long)]\n\
                   \x20       timings: bool,\n\
                   \x20   },\n\
                   \x20   #[command(hide = true)]\n\
                   \x20   Measure,\n\
                   \x20   E2e { spec: SpecArgs },\n\
                   \x20   Spec {\n\
                   \x20       #[command(subcommand)]\n\
                   \x20       command: SpecCommand,\n\
                   \x20   },\n\
                   }\n\
                   \n\
                   enum SpecCommand {\n\
                   \x20   Update { from: Option<String> },\n\
                   \x20   Walk,\n\
                   }\n";
    let known = xtask_commands(main_rs);
    let expected: BTreeSet<String> =
        ["generate", "measure", "e2e", "spec", "spec update", "spec walk"].iter().map(|s| s.to_string()).collect();
    assert_eq!(known, expected);
    let page = "Run `cargo xtask generate --timings`, then:\n\
                \n\
                ```sh\n\
                cargo xtask spec walk --build\n\
                cargo xtask regenerate\n\
                cargo xtask spec pin\n\
                ```\n\
                `cargo xtask <command>`, `cargo xtask ...` and `cargo xtask` alone name nothing.\n";
    let unknown = unknown_commands("page.md", page, &known);
    assert_eq!(unknown.len(), 2, "{unknown:#?}");
    assert!(unknown[0].starts_with("page.md:5: `cargo xtask regenerate` is not a subcommand"), "{unknown:#?}");
    assert!(unknown[1].starts_with("page.md:6: `cargo xtask spec pin` is not a subcommand"), "{unknown:#?}");
    assert!(unknown_commands("page.md", "`cargo xtask e2e` and `cargo xtask spec`\n", &known).is_empty());
}

#[test]
fn a_missing_path_in_a_code_map_is_reported_with_its_page_and_line() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("src/ir")).unwrap();
    std::fs::write(root.path().join("src/lib.rs"), "").unwrap();
    let page = "| `src/lib.rs` | `src/ir/` | `Cargo.toml` |\n\
                | `src/gone.rs` | `src/lib.rs/` | `target/cache/x.bin` | `../shared/x.yaml` | `/components/schemas/Group` |\n\
                | `Request<Op>` | `tests/spec_*.rs` | `cargo xtask check` | `https://example.com/a/b` | `ir::Model` |\n\
                ```\n\
                `src/in-a-fence.rs`\n\
                ```\n";
    assert_eq!(code_paths(page).len(), 5, "{:?}", code_paths(page));
    let missing = missing_paths("map.md", page, root.path());
    assert_eq!(missing.len(), 3, "{missing:#?}");
    assert!(missing[0].starts_with("map.md:1: `Cargo.toml` names "), "{missing:#?}");
    assert!(missing[1].starts_with("map.md:2: `src/gone.rs` names "), "{missing:#?}");
    assert!(missing[2].starts_with("map.md:2: `src/lib.rs/` names ") && missing[2].ends_with("no directory of the repository"), "{missing:#?}");
}
