#![no_main]
//! Fuzz target `manifest`: see `govgate::fuzzing::manifest`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::manifest(data));
