//! Bad configs get one clear line naming the file, the line and the key — never a panic.

use std::process::Command;

fn check(src: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, src).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mirage"))
        .arg("check")
        .arg(&cfg)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn assert_one_line_error(src: &str, line: usize, needle: &str) {
    let (ok, _, err) = check(src);
    assert!(!ok, "expected failure for:\n{src}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line, got: {err}");
    assert!(
        err.contains(&format!("config.toml:{line}:")),
        "line {line} in: {err}"
    );
    assert!(err.contains(needle), "{needle:?} in: {err}");
}

#[test]
fn valid_config_prints_the_mount_table() {
    let (ok, out, err) = check(
        "[workspace]\nttl = \"5s\"\ncache_size = \"64MiB\"\n\n[[mount]]\npath = \"/data\"\nbackend = \"local\"\nmode = \"write\"\nroot = \"./data\"\n\n[[mount]]\npath = \"/scratch\"\nbackend = \"ram\"\n",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("/data") && out.contains("local") && out.contains("write"),
        "{out}"
    );
    assert!(
        out.contains("/scratch") && out.contains("ram") && out.contains("read"),
        "{out}"
    );
}

#[test]
fn unknown_backend_option_names_key_and_line() {
    assert_one_line_error(
        "[[mount]]\npath = \"/d\"\nbackend = \"local\"\nroot = \"./data\"\nrooot = \"x\"\n",
        5,
        "rooot",
    );
}

#[test]
fn unknown_backend_is_named() {
    assert_one_line_error(
        "[[mount]]\npath = \"/d\"\nbackend = \"ftp\"\n",
        3,
        "unknown backend \"ftp\"",
    );
}

#[test]
fn relative_mount_path_is_refused() {
    assert_one_line_error(
        "[[mount]]\npath = \"data\"\nbackend = \"ram\"\n",
        2,
        "must be absolute",
    );
}

#[test]
fn duplicate_mount_path_is_refused() {
    assert_one_line_error(
        "[[mount]]\npath = \"/a\"\nbackend = \"ram\"\n[[mount]]\npath = \"/a/\"\nbackend = \"ram\"\n",
        5,
        "used twice",
    );
}

#[test]
fn missing_local_root_is_refused() {
    assert_one_line_error(
        "[[mount]]\npath = \"/d\"\nbackend = \"local\"\nroot = \"./nope\"\n",
        4,
        "not an existing directory",
    );
    assert_one_line_error(
        "[[mount]]\npath = \"/d\"\nbackend = \"local\"\n",
        1,
        "missing required key `root`",
    );
}

#[test]
fn bad_mode_and_ttl_are_refused() {
    assert_one_line_error(
        "[[mount]]\npath = \"/d\"\nbackend = \"ram\"\nmode = \"rw\"\n",
        4,
        "mode",
    );
    assert_one_line_error(
        "[[mount]]\npath = \"/d\"\nbackend = \"ram\"\nttl = \"forever\"\n",
        4,
        "ttl",
    );
    assert_one_line_error(
        "[[mount]]\npath = \"/d\"\nbackend = \"ram\"\nsize = \"lots\"\n",
        4,
        "size",
    );
}

#[test]
fn unknown_workspace_and_top_level_keys_are_refused() {
    assert_one_line_error(
        "[workspace]\nttll = \"1s\"\n[[mount]]\npath = \"/d\"\nbackend = \"ram\"\n",
        2,
        "ttll",
    );
    assert_one_line_error("[mounts]\npath = \"/d\"\n", 1, "mounts");
}

#[test]
fn malformed_toml_is_one_line() {
    assert_one_line_error("[[mount]]\npath = \"/d\nbackend = \"ram\"\n", 2, "");
}

#[test]
fn env_references_expand_and_missing_ones_are_named() {
    assert_one_line_error(
        "[[mount]]\npath = \"/d\"\nbackend = \"local\"\nroot = \"${MIRAGE_TEST_SURELY_UNSET}\"\n",
        4,
        "MIRAGE_TEST_SURELY_UNSET is not set",
    );
}

#[test]
fn no_mounts_is_an_error() {
    let (ok, _, err) = check("[workspace]\nttl = \"1s\"\n");
    assert!(!ok);
    assert!(err.contains("no [[mount]]"), "{err}");
}
