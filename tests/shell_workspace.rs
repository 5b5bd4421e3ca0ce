//! The shell on real workspaces: commands across mounts (RAM, a writable and a read-only local
//! directory), read-only mounts refusing writes with "Read-only file system", the limits, the
//! `mirage exec` command line, and a property test that no input makes the parser or the
//! expander panic.

use std::sync::Arc;
use std::time::Duration;

use mirage::backends::local::LocalBackend;
use mirage::backends::ram::RamBackend;
use mirage::shell::limits::{EXIT_LOOPS, EXIT_OUTPUT, EXIT_RECURSION, EXIT_TIME};
use mirage::shell::{Limits, Shell};
use mirage::vfs::{Mode, MountSpec, VPath, Vfs};

fn workspace(rw: &std::path::Path, ro: &std::path::Path) -> Arc<Vfs> {
    let spec = |p: &str, backend: Arc<dyn mirage::vfs::Backend>, mode| MountSpec {
        path: VPath::parse(p).unwrap(),
        backend,
        mode,
        ttl: Duration::from_secs(0),
    };
    Arc::new(
        Vfs::new(vec![
            spec("/ram", Arc::new(RamBackend::new()), Mode::Write),
            spec(
                "/data",
                Arc::new(LocalBackend::new(rw).unwrap()),
                Mode::Write,
            ),
            spec("/ro", Arc::new(LocalBackend::new(ro).unwrap()), Mode::Read),
        ])
        .unwrap(),
    )
}

fn run(vfs: &Arc<Vfs>, script: &str) -> (String, String, i32) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut sh = Shell::new(vfs.clone());
    let r = rt.block_on(sh.execute(script));
    (
        String::from_utf8_lossy(&r.stdout).into_owned(),
        String::from_utf8_lossy(&r.stderr).into_owned(),
        r.status,
    )
}

fn dirs() -> (tempfile::TempDir, tempfile::TempDir) {
    let rw = tempfile::tempdir().unwrap();
    let ro = tempfile::tempdir().unwrap();
    std::fs::write(ro.path().join("fixed.txt"), "read only needle\n").unwrap();
    std::fs::create_dir(ro.path().join("sub")).unwrap();
    std::fs::write(ro.path().join("sub/deep.txt"), "deep needle\n").unwrap();
    (rw, ro)
}

#[test]
fn commands_work_across_mounts() {
    let (rw, ro) = dirs();
    let vfs = workspace(rw.path(), ro.path());
    let (out, err, st) = run(
        &vfs,
        "echo hello > /ram/a; cp /ram/a /data/b; cat /data/b; mv /data/b /ram/c; ls /ram; \
         cp -r /ro/sub /ram/copy; cat /ram/copy/deep.txt; grep -r needle /ram /ro | sort; \
         find / -name '*.txt' | sort; ls /",
    );
    assert_eq!(st, 0, "stderr: {err}");
    assert_eq!(
        out,
        "hello\na\nc\ndeep needle\n/ram/copy/deep.txt:deep needle\n/ro/fixed.txt:read only needle\n/ro/sub/deep.txt:deep needle\n\
         /ram/copy/deep.txt\n/ro/fixed.txt\n/ro/sub/deep.txt\ndata\nram\nro\n"
    );
    // The local mount really holds what the shell wrote there.
    let (_, _, st) = run(&vfs, "echo on-disk > /data/real.txt");
    assert_eq!(st, 0);
    assert_eq!(
        std::fs::read_to_string(rw.path().join("real.txt")).unwrap(),
        "on-disk\n"
    );
}

#[test]
fn read_only_mount_refuses_every_write() {
    let (rw, ro) = dirs();
    let vfs = workspace(rw.path(), ro.path());
    for script in [
        "echo x > /ro/new",
        "echo x >> /ro/fixed.txt",
        "rm /ro/fixed.txt",
        "mkdir /ro/d",
        "touch /ro/t",
        "cp /ram/nothing /ro/x 2>/dev/null; echo hi > /ram/f; cp /ram/f /ro/f",
        "mv /ro/fixed.txt /ro/moved",
        "sed -i s/needle/pin/ /ro/fixed.txt",
        "ln -s x /ro/link",
        "rm -r /ro/sub",
    ] {
        let (_, err, st) = run(&vfs, script);
        assert_ne!(st, 0, "{script} succeeded");
        assert!(err.contains("Read-only file system"), "{script}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(ro.path().join("fixed.txt")).unwrap(),
        "read only needle\n"
    );
    assert_eq!(std::fs::read_dir(ro.path()).unwrap().count(), 2);
}

fn limited(limits: Limits, script: &str) -> (String, i32) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let vfs = Arc::new(
        Vfs::new(vec![MountSpec {
            path: VPath::root(),
            backend: Arc::new(RamBackend::new()),
            mode: Mode::Write,
            ttl: Duration::from_secs(0),
        }])
        .unwrap(),
    );
    let mut sh = Shell::with_limits(vfs, VPath::root(), limits);
    let r = rt.block_on(sh.execute(script));
    (String::from_utf8_lossy(&r.stderr).into_owned(), r.status)
}

#[test]
fn limits_stop_runaway_scripts_with_distinct_statuses() {
    let base = Limits::default();
    let (err, st) = limited(
        Limits {
            loop_iterations: 1000,
            ..base.clone()
        },
        "while true; do :; done",
    );
    assert_eq!(st, EXIT_LOOPS, "{err}");
    assert!(err.contains("loop limit"), "{err}");
    let (err, st) = limited(
        Limits {
            output_bytes: 10_000,
            ..base.clone()
        },
        "yes",
    );
    assert_eq!(st, EXIT_OUTPUT, "{err}");
    assert!(err.contains("output limit"), "{err}");
    let (err, st) = limited(
        Limits {
            recursion_depth: 50,
            ..base.clone()
        },
        "f() { f; }; f",
    );
    assert_eq!(st, EXIT_RECURSION, "{err}");
    let (err, st) = limited(
        Limits {
            wall_time: Duration::from_millis(200),
            ..base.clone()
        },
        "while :; do sleep 0.05; done",
    );
    assert_eq!(st, EXIT_TIME, "{err}");
    // A generous default lets real work through.
    let (err, st) = limited(base, "for i in $(seq 20000); do :; done; echo ok");
    assert_eq!(st, 0, "{err}");
}

#[test]
fn session_keeps_state_between_calls() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (rw, ro) = dirs();
    let mut sh = Shell::new(workspace(rw.path(), ro.path()));
    rt.block_on(sh.execute("cd /ram; x=5; f() { echo f$1; }; false"));
    let r = rt.block_on(sh.execute("echo $? $x $(pwd); f 1"));
    assert_eq!(String::from_utf8_lossy(&r.stdout), "1 5 /ram\nf1\n");
}

#[test]
fn unsupported_constructs_fail_loudly() {
    let (rw, ro) = dirs();
    let vfs = workspace(rw.path(), ro.path());
    // Not run rather than run wrong: `! { …; }` would run `{` as a command.
    for (script, names) in [
        ("! { false; }; echo $?", "{ … }"),
        ("time { echo a; }", "{ … }"),
        ("coproc cat; echo $?", "coproc"),
    ] {
        let (out, err, st) = run(&vfs, script);
        assert_eq!((out.as_str(), st), ("", 2), "{script}");
        assert!(
            err.contains("unsupported construct") && err.contains(names),
            "{err}"
        );
    }
    let (_, err, st) = run(&vfs, "nosuch --flag");
    assert_eq!(st, 127);
    assert_eq!(err, "mirage: nosuch: command not found\n");
}

#[test]
fn mirage_exec_command_line() {
    let bin = env!("CARGO_BIN_EXE_mirage");
    let out = std::process::Command::new(bin)
        .args([
            "exec",
            "--ram",
            "-c",
            "echo hi > /f; cat /f; echo \"$0 $1\"; exit 3",
            "name",
            "arg",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hi\nname arg\n");
    assert_eq!(out.status.code(), Some(3));
    let mut child = std::process::Command::new(bin)
        .args(["exec", "--ram"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"seq 3 | tac\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "3\n2\n1\n");
}

/// An unset variable under `set -u` (or `${v?}`) ends a script file or a script on stdin
/// with status 1 but a `-c` string with 127, and `FUNCNAME` ends in `main` in a script file
/// only: each checked against bash itself.
#[test]
fn unset_variable_status_depends_on_where_the_script_came_from() {
    use std::io::Write;
    let bin = env!("CARGO_BIN_EXE_mirage");
    let dir = tempfile::tempdir().unwrap();
    for script in [
        "set -u\necho before\necho $nope\necho after\n",
        "echo ${nope?gone}\n",
        "set -u\nf() { echo \"${FUNCNAME[*]}\"; echo $nope; }\nf\necho after\n",
    ] {
        let file = dir.path().join("s.sh");
        std::fs::write(&file, script).unwrap();
        let status = |mut c: std::process::Command, stdin: Option<&str>| {
            let mut child = c
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let mut input = child.stdin.take().unwrap();
            if let Some(text) = stdin {
                input.write_all(text.as_bytes()).unwrap();
            }
            drop(input);
            let out = child.wait_with_output().unwrap();
            (
                String::from_utf8_lossy(&out.stdout).into_owned(),
                out.status.code(),
            )
        };
        let cmd = |prog: &str, args: &[&std::ffi::OsStr]| {
            let mut c = std::process::Command::new(prog);
            c.args(args).current_dir(dir.path());
            c
        };
        let f = file.as_os_str();
        let (exec, ram, c) = ("exec".as_ref(), "--ram".as_ref(), "-c".as_ref());
        let from_file = status(cmd("bash", &[f]), None);
        assert_eq!(from_file.1, Some(1), "{script}");
        assert_eq!(
            status(cmd(bin, &[exec, ram, f]), None),
            from_file,
            "{script}"
        );
        let on_stdin = status(cmd("bash", &[]), Some(script));
        assert_eq!(
            status(cmd(bin, &[exec, ram]), Some(script)),
            on_stdin,
            "{script}"
        );
        let inline = status(cmd("bash", &[c, script.as_ref()]), None);
        assert_ne!(inline, from_file, "{script}");
        assert_eq!(inline.1, Some(127), "{script}");
        assert_eq!(
            status(cmd(bin, &[exec, ram, c, script.as_ref()]), None),
            inline,
            "{script}"
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]
    /// Arbitrary text through the parser and the interpreter: errors are fine, panics are not.
    #[test]
    fn no_input_panics(script in "[ -~\\n]{0,60}") {
        let _ = mirage::shell::parse::parse(&script);
        let (_, _) = limited(Limits { loop_iterations: 200, commands: 500, wall_time: Duration::from_secs(2), output_bytes: 1 << 16, ..Limits::default() }, &script);
    }

    /// Shell-shaped fragments (quotes, expansions, operators) through the whole pipeline.
    #[test]
    fn no_shell_fragment_panics(parts in proptest::collection::vec(proptest::sample::select(vec![
        "echo", "$x", "${x:-y}", "${#x}", "${x/a/b}", "$((1+2))", "$(echo a)", "\"", "'", "|", "&&", "||", ";",
        "{", "}", "(", ")", "[[", "]]", "<<<", ">", "<", "*", "?", "[a-", "\\", "`", "for", "do", "done", "if",
        "then", "fi", "case", "esac", "in", "x=1", "a[1]=2", "${a[@]}", "\"$@\"", "{1..3}", "~", "!", "&",
    ]), 0..12)) {
        let script = parts.join(" ");
        let _ = mirage::shell::parse::parse(&script);
        let _ = limited(Limits { loop_iterations: 200, commands: 500, wall_time: Duration::from_secs(2), output_bytes: 1 << 16, ..Limits::default() }, &script);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]
    /// Arbitrary programs for the tools with their own languages (awk, sed, jq, printf, expr,
    /// bc, find, test): errors are fine, panics and hangs are not.
    #[test]
    fn tool_languages_never_panic(
        tool in proptest::sample::select(vec!["awk", "sed", "jq", "printf", "expr", "bc", "find . ", "test", "tr", "cut -f", "sort -k"]),
        prog in "[ -~]{0,24}",
    ) {
        let quoted = format!("'{}'", prog.replace('\'', "'\\''"));
        let script = match tool {
            "bc" => format!("printf '%s\\n' {quoted} | bc"),
            "expr" | "test" | "printf" => format!("{tool} {prog}"),
            t => format!("printf 'a b\\n1 2\\n' | {t} {quoted}"),
        };
        let (err, st) = limited(Limits { loop_iterations: 1000, commands: 200, wall_time: Duration::from_secs(2), output_bytes: 1 << 16, ..Limits::default() }, &script);
        proptest::prop_assert_ne!(st, 70, "{} crashed: {}", script, err);
    }
}

#[test]
fn mirage_sh_reads_lines_keeps_state_and_history() {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mirage"))
        .args(["sh"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"mkdir /d && cd /d\nx=5\nfor i in 1 2; do\n  echo $((x+i))\ndone\nhistory | wc -l\npwd\nexit 3\necho never\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "6\n7\n4\n/d\n");
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("mirage:/d$ "),
        "prompt goes to stderr"
    );
}

/// Text is UTF-8 (as bash in a UTF-8 locale): `wc -m`, `${#v}` and `cut -c` count characters;
/// bytes that are not UTF-8 pass through variables and pipes unchanged.
#[test]
fn text_is_utf8_and_other_bytes_pass_through() {
    let (rw, ro) = dirs();
    let vfs = workspace(rw.path(), ro.path());
    let script = r#"printf 'h\xc3\xa9llo\n' | wc -m; v=héllo; echo ${#v}; echo héllo | cut -c2
x=$(printf 'a\xffb'); printf '%s' "$x" > /ram/bin; wc -c < /ram/bin"#;
    let (out, err, st) = run(&vfs, script);
    assert_eq!((out.as_str(), st), ("6\n5\né\n3\n", 0), "{err}");
}
