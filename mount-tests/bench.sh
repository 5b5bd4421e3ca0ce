#!/usr/bin/env bash
# mount-tests/bench.sh MIRAGE_BIN -- `make bench`: FUSE overhead of mirage, as ratios against
# native tmpfs holding the same files, measured in one run with hyperfine.
#
# Dataset (on tmpfs): small/ 10,000 text files of 1-8 KiB in nested dirs (a needle in every
# 17th), big/file.bin (BIG_MIB, default 1024), wide/ 5,000 entries. Rows:
#   rg_cold / rg_warm   rg -c NEEDLE small   (cold: kernel caches dropped before every run)
#   find                find . | wc -l
#   cat_big             cat big/file.bin > /dev/null (kernel caches dropped first)
#   write_1000          1,000 small files by shell redirection into a fresh dir
#   ls_l_wide           ls -l wide > /dev/null
# Targets: tmpfs (native), ram (mirage ram mount, seeded by cp), local (mirage local mount
# whose root is the tmpfs copy, so the difference is mirage + FUSE alone).
# Knobs: RUNS=5, BIG_MIB=1024, SMALL=10000, WIDE=5000, WORK=/tmp/mirage-bench,
# MIRAGE_FLAGS (extra `mirage mount` flags, e.g. --open-requests).
set -euo pipefail
BIN=$(realpath "${1:?usage: bench.sh path/to/mirage}")
RUNS=${RUNS:-5}; BIG_MIB=${BIG_MIB:-1024}; SMALL=${SMALL:-10000}; WIDE=${WIDE:-5000}
WORK=${WORK:-/tmp/mirage-bench}
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

mkdir -p "$WORK"
mountpoint -q "$WORK/tmpfs" 2>/dev/null && umount "$WORK/tmpfs"
mkdir -p "$WORK/tmpfs" "$WORK/mnt" "$WORK/results"
mount -t tmpfs -o size=$((BIG_MIB * 3 + 2048))m tmpfs "$WORK/tmpfs"
PID=""
cleanup() {
    fusermount3 -u "$WORK/mnt" 2>/dev/null || true
    [ -n "$PID" ] && wait "$PID" 2>/dev/null || true
    umount "$WORK/tmpfs" 2>/dev/null || true
}
trap cleanup EXIT

DATA=$WORK/tmpfs/data
echo "bench: generating dataset in $DATA" >&2
python3 - "$DATA" "$BIG_MIB" "$SMALL" "$WIDE" <<'PY'
import os, random, sys
out, big, small, wide = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(42)
words = "alpha beta gamma delta mount inode prefix listing cache fetch stream block page".split()
os.makedirs(f"{out}/big", exist_ok=True)
with open(f"{out}/big/file.bin", "wb") as f:
    for _ in range(big):
        f.write(os.urandom(1 << 20))
for i in range(small):
    d = f"{out}/small/d{i // 1000:02d}/s{(i // 100) % 10:02d}"
    os.makedirs(d, exist_ok=True)
    size = rng.randint(1024, 8192)
    body = " ".join(rng.choice(words) for _ in range(size // 5))[:size]
    if i % 17 == 0:
        body = body[: size // 2] + " MIRAGE_NEEDLE " + body[size // 2 :]
    open(f"{d}/f{i:05d}.txt", "w").write(body)
os.makedirs(f"{out}/wide", exist_ok=True)
for i in range(wide):
    open(f"{out}/wide/e{i:05d}.txt", "w").write("x" * rng.randint(64, 256))
PY

cat > "$WORK/config.toml" <<TOML
[workspace]
ttl = "60s"
[[mount]]
path = "/ram"
backend = "ram"
mode = "write"
[[mount]]
path = "/local"
backend = "local"
mode = "write"
root = "$DATA"
TOML
# shellcheck disable=SC2086
"$BIN" mount "$WORK/mnt" "$WORK/config.toml" ${MIRAGE_FLAGS:-} 2>"$WORK/mirage.log" & PID=$!
for _ in $(seq 1 200); do grep -q " $WORK/mnt fuse" /proc/mounts && break; sleep 0.05; done
grep -q " $WORK/mnt fuse" /proc/mounts || { cat "$WORK/mirage.log" >&2; exit 1; }
echo "bench: seeding the ram mount" >&2
cp -r "$DATA/." "$WORK/mnt/ram/"

declare -A ROOT=([tmpfs]="$DATA" [ram]="$WORK/mnt/ram" [local]="$WORK/mnt/local")
TARGETS="tmpfs ram local"
DROP='sync; echo 3 > /proc/sys/vm/drop_caches'
run() { # name target prepare command
    local name=$1 t=$2 prep=$3 cmd=$4
    hyperfine -N --runs "$RUNS" --warmup 1 --prepare "$prep" --export-json "$WORK/results/$name-$t.json" \
        --shell bash "cd ${ROOT[$t]} && $cmd" >/dev/null 2>&1 ||
    hyperfine --runs "$RUNS" --warmup 1 --prepare "$prep" --export-json "$WORK/results/$name-$t.json" \
        "cd ${ROOT[$t]} && $cmd" >/dev/null
}
for t in $TARGETS; do
    echo "bench: $t" >&2
    run rg_cold "$t" "$DROP" "rg -c MIRAGE_NEEDLE small | wc -l"
    run rg_warm "$t" "true" "rg -c MIRAGE_NEEDLE small | wc -l"
    run find "$t" "true" "find . | wc -l"
    run cat_big "$t" "$DROP" "cat big/file.bin > /dev/null"
    run write_1000 "$t" "rm -rf ${ROOT[$t]}/w" "mkdir w && for i in \$(seq 1 1000); do echo 'some small content line' > w/f\$i; done"
    run ls_l_wide "$t" "true" "ls -l wide > /dev/null"
done

python3 - "$WORK/results" $TARGETS <<'PY'
import json, sys, statistics
res, targets = sys.argv[1], sys.argv[2:]
ops = ["rg_cold", "rg_warm", "find", "cat_big", "write_1000", "ls_l_wide"]
def med(op, t):
    return statistics.median(json.load(open(f"{res}/{op}-{t}.json"))["results"][0]["times"])
print("| op | " + " | ".join(targets) + " |")
print("|---|" + "---|" * len(targets))
for op in ops:
    base = med(op, "tmpfs")
    cells = []
    for t in targets:
        m = med(op, t)
        cells.append(f"{m*1000:.1f} ms" if t == "tmpfs" else f"{m*1000:.1f} ms ({m/base:.2f}x)")
    print(f"| {op} | " + " | ".join(cells) + " |")
PY
