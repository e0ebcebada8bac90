//! Per-thread memos of pure text conversions: the spec repeats its names and descriptions
//! thousands of times, and converting each again (case conversion through `fmt`, rustdoc
//! sanitising) is a measurable part of a generation.

use std::cell::RefCell;
use std::collections::HashMap;
use std::thread::LocalKey;

/// One memo: input text -> converted value.
pub(crate) type Memo<V> = RefCell<HashMap<String, V>>;

/// A memo holds at most this many entries, then starts again: a process that generates
/// many specs does not grow it without bound.
const LIMIT: usize = 50_000;

/// `convert(key)`, remembered in `memo`. `convert` runs outside the memo's borrow, so it
/// may itself use the same memo.
pub(crate) fn remembered<V: Clone>(memo: &'static LocalKey<Memo<V>>, key: &str, convert: impl FnOnce(&str) -> V) -> V {
    if let Some(value) = memo.with_borrow(|known| known.get(key).cloned()) {
        return value;
    }
    let value = convert(key);
    memo.with_borrow_mut(|known| {
        if known.len() >= LIMIT {
            known.clear();
        }
        known.insert(key.to_owned(), value.clone());
    });
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static LENGTHS: Memo<usize> = Default::default();
    }

    #[test]
    fn a_conversion_runs_once_per_text_and_may_use_its_own_memo() {
        let calls = std::cell::Cell::new(0);
        let length = |text: &str| {
            calls.set(calls.get() + 1);
            text.len()
        };
        assert_eq!(remembered(&LENGTHS, "abc", length), 3);
        assert_eq!(remembered(&LENGTHS, "abc", length), 3);
        assert_eq!(calls.get(), 1);
        // A conversion that asks its own memo for another text does not panic on a borrow.
        let nested = remembered(&LENGTHS, "abcd", |text| remembered(&LENGTHS, &text[1..], length) + 1);
        assert_eq!(nested, 4);
        assert_eq!(calls.get(), 2);
    }
}
