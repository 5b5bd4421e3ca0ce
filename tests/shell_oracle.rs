//! Bash-oracle tests for `mirage exec`: every case in `tests/shell/*.sh` runs through real
//! `bash` (GNU tools, `LC_ALL=C`) in a temp dir and through the in-process shell on a RAM mount
//! seeded with the same files; stdout and exit status must match. Cases are separated by
//! `#### name` lines. All mismatches are reported together.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use mirage::backends::ram::RamBackend;
use mirage::shell::Shell;
use mirage::vfs::{Mode, MountSpec, VPath, Vfs};

/// The files every case starts with: (path, contents).
const SEED: &[(&str, &str)] = &[
    ("a.txt", "hello world\nfoo bar\nbaz qux\nHello again\n"),
    ("nums.txt", "10\n2\n33\n2\n-5\n100\n7\n"),
    ("words.txt", "pear\napple\nfig\napple\nbanana\nfig\napple\n"),
    (
        "data.csv",
        "name,age,city\nalice,30,paris\nbob,25,berlin\ncarol,35,paris\n",
    ),
    (
        "lines.jsonl",
        "{\"id\":1,\"tag\":\"x\",\"n\":3}\n{\"id\":2,\"tag\":\"y\",\"n\":5}\n{\"id\":3,\"tag\":\"x\",\"n\":7}\n",
    ),
    (
        "obj.json",
        "{\"name\":\"mirage\",\"tags\":[\"fs\",\"agents\"],\"nested\":{\"k\":1,\"v\":[1,2,3]}}\n",
    ),
    ("empty.txt", ""),
    ("noeol.txt", "no newline at end"),
    ("with space.txt", "spaced\n"),
    ("dir/one.txt", "one\nneedle here\n"),
    ("dir/two.md", "# two\nno match\n"),
    ("dir/sub/three.txt", "three\nNEEDLE upper\nneedle lower\n"),
    ("dir/sub/four.log", "log line\n"),
    ("dir/.hidden", "secret needle\n"),
    ("tabs.tsv", "a\tb\tc\n1\t2\t3\n"),
];

struct Case {
    name: String,
    script: String,
}

fn load_cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shell");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "sh"))
    {
        let text = std::fs::read_to_string(f).unwrap();
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        let mut cur: Option<Case> = None;
        for line in text.split_inclusive('\n') {
            if let Some(name) = line.strip_prefix("#### ") {
                cases.extend(cur.take());
                cur = Some(Case {
                    name: format!("{stem}/{}", name.trim()),
                    script: String::new(),
                });
            } else if let Some(c) = cur.as_mut() {
                c.script.push_str(line);
            }
        }
        cases.extend(cur);
    }
    cases
}

fn bash(script: &str) -> (Vec<u8>, i32) {
    let dir = tempfile::tempdir().unwrap();
    for (p, body) in SEED {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    let out = Command::new("timeout")
        .args(["10", "bash", "-c", script])
        .current_dir(dir.path())
        .env_clear()
        .env("LC_ALL", "C")
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", "/")
        .output()
        .unwrap();
    // A bash killed by a signal (a script that `kill`s itself) is status 128 + the signal,
    // as a parent shell reports it.
    use std::os::unix::process::ExitStatusExt;
    let status = out
        .status
        .code()
        .or_else(|| out.status.signal().map(|s| 128 + s))
        .unwrap_or(-1);
    (out.stdout, status)
}

async fn mirage(script: &str) -> (Vec<u8>, i32, Vec<u8>) {
    let vfs = Arc::new(
        Vfs::new(vec![MountSpec {
            path: VPath::parse("/w").unwrap(),
            backend: Arc::new(RamBackend::new()),
            mode: Mode::Write,
            ttl: Duration::from_secs(0),
        }])
        .unwrap(),
    );
    for (p, body) in SEED {
        let path = VPath::parse(&format!("/w/{p}")).unwrap();
        let mut dir = VPath::root();
        for c in path.parent().components() {
            dir = dir.join(c).unwrap();
            let _ = vfs.mkdir(&dir).await;
        }
        vfs.write_all(&path, body.as_bytes(), false).await.unwrap();
    }
    let mut sh = Shell::with_limits(vfs, VPath::parse("/w").unwrap(), Default::default());
    let mut r = sh.execute(script).await;
    let end = sh.finish().await;
    r.stdout.extend(end.stdout);
    r.stderr.extend(end.stderr);
    (r.stdout, r.status, r.stderr)
}

#[test]
fn bash_oracle() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cases = load_cases();
    let filter = std::env::var("ORACLE_FILTER").unwrap_or_default();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in cases.iter().filter(|c| c.name.contains(&filter)) {
        ran += 1;
        let (want_out, want_st) = bash(&case.script);
        let (got_out, got_st, got_err) = rt.block_on(mirage(&case.script));
        if want_out != got_out || want_st != got_st {
            failures.push(format!(
                "--- {} ---\n{}\nbash   ({want_st}): {:?}\nmirage ({got_st}): {:?}\nmirage stderr: {}",
                case.name,
                case.script.trim_end(),
                String::from_utf8_lossy(&want_out),
                String::from_utf8_lossy(&got_out),
                String::from_utf8_lossy(&got_err).trim_end(),
            ));
        }
    }
    eprintln!("{ran} oracle cases, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {ran} cases differ from bash:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
