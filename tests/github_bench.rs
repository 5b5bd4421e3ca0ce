//! `make bench` (GitHub part): a synthetic repository of 20,000 files behind the local GitHub
//! API server, mounted with the `mirage` binary: time to the first `ls`, `find | wc -l`, `rg`
//! cold and warm against the same files on tmpfs, and the API requests each step made.
//! A benchmark, not a test: it asserts nothing about time and runs only with `--ignored`.

mod common;

use std::process::Command;
use std::time::Instant;

use common::github::{Content, FakeGitHub, OWNER, REPO};

fn synthetic(n: usize) -> Vec<(String, Content)> {
    (0..n)
        .map(|i| {
            let size = 1024 + (i * 7919) % 7168;
            let mut body: Vec<u8> = (0..size)
                .map(|j| b"alpha beta gamma delta\n"[(i + j) % 23])
                .collect();
            if i % 17 == 0 {
                body.extend_from_slice(b"MIRAGE_NEEDLE\n");
            }
            (
                format!("d{:02}/s{}/f{i:05}.txt", i / 200, (i / 20) % 10),
                Content::File(body),
            )
        })
        .collect()
}

fn time(label: &str, dir: &std::path::Path, cmd: &str) -> (f64, String) {
    let start = Instant::now();
    let out = Command::new("bash")
        .arg("-c")
        .arg(cmd)
        .current_dir(dir)
        .output()
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
    eprintln!("{label}: {secs:.3}s -> {stdout}");
    (secs, stdout)
}

#[test]
#[ignore = "benchmark: make bench"]
fn github_bench_20k_files() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let files = synthetic(20_000);
    let gh = rt.block_on(FakeGitHub::start(files, false));
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let tmpfs = tmp.path().join("tmpfs");
    std::fs::create_dir_all(&tmpfs).unwrap();
    let _ = Command::new("mount")
        .args(["-t", "tmpfs", "tmpfs"])
        .arg(&tmpfs)
        .status();
    gh.write_to(&tmpfs);
    let config = tmp.path().join("c.toml");
    std::fs::write(
        &config,
        format!("[workspace]\nttl = \"60s\"\n[[mount]]\npath = \"/gh\"\nbackend = \"github\"\nowner = \"{OWNER}\"\nrepo = \"{REPO}\"\napi_url = \"{}\"\n", gh.server.uri()),
    )
    .unwrap();
    let bin =
        std::env::var("MIRAGE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_mirage").to_string());
    let mnt = tmp.path().join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let requests = || {
        rt.block_on(gh.server.received_requests())
            .unwrap_or_default()
            .len()
    };
    let start = Instant::now();
    let mut child = Command::new(&bin)
        .arg("mount")
        .arg(&mnt)
        .arg(&config)
        .spawn()
        .unwrap();
    let repo = mnt.join("gh");
    while std::fs::read_dir(&repo)
        .map(|mut d| d.next().is_none())
        .unwrap_or(true)
    {
        assert!(start.elapsed().as_secs() < 120, "mount did not come up");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let first_ls = start.elapsed().as_secs_f64();
    let r0 = requests();
    let (find_t, find_n) = time("find | wc -l", &repo, "find . | wc -l");
    let r1 = requests();
    let (rg_cold, rg_n) = time("rg cold", &repo, "rg -l MIRAGE_NEEDLE | wc -l");
    let r2 = requests();
    let (rg_warm, _) = time("rg warm", &repo, "rg -l MIRAGE_NEEDLE | wc -l");
    let r3 = requests();
    let (tmpfs_rg, tmpfs_n) = time("rg on tmpfs", &tmpfs, "rg -l MIRAGE_NEEDLE | wc -l");
    let (tmpfs_find, _) = time("find on tmpfs", &tmpfs, "find . | wc -l");
    println!("| op | mirage github | tmpfs | ratio | API requests |");
    println!("|---|---|---|---|---|");
    println!("| mount + first ls | {first_ls:.3} s | | | {r0} |");
    println!(
        "| find \\| wc -l ({find_n}) | {find_t:.3} s | {tmpfs_find:.3} s | {:.1}x | {} |",
        find_t / tmpfs_find,
        r1 - r0
    );
    println!(
        "| rg cold ({rg_n} of {tmpfs_n}) | {rg_cold:.3} s | {tmpfs_rg:.3} s | {:.1}x | {} |",
        rg_cold / tmpfs_rg,
        r2 - r1
    );
    println!(
        "| rg warm | {rg_warm:.3} s | {tmpfs_rg:.3} s | {:.1}x | {} |",
        rg_warm / tmpfs_rg,
        r3 - r2
    );
    let _ = Command::new("fusermount3").arg("-u").arg(&mnt).status();
    let _ = child.wait();
    let _ = Command::new("umount").arg(&tmpfs).status();
}
