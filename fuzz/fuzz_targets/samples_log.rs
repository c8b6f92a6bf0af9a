#![no_main]
//! Fuzz target `samples_log`: see `govgate::fuzzing::samples_log`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::samples_log(data));
