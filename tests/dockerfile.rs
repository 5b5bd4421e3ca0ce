//! The Dockerfile runs the steps CI runs: it builds with a Makefile target that exists (the
//! same Makefile `.ci/run` drives), and every Debian package the runtime image installs is one
//! the Makefile's `DEPS` installs on the host (plus CA certificates).

fn read(p: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).unwrap()
}

#[test]
fn dockerfile_uses_the_ci_steps() {
    let docker = read("docker/Dockerfile");
    let make = read("Makefile");
    let ci = read(".ci/run");
    assert!(
        ci.contains("make test"),
        ".ci/run must run the README's test command"
    );
    // The build step is a Makefile target.
    let build: Vec<&str> = docker
        .lines()
        .filter(|l| l.starts_with("RUN make "))
        .collect();
    assert_eq!(build.len(), 1, "{docker}");
    let target = build[0].trim_start_matches("RUN make ").trim();
    assert!(
        make.lines().any(|l| l.starts_with(&format!("{target}:"))),
        "Makefile has no target {target}"
    );
    assert!(
        make.contains("--release --locked"),
        "release builds must use Cargo.lock"
    );
    // Runtime packages come from the Makefile's DEPS.
    let deps_line = make.lines().find(|l| l.starts_with("DEPS")).unwrap();
    let pkgs: Vec<&str> = deps_line
        .split_whitespace()
        .filter_map(|p| p.split_once(':').map(|x| x.1))
        .collect();
    let install = docker
        .lines()
        .find(|l| l.contains("apt-get install"))
        .unwrap();
    let wanted: Vec<&str> = install
        .split("--no-install-recommends")
        .nth(1)
        .unwrap()
        .split("&&")
        .next()
        .unwrap()
        .split_whitespace()
        .filter(|w| *w != "\\")
        .collect();
    assert!(!wanted.is_empty());
    for p in wanted {
        assert!(
            p == "ca-certificates" || pkgs.contains(&p),
            "{p} is installed in the image but not by make deps"
        );
    }
    // Rust version matches the crate's rust-version.
    let cargo = read("Cargo.toml");
    let rv = cargo
        .lines()
        .find(|l| l.starts_with("rust-version"))
        .unwrap()
        .split('"')
        .nth(1)
        .unwrap();
    assert!(
        docker.contains(&format!("FROM rust:{rv}")),
        "image Rust version differs from rust-version {rv}"
    );
}
