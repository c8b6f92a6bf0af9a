#![no_main]
//! Fuzz target `lmeval_results`: see `govgate::fuzzing::lmeval_results`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::lmeval_results(data));
