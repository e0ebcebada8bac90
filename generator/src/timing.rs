//! Wall time per stage of one generation (`cargo xtask generate --timings`, `cargo xtask bench`).

use std::time::Instant;

/// Stages in the order they ran, with their seconds.
#[derive(Debug, Default, Clone)]
pub struct Stages(pub Vec<(String, f64)>);

impl Stages {
    /// Runs `f` as the stage `name`.
    pub fn time<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = f();
        self.0.push((name.to_string(), started.elapsed().as_secs_f64()));
        out
    }

    /// Runs `side` on a thread of its own while `here` runs on this one: both results, and
    /// the seconds `side` took (for a stage marked "beside"). A panic in either is this
    /// thread's.
    pub fn beside<A: Send, B>(side: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> ((A, f64), B) {
        std::thread::scope(|scope| {
            let side = scope.spawn(|| {
                let started = Instant::now();
                let out = side();
                (out, started.elapsed().as_secs_f64())
            });
            let here = here();
            (side.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), here)
        })
    }

    /// Adds a stage measured elsewhere.
    pub fn add(&mut self, name: &str, seconds: f64) {
        self.0.push((name.to_string(), seconds));
    }
}
