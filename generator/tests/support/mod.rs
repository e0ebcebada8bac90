//! Helpers shared by the generator's tests on spec text they make or mutate.
#![allow(dead_code)]

/// Writes `text` to a fresh directory as `name` (the extension chooses YAML or JSON) and runs
/// the whole pipeline on it, writing nothing.
pub fn generate_text(name: &str, text: impl AsRef<[u8]>) -> Result<generator::Generation, generator::Error> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    generator::generate(&path, None)
}

/// The generated Rust files that `syn` cannot parse.
pub fn unparsable_files(generation: &generator::Generation) -> Vec<&str> {
    let files = generation.tree.files.iter();
    files.filter(|(file, text)| file.ends_with(".rs") && syn::parse_file(text).is_err()).map(|(file, _)| file.as_str()).collect()
}
