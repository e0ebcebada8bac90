//! `spec/lock.toml`: which spec the checked-in `atlas-admin` was generated from.
//!
//! `generate` refuses a spec whose sha256 differs from the lock, so the checked-in crate can
//! only change together with a reviewed lock update (`cargo xtask spec update`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecLock {
    /// Where the spec comes from upstream.
    pub source: String,
    /// The date Atlas published this spec (YYYY-MM-DD).
    pub spec_date: String,
    /// `info.x-xgen-sha` of the spec: the upstream build commit.
    pub xgen_sha: String,
    /// sha256 of the spec file's bytes.
    pub sha256: String,
    /// The API date the crate is generated for (`cargo xtask generate --api-version`); the
    /// spec's newest stable version when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
}

const HEADER: &str = "# The Atlas Admin API spec that atlas-admin was generated from.\n\
# Written by `cargo xtask spec update`; `cargo xtask generate` refuses any other spec.\n";

impl SpecLock {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        toml::from_str(&text).map_err(|e| Error::Lock(format!("{}: {e}", path.display())))
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a lock of strings always serialises");
        format!("{HEADER}{body}")
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        crate::write::write_file_atomically(path, self.to_toml().as_bytes())
    }

    /// Fails unless `sha256` is the locked one, with a message that says what to do.
    pub fn verify(&self, spec_path: &Path, sha256: &str) -> Result<()> {
        if self.sha256 == sha256 {
            return Ok(());
        }
        Err(Error::Lock(format!(
            "{} has sha256 {sha256}, but spec/lock.toml locks {} (spec of {}).\n\
             To move to this spec: cargo xtask spec update --from {}\n\
             To try it without touching the lock: cargo xtask generate --spec {} --allow-unlocked",
            spec_path.display(),
            self.sha256,
            self.spec_date,
            spec_path.display(),
            spec_path.display(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock() -> SpecLock {
        SpecLock {
            source: "upstream".into(),
            spec_date: "2026-08-21".into(),
            xgen_sha: "f00".into(),
            sha256: "abc".into(),
            api_version: Some("2024-08-05".into()),
        }
    }

    #[test]
    fn round_trips_through_toml() {
        let text = lock().to_toml();
        assert!(text.starts_with("# The Atlas"));
        assert_eq!(toml::from_str::<SpecLock>(&text).unwrap(), lock());
    }

    #[test]
    fn refuses_another_spec_and_says_how_to_proceed() {
        let err = lock().verify(Path::new("new.yaml"), "def").unwrap_err().to_string();
        assert!(err.contains("spec update --from new.yaml"), "{err}");
        assert!(err.contains("--allow-unlocked"), "{err}");
        assert!(lock().verify(Path::new("x"), "abc").is_ok());
    }
}
