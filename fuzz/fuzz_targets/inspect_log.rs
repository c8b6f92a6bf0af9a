#![no_main]
//! Fuzz target `inspect_log`: see `govgate::fuzzing::inspect_log`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::inspect_log(data));
