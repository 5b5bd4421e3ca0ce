#### script with set -euo pipefail, functions and a read loop
#!/bin/bash
set -euo pipefail
log() { echo "[$(date +%Y)] $*" | sed 's/^\[[0-9]*\] //'; }
main() {
  local dir=${1:-.}
  local count=0
  mkdir -p "$dir/sub"
  for f in a b c; do
    echo "$f" > "$dir/sub/$f.txt"
    count=$((count + 1))
  done
  log "made $count files"
  find "$dir" -name '*.txt' | sort | while IFS= read -r file; do
    printf '%s: %s\n' "$(basename "$file")" "$(cat "$file")"
  done
}
main work
#### word counts in an associative array
declare -A counts
while read -r word; do
  counts[$word]=$(( ${counts[$word]:-0} + 1 ))
done <<'EOF'
apple
banana
apple
cherry
banana
apple
EOF
for k in "${!counts[@]}"; do echo "$k ${counts[$k]}"; done | sort -k2,2nr -k1,1
#### jq inside conditions
json='{"name":"x","items":[1,2,3]}'
echo "$json" | jq -r '.name'
n=$(echo "$json" | jq '.items | length')
if [[ $n -gt 2 ]]; then echo "many: $n"; else echo few; fi
#### retry with until
retry() {
  local n=0 max=3
  until "$@"; do
    n=$((n+1))
    if (( n >= max )); then echo "failed after $n"; return 1; fi
  done
}
retry false || echo "gave up: $?"
retry true && echo ok
#### EXIT trap sees the exit status
trap 'echo "cleanup $?"' EXIT
tmp=$(mktemp -d)
echo data > "$tmp/f"
[[ -s $tmp/f ]] && echo written
exit 3
#### set -e with checked failures
set -e
check() { [[ -f "$1" ]] || { echo "missing $1" >&2; return 1; }; }
touch present
check present && echo found
if ! check absent 2>/dev/null; then echo "absent handled"; fi
echo done
#### array indexes and IFS joins
arr=(one two three)
for i in "${!arr[@]}"; do
  printf '%d=%s\n' "$i" "${arr[$i]}"
done
echo "last: ${arr[-1]}, count: ${#arr[@]}"
IFS=,; echo "${arr[*]}"; unset IFS
#### reversing words
str="The quick brown fox"
read -ra words <<< "$str"
echo "${#words[@]} words"
rev=""
for (( i=${#words[@]}-1; i>=0; i-- )); do rev+="${words[i]} "; done
echo "${rev% }"
echo "${str,,}" | tr ' ' '\n' | sort | head -2
#### ini parsing with regex captures
cat > conf.ini <<'EOF'
[main]
name = demo
port=8080
# comment
[other]
key = value
EOF
section=""
while IFS= read -r line; do
  line="${line%%#*}"
  [[ -z "${line// }" ]] && continue
  if [[ $line =~ ^\[(.*)\]$ ]]; then section=${BASH_REMATCH[1]}; continue; fi
  key=$(echo "${line%%=*}" | xargs); val=$(echo "${line#*=}" | xargs)
  echo "$section.$key=$val"
done < conf.ini
#### option parsing with case
f() {
  case "$1" in
    -h|--help) echo usage ;;
    -v) shift; echo "verbose ${1:-none}" ;;
    *) echo "arg: $1" ;;
  esac
}
f -h; f -v x; f other; f
#### arithmetic while loop
x=10
while (( x > 0 )); do
  (( x % 3 == 0 )) && echo "div3 $x"
  (( x -= 1 )) || true
done
#### reading through a descriptor
printf '%s\n' "line one" "line two" > in.txt
exec 3< in.txt
while read -r -u 3 l; do echo "got: $l"; done
exec 3<&-
mapfile -t lines < in.txt; echo "${#lines[@]} ${lines[1]}"
#### function over its arguments
sum() { local s=0; for n; do (( s += n )); done; echo $s; }
sum 1 2 3 4; sum; result=$(sum 10 20); echo "r=$result"
#### defaults with :=
if [ -z "${UNSET_VAR:-}" ]; then echo "unset ok"; fi
: "${DEFAULTED:=fallback}"; echo "$DEFAULTED"
echo "${NOT_SET:-a}${NOT_SET:+b}"
#### globs that match nothing
for f in *.nomatch; do [ -e "$f" ] || { echo "no files"; break; }; done
shopt -s nullglob; files=(*.nomatch); echo "${#files[@]}"
#### nested substitutions
echo "a:b:c" | { IFS=: read -r x y z; echo "$z$y$x"; }
echo "$(( $(echo 2) ** $(echo 3) ))"
echo "nested: $(echo "outer $(echo "inner")")"
