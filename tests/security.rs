//! The promises of docs/security.md that are not shown elsewhere: govgate
//! opens no network connection and runs no other program. (Confinement of rubric and
//! manifest paths: `tests/cli_rubric.rs`, `tests/adversarial.rs`, `tests/s7p4.rs`;
//! `--max-input-size`, FIFOs and devices: `tests/adversarial.rs`; bounded `.eval` archives:
//! `tests/inspect_logs.rs`.)

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_source_uses_no_network_or_process_api() {
    let mut files = Vec::new();
    rust_files(&common::root().join("src"), &mut files);
    assert!(files.len() > 50, "{}", files.len());
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        for api in [
            "std::net",
            "TcpStream",
            "UdpSocket",
            "TcpListener",
            "process::Command",
            "Command::new",
            "libc::exec",
        ] {
            assert!(!text.contains(api), "{} uses {api}", f.display());
        }
    }
    // and no dependency speaks HTTP or TLS
    let lock = std::fs::read_to_string(common::root().join("Cargo.lock")).expect("Cargo.lock");
    for krate in [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "openssl",
        "native-tls",
        "rustls",
        "tokio",
    ] {
        assert!(
            !lock.contains(&format!("name = \"{krate}\"")),
            "Cargo.lock has {krate}"
        );
    }
}

#[test]
fn a_check_makes_no_socket_and_runs_nothing_else() {
    let Ok(strace) = which("strace") else {
        eprintln!("strace is not installed: the system-call trace is not checked here");
        return;
    };
    let dir = common::scratch("security-strace");
    let trace = dir.join("trace.txt");
    let status = Command::new(strace)
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=socket,connect,execve,execveat,fork,vfork,clone3",
            "-o",
        ])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_govgate"))
        .args([
            "check",
            "fixtures/demo",
            "--baseline",
            "fixtures/demo-baseline",
            "-f",
            "json",
        ])
        .current_dir(common::root())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run strace");
    let text = std::fs::read_to_string(&trace).unwrap_or_default();
    if !status.success() && text.is_empty() {
        eprintln!("strace could not trace here (no ptrace permission): not checked");
        return;
    }
    let calls: Vec<&str> = text.lines().collect();
    let execs = calls.iter().filter(|l| l.contains("execve(")).count();
    assert_eq!(execs, 1, "only govgate itself is executed:\n{text}");
    assert!(
        !calls
            .iter()
            .any(|l| l.contains("socket(") || l.contains("connect(")),
        "a socket was made:\n{text}"
    );
    assert!(
        !calls.iter().any(|l| l.contains("fork(")),
        "a process was forked:\n{text}"
    );
}

fn which(name: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or(())
}
