//! `make bench` (Slack part): 50 channels × 90 days of messages behind the local Slack-shaped
//! server, mounted with the `mirage` binary (`MIRAGE_BIN`): `ls -R` and `grep -r NEEDLE` cold
//! and warm, with the API requests each step made. A benchmark: asserts nothing about time.

mod common;

use std::process::Command;
use std::time::Instant;

use common::slack::FakeSlack;

fn time(label: &str, dir: &std::path::Path, cmd: &str) -> f64 {
    let start = Instant::now();
    let out = Command::new("bash")
        .arg("-c")
        .arg(cmd)
        .current_dir(dir)
        .output()
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{label}: {secs:.3}s -> {}",
        String::from_utf8_lossy(&out.stdout).trim()
    );
    secs
}

#[test]
#[ignore = "benchmark: make bench"]
fn slack_bench_50_channels_90_days() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(FakeSlack::synthetic(50, 90, 20));
    let bin =
        std::env::var("MIRAGE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_mirage").to_string());
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let config = tmp.path().join("slack.toml");
    std::fs::write(
        &config,
        format!("[workspace]\nttl = \"10m\"\n[[mount]]\npath = \"/slack\"\nbackend = \"slack\"\ntoken = \"xoxb-bench\"\napi_url = \"{}\"\nstart = \"2026-01-01\"\nend = \"2026-04-29\"\n", fake.api_url()),
    )
    .unwrap();
    let mnt = tmp.path().join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let started = Instant::now();
    let mut child = Command::new(&bin)
        .arg("mount")
        .arg(&mnt)
        .arg(&config)
        .spawn()
        .unwrap();
    while !std::fs::read_to_string("/proc/mounts")
        .unwrap()
        .contains(mnt.to_str().unwrap())
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let root = mnt.join("slack");
    let reqs = |what: &str| rt.block_on(fake.count(what));
    time("ls channels", &root, "ls channels | wc -l");
    let first_ls = started.elapsed().as_secs_f64();
    let r0 = (reqs("conversations.list"), reqs("conversations.history"));
    let ls_cold = time("ls -R cold", &root, "ls -R | wc -l");
    let r1 = reqs("conversations.history");
    let ls_warm = time("ls -R warm", &root, "ls -R | wc -l");
    let r2 = reqs("conversations.history");
    let grep_cold = time("grep -r cold", &root, "grep -r NEEDLE channels | wc -l");
    let grep_warm = time("grep -r warm", &root, "grep -r NEEDLE channels | wc -l");
    let r3 = reqs("conversations.history");
    eprintln!("| op | time | API requests |\n|---|---|---|");
    eprintln!(
        "| mount + first ls | {:.3} s | {} conversations.list, {} history |",
        first_ls, r0.0, r0.1
    );
    eprintln!("| ls -R cold | {ls_cold:.3} s | {} history |", r1 - r0.1);
    eprintln!("| ls -R warm | {ls_warm:.3} s | {} history |", r2 - r1);
    eprintln!(
        "| grep -r cold (after ls) | {grep_cold:.3} s | {} history |",
        r3 - r2
    );
    eprintln!("| grep -r warm | {grep_warm:.3} s | 0 history |");
    let _ = Command::new("fusermount3").arg("-u").arg(&mnt).status();
    let _ = child.wait();
}
