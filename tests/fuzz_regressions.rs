//! Replays every input under `fuzz/regressions/<target>/` through its fuzz harness
//! (`govgate::fuzzing`): the inputs the fuzzers found that crashed, hung or exhausted
//! memory before they were fixed, and hand-picked hostile inputs. A normal `cargo test`
//! keeps them fixed without running a fuzzer (`scripts/fuzz.sh` runs the fuzzers).

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// Far above any input's run time here (milliseconds): only a hang reaches it.
const HANG: Duration = Duration::from_secs(60);

#[test]
fn every_regression_input_is_handled_without_a_panic_or_a_hang() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (name, harness) in govgate::fuzzing::TARGETS {
        let dir = root.join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).expect("read regression input");
            let (tx, rx) = mpsc::channel();
            let h = *harness;
            let shown = f.display().to_string();
            std::thread::spawn(move || {
                h(&data);
                let _ = tx.send(());
            });
            match rx.recv_timeout(HANG) {
                Ok(()) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("{shown}: still running after {HANG:?}")
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("{shown}: the harness panicked")
                }
            }
            replayed += 1;
        }
    }
    eprintln!("{replayed} fuzz regression inputs replayed");
}

#[test]
fn every_fuzz_target_has_a_harness() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .expect("fuzz targets")
        .flatten()
        .filter_map(|e| {
            e.path()
                .file_stem()
                .and_then(|s| s.to_str())
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    let mut harnesses: Vec<&str> = govgate::fuzzing::TARGETS.iter().map(|(n, _)| *n).collect();
    harnesses.sort();
    assert_eq!(names, harnesses);
}
