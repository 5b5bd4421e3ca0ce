#!/usr/bin/env bash
# mount-tests/shell_bench.sh MIRAGE_BIN -- `make bench`, shell part: `mirage exec` on a RAM mount
# against bash + GNU tools on tmpfs holding the same files, in one run.
#
# Data (tmpfs): 10,000 small files in nested dirs (every 10th .json, a needle in every 17th),
# a 10 MB JSONL file, a 1,000,000-line text file. The mirage side copies them into its RAM mount
# first (not timed), then each row is timed inside the same script with `date +%s%N` on both
# sides. Start-up (process start + `echo hi`) is timed with hyperfine, for an installed copy
# of the binary and for the build output as the linker left it (see below).
set -euo pipefail
BIN=$(realpath "${1:?usage: shell_bench.sh path/to/mirage}")
WORK=${WORK:-/tmp/mirage-shell-bench}
RUNS=${RUNS:-5}
mkdir -p "$WORK"
mountpoint -q "$WORK/tmpfs" 2>/dev/null && umount "$WORK/tmpfs"
mkdir -p "$WORK/tmpfs"
mount -t tmpfs -o size=2g tmpfs "$WORK/tmpfs"
trap 'umount "$WORK/tmpfs" 2>/dev/null || true' EXIT
D=$WORK/tmpfs/d
python3 - "$D" <<'PY'
import json, os, random, sys
d = sys.argv[1]; rng = random.Random(7)
words = "alpha beta gamma delta mount inode prefix listing cache fetch stream block page".split()
for i in range(10000):
    sub = f"{d}/files/a{i // 1000:02d}/b{(i // 100) % 10}"
    os.makedirs(sub, exist_ok=True)
    ext = "json" if i % 10 == 0 else "txt"
    body = " ".join(rng.choice(words) for _ in range(rng.randint(100, 1000) // 5))
    if i % 17 == 0: body += " NEEDLE"
    open(f"{sub}/f{i:05d}.{ext}", "w").write(body + "\n")
with open(f"{d}/events.jsonl", "w") as f:
    size = 0; n = 0
    while size < 10 << 20:
        line = json.dumps({"id": n, "user": f"u{rng.randint(1, 500)}", "kind": rng.choice(words), "n": rng.randint(0, 1000)}) + "\n"
        f.write(line); size += len(line); n += 1
with open(f"{d}/lines.txt", "w") as f:
    for i in range(1000000):
        f.write(rng.choice(words) + "\n")
PY

# One script, two shells. $R is the data root.
read -r -d '' CASES <<'SH' || true
t() { local s=$(date +%s%N); eval "$2" > /dev/null; local e=$(date +%s%N); local us=$(( (e - s) / 1000 )); printf '%s %d.%03d\n' "$1" $((us / 1000)) $((us % 1000)); }
for run in $(seq $RUNS); do
t grep_r 'grep -r NEEDLE $R/files | wc -l'
t find_name "find $R/files -name '*.json' | wc -l"
t jq_10mb 'jq -c "select(.n > 500) | .user" $R/events.jsonl | wc -l'
t sort_uniq_1m 'sort $R/lines.txt | uniq -c | sort -rn | head'
t for_10k 'for ((i=0; i<10000; i++)); do x=$((x+i)); done; echo $x'
done
SH

cat > "$WORK/config.toml" <<TOML
[[mount]]
path = "/ram"
backend = "ram"
mode = "write"
[[mount]]
path = "/src"
backend = "local"
root = "$D"
TOML
echo "bench: bash on tmpfs" >&2
RUNS=$RUNS R=$D LC_ALL=C bash -c "$CASES" > "$WORK/bash.txt"
echo "bench: mirage exec on a RAM mount" >&2
"$BIN" exec "$WORK/config.toml" -c "cp -r /src/. /ram/; RUNS=$RUNS; R=/ram; $CASES" > "$WORK/mirage.txt"
# Start-up: an installed copy (as `install`, `cargo install` or a Docker COPY leave it), and
# the build output itself. They differ by how the kernel caches the binary: the copy's pages
# sit in large folios, the linker's output (or a binary re-read after its pages were dropped)
# in 4 KiB pages, which makes each page fault of the start dearer.
install -m 755 "$BIN" "$WORK/mirage"
median_ms() { # json
    python3 -c "import json;print(json.load(open('$1'))['results'][0]['median']*1000)"
}
hyperfine -N --warmup 10 --runs 300 --export-json "$WORK/hb.json" "bash -c 'echo hi'" >/dev/null 2>&1
hyperfine -N --warmup 10 --runs 300 --export-json "$WORK/hm.json" "$WORK/mirage exec --ram -c 'echo hi'" >/dev/null 2>&1
hyperfine -N --warmup 10 --runs 300 --export-json "$WORK/ht.json" "$BIN exec --ram -c 'echo hi'" >/dev/null 2>&1
start_bash=$(median_ms "$WORK/hb.json"); start_mirage=$(median_ms "$WORK/hm.json")
start_target=$(median_ms "$WORK/ht.json")
python3 - "$WORK/bash.txt" "$WORK/mirage.txt" "$start_bash" "$start_mirage" "$start_target" <<'PY'
import sys, statistics
def load(p):
    r = {}
    for line in open(p):
        k, v = line.split(); r.setdefault(k, []).append(float(v))
    return {k: statistics.median(v) for k, v in r.items()}
b, m = load(sys.argv[1]), load(sys.argv[2])
b["start_echo"], m["start_echo"] = float(sys.argv[3]), float(sys.argv[4])
b["start_echo_build_output"], m["start_echo_build_output"] = float(sys.argv[3]), float(sys.argv[5])
print("| op | bash + GNU on tmpfs | mirage exec on RAM | ratio |")
print("|---|---|---|---|")
for k in ["grep_r", "find_name", "jq_10mb", "sort_uniq_1m", "for_10k", "start_echo",
          "start_echo_build_output"]:
    print(f"| {k} | {b[k]:.1f} ms | {m[k]:.1f} ms | {m[k] / max(b[k], 0.001):.2f}x |")
PY
