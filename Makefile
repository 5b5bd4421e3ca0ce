# mirage — build, demo, tests and benchmarks. Run as root on Debian (CI does); targets install
# the Debian packages they need when they are missing.

CARGO ?= cargo
BIN   := target/debug/mirage
DEPS  := fusermount3:fuse3 rg:ripgrep git:git ed:ed vim:vim perl:perl hyperfine:hyperfine jq:jq xxd:xxd file:file bc:bc column:bsdextrautils rev:bsdextrautils

.PHONY: all build release deps demo test lint bench docker clean

all: build

build:
	$(CARGO) build

# The optimized binary (the Docker image is built with this target).
release:
	$(CARGO) build --release --locked

# Installs the host tools the mount tests and the demo drive (only those that are missing).
deps:
	@missing=""; for pair in $(DEPS); do cmd=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@# The S3 tests run against moto's standalone server (a real S3 API on 127.0.0.1).
	@python3 -c 'import moto.server, flask, flask_cors' 2>/dev/null || { echo "installing: moto[server] (pip)"; python3 -m pip install -q 'moto[server]'; }

# Mounts a sample workspace (the built-in default config: /scratch in RAM, /data = a local
# sample directory, read-only), runs rg and ls -R over it, and unmounts.
demo: deps build
	@set -e; tmp=$$(mktemp -d); mnt=$$tmp/ws; mkdir -p $$mnt $$tmp/sample/notes $$tmp/sample/src; \
	printf 'mirage mounts S3, GitHub, Slack and local disk as one tree.\nTODO: try rg over it\n' > $$tmp/sample/notes/readme.md; \
	printf 'fn main() {\n    println!("hello from mirage"); // TODO: more\n}\n' > $$tmp/sample/src/main.rs; \
	(cd $$tmp/sample && exec $(CURDIR)/$(BIN) mount $$mnt) & pid=$$!; \
	trap 'fusermount3 -u $$mnt 2>/dev/null; wait $$pid 2>/dev/null; rm -rf $$tmp' EXIT; \
	for i in $$(seq 1 100); do grep -q " $$mnt fuse" /proc/mounts && break; sleep 0.1; done; \
	echo "agent notes: remember to TODO" > $$mnt/scratch/agent.md; \
	echo "\$$ ls -R $$mnt"; ls -R $$mnt; \
	echo; echo "\$$ rg -n TODO $$mnt"; rg -n TODO $$mnt; \
	echo; echo "\$$ echo x > $$mnt/data/new.txt   # /data is read-only"; \
	(echo x > $$mnt/data/new.txt) 2>&1 || true; \
	fusermount3 -u $$mnt; wait $$pid; trap - EXIT; rm -rf $$tmp; echo "demo: unmounted, done"

# The test command CI runs (.ci/run): unit, conformance, model, config and mount tests.
test: deps
	$(CARGO) test --no-fail-fast
	@# The vendored fuser's own tests (its reply encoding, io_uring thread placement).
	$(CARGO) test --no-fail-fast -p fuser --lib

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

# Ratios against native tmpfs: rg, find, cat 1 GiB, 1,000 writes, ls -l of 5,000 entries.
bench: deps
	$(CARGO) build --release
	bash mount-tests/bench.sh target/release/mirage
	bash mount-tests/shell_bench.sh target/release/mirage
	MIRAGE_BIN=$(CURDIR)/target/release/mirage $(CARGO) test --test github_bench --test slack_bench -- --ignored --nocapture

docker:
	docker build -f docker/Dockerfile -t mirage .

clean:
	$(CARGO) clean
