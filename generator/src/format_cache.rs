//! Formatted files remembered by their tokens: formatting (syn + prettyplease) is the
//! slowest stage of a generation, and its output is a pure function of the token text, so
//! a file whose tokens did not change since the last run is not formatted again.
//!
//! The cache is one file (`target/generate-cache/format.bin` for xtask): records of a
//! sha256 key and the formatted text. Keys are salted with the identity of the running
//! executable, which holds the formatter: a rebuilt generator starts from an empty cache.
//! A missing, unreadable or corrupt cache is an empty one; it is only ever an optimisation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

type Key = [u8; 32];

#[derive(Debug)]
pub struct FormatCache {
    path: PathBuf,
    salt: Key,
    /// The cache file as read: its records' texts are ranges of it (one allocation, not
    /// one per file).
    bytes: Vec<u8>,
    known: HashMap<Key, std::ops::Range<usize>>,
    /// What this run formatted (`Some`) or reused (`None`: as known): what the saved cache
    /// will hold.
    used: Mutex<HashMap<Key, Option<String>>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl FormatCache {
    /// The cache at `path` (empty if there is none, or it cannot be read).
    pub fn open(path: &Path) -> Self {
        let salt = executable_salt();
        let bytes = std::fs::read(path).unwrap_or_default();
        let known = parse(&bytes, &salt).unwrap_or_default();
        FormatCache {
            path: path.to_path_buf(),
            salt,
            bytes,
            known,
            used: Mutex::new(HashMap::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    /// The formatted text of the file whose tokens print as `tokens` (anything `Display`:
    /// hashed as it prints, never held as one string), made by `format` if it is not known.
    pub fn get_or_format<E>(&self, tokens: &dyn std::fmt::Display, format: impl FnOnce() -> Result<String, E>) -> Result<String, E> {
        let mut hasher = HashWriter(Sha256::new());
        hasher.0.update(self.salt);
        let _ = std::fmt::Write::write_fmt(&mut hasher, format_args!("{tokens}"));
        let key: Key = hasher.0.finalize().into();
        let (text, remembered) = match self.known_text(&key) {
            Some(text) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                (text.to_string(), None)
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                let text = format()?;
                let remembered = Some(text.clone());
                (text, remembered)
            }
        };
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(key, remembered);
        Ok(text)
    }

    /// A record's text, checked as UTF-8 when the file was read.
    fn known_text(&self, key: &Key) -> Option<&str> {
        self.known.get(key).and_then(|range| std::str::from_utf8(&self.bytes[range.clone()]).ok())
    }

    /// (files reused, files formatted) so far.
    pub fn counts(&self) -> (usize, usize) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// Writes what this run used, when it differs from what was read. Errors are ignored:
    /// the next run formats again.
    pub fn save(&self) {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if self.misses.load(Ordering::Relaxed) == 0 && used.len() == self.known.len() {
            return;
        }
        let mut bytes = Vec::new();
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&self.salt);
        let mut entries: Vec<(&Key, &str)> =
            used.iter().filter_map(|(key, text)| Some((key, text.as_deref().or_else(|| self.known_text(key))?))).collect();
        entries.sort();
        for (key, text) in entries {
            bytes.extend_from_slice(key);
            bytes.extend_from_slice(&(text.len() as u64).to_le_bytes());
            bytes.extend_from_slice(text.as_bytes());
        }
        let _ = crate::write::write_file_atomically(&self.path, &bytes);
    }
}

/// Feeds what is printed into the hash.
struct HashWriter(Sha256);

impl std::fmt::Write for HashWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

const MAGIC: &[u8] = b"atlas-admin format cache v1\n";

/// The records of a cache file written with `salt`; `None` if it is anything else.
/// Each record's text is a range of `bytes`.
fn parse(bytes: &[u8], salt: &Key) -> Option<HashMap<Key, std::ops::Range<usize>>> {
    let start = MAGIC.len() + salt.len();
    if bytes.get(..MAGIC.len())? != MAGIC || bytes.get(MAGIC.len()..start)? != salt.as_slice() {
        return None;
    }
    let mut known = HashMap::new();
    let mut at = start;
    while at < bytes.len() {
        let key: Key = bytes.get(at..at + 32)?.try_into().ok()?;
        let len = u64::from_le_bytes(bytes.get(at + 32..at + 40)?.try_into().ok()?) as usize;
        let text = at + 40..(at + 40).checked_add(len)?;
        std::str::from_utf8(bytes.get(text.clone())?).ok()?;
        known.insert(key, text);
        at += 40 + len;
    }
    Some(known)
}

/// The running executable's path, size and modification time, hashed.
fn executable_salt() -> Key {
    let mut hasher = Sha256::new();
    if let Ok(exe) = std::env::current_exe() {
        hasher.update(exe.to_string_lossy().as_bytes());
        if let Ok(meta) = std::fs::metadata(&exe) {
            hasher.update(meta.len().to_le_bytes());
            if let Ok(modified) = meta.modified().and_then(|m| m.duration_since(std::time::UNIX_EPOCH).map_err(std::io::Error::other)) {
                hasher.update(modified.as_nanos().to_le_bytes());
            }
        }
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_formatted_once_is_reused_and_a_corrupt_cache_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("format.bin");
        let cache = FormatCache::open(&path);
        let formatted = cache.get_or_format::<()>(&"fn a ( ) { }", || Ok("fn a() {}\n".into())).unwrap();
        assert_eq!(formatted, "fn a() {}\n");
        assert_eq!(cache.counts(), (0, 1));
        cache.save();

        let again = FormatCache::open(&path);
        let reused = again.get_or_format::<()>(&"fn a ( ) { }", || panic!("formatted again")).unwrap();
        assert_eq!(reused, "fn a() {}\n");
        let other = again.get_or_format::<()>(&"fn b ( ) { }", || Ok("fn b() {}\n".into())).unwrap();
        assert_eq!(other, "fn b() {}\n");
        assert_eq!(again.counts(), (1, 1));

        std::fs::write(&path, b"atlas-admin format cache v1\ngarbage").unwrap();
        let corrupt = FormatCache::open(&path);
        assert_eq!(corrupt.get_or_format::<()>(&"fn a ( ) { }", || Ok("fresh".into())).unwrap(), "fresh");
    }
}
