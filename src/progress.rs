//! A spinner on stderr while govgate reads evidence, for inputs long enough to wonder
//! about: shown only when stderr is a terminal, not with `-q`, and only after a run has
//! taken [`DELAY`], so quick runs and pipes and CI logs never see it. It shows the bytes of
//! evidence read so far ([`crate::evidence::meter`]) and is cleared before anything else
//! is printed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::evidence::meter;

/// How long a run goes before the spinner appears.
pub const DELAY: Duration = Duration::from_millis(400);
const TICK: Duration = Duration::from_millis(100);

/// Runs `f`, showing the spinner on stderr while it runs when `show` is true.
pub fn while_running<T>(show: bool, f: impl FnOnce() -> T) -> T {
    if !show {
        return f();
    }
    let done = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&done);
    let handle = std::thread::spawn(move || spin(&flag));
    let out = f();
    done.store(true, Ordering::Relaxed);
    let _ = handle.join();
    out
}

fn spin(done: &AtomicBool) {
    let start = Instant::now();
    while start.elapsed() < DELAY {
        if done.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(TICK);
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} reading evidence: {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    while !done.load(Ordering::Relaxed) {
        bar.set_message(human_bytes(meter::bytes_read()));
        bar.tick();
        std::thread::sleep(TICK);
    }
    bar.finish_and_clear();
}

/// `1.5 GB`, `12.0 MB`, `512 B` (powers of 1000, as `du --si`).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut x = n as f64;
    let mut unit = "B";
    for u in UNITS {
        if x < 1000.0 {
            break;
        }
        x /= 1000.0;
        unit = u;
    }
    format!("{x:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_like_du_si() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 kB");
        assert_eq!(human_bytes(1_500_000_000), "1.5 GB");
    }

    #[test]
    fn hidden_runs_return_the_result() {
        assert_eq!(while_running(false, || 7), 7);
        assert_eq!(while_running(true, || 8), 8);
    }
}
