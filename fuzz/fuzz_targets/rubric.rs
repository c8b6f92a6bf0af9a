#![no_main]
//! Fuzz target `rubric`: see `govgate::fuzzing::rubric`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::rubric(data));
