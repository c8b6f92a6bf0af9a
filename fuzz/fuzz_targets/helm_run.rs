#![no_main]
//! Fuzz target `helm_run`: see `govgate::fuzzing::helm_run`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::helm_run(data));
