//! Every pattern of the spec gets a static name and the `regress` flags it compiles with.
//! A pattern that `regress` (the ECMAScript dialect OpenAPI patterns are written in)
//! cannot compile is an error: no pattern is ever skipped or weakened.

use heck::ToShoutySnakeCase;

use super::names::Scope;
use super::Model;
use crate::error::{Error, Result};

pub fn finish(model: &mut Model) -> Result<()> {
    let mut scope = Scope::default();
    let mut newtype_names: Vec<(String, Option<String>)> = model
        .patterns
        .iter()
        .map(|(pattern, info)| {
            (pattern.clone(), info.newtype.map(|id| model.get(id).name.clone()))
        })
        .collect();
    // Newtype patterns take their names first, so they get them unsuffixed.
    newtype_names.sort_by_key(|(_, newtype)| newtype.is_none());
    for (pattern, newtype) in newtype_names {
        let info = model.patterns.get_mut(&pattern).expect("listed above");
        // Named after its newtype, else after the property that uses it most.
        let base = newtype.unwrap_or_else(|| {
            let top = info.used_by.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
            top.map(|(name, _)| name.clone()).unwrap_or_else(|| "pattern".into())
        });
        let base = super::names::type_name(&base).to_shouty_snake_case();
        info.ident = scope.claim(&base);
        info.flags = compile_flags(&pattern).map_err(|message| {
            Error::spec(
                info.pointer.clone(),
                format!("pattern {pattern:?} cannot be enforced: regress rejects it ({message})"),
            )
        })?;
    }
    Ok(())
}

/// `u` when the pattern compiles in Unicode mode (which `\p{L}` needs), else no flags.
pub fn compile_flags(pattern: &str) -> Result<String, String> {
    if regress::Regex::with_flags(pattern, "u").is_ok() {
        return Ok("u".into());
    }
    regress::Regex::with_flags(pattern, "").map(|_| String::new()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_ahead_and_unicode_classes_compile() {
        assert_eq!(compile_flags(r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}$").unwrap(), "u");
        assert_eq!(compile_flags(r"^[\p{L}\p{N}\-_.,' ]*$").unwrap(), "u");
        assert!(compile_flags("^([a-f").is_err());
    }
}
