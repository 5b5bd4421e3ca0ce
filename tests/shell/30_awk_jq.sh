#### awk print fields
awk '{print $1}' a.txt; awk '{print $2, $1}' a.txt
#### awk -F
awk -F, '{print $2}' data.csv; awk -F, 'NR>1 {s+=$2} END {print s}' data.csv
#### awk NR NF
awk '{print NR": "NF}' a.txt; awk 'END {print NR}' a.txt
#### awk patterns
awk '/foo/' a.txt; awk '$1 == "baz"' a.txt; awk 'NR==2, NR==3' a.txt; awk '!/o/' a.txt
#### awk BEGIN only
awk 'BEGIN {print 1+2, 7/2, 2^10, 10%3}'
#### awk printf
awk -F, 'NR>1 {printf "%-6s %3d %s\n", $1, $2, toupper($3)}' data.csv
#### awk arrays
awk -F, 'NR>1 {c[$3]++} END {for (k in c) print k, c[k]}' data.csv | sort
#### awk string funcs
awk 'BEGIN {s="hello world"; print length(s), substr(s,1,5), index(s,"wor"), toupper(s)}'
#### awk split
awk 'BEGIN {n=split("a:b:c", arr, ":"); print n, arr[1], arr[3]}'
#### awk sub gsub
awk '{gsub(/o/, "0"); print}' a.txt; awk '{n=sub(/l+/, "L"); print n, $0}' a.txt
#### awk match
awk 'match($0, /o+/) {print RSTART, RLENGTH}' a.txt
#### awk -v
awk -v x=5 -v name=bob 'BEGIN {print x*2, name}'
#### awk functions
awk 'function sq(n) { return n*n } BEGIN { print sq(4), sq(1.5) }'
#### awk recursion
awk 'function f(n) { return n <= 1 ? 1 : n * f(n-1) } BEGIN { print f(10) }'
#### awk array param
awk 'function fill(a, n,  i) { for (i=1;i<=n;i++) a[i]=i*i } BEGIN { fill(sq, 3); print sq[1], sq[2], sq[3] }'
#### awk loops
awk 'BEGIN { for (i=0;i<3;i++) printf "%d ", i; print ""; i=0; while (i<2) { print "w" i; i++ }; do { print "d" } while (0) }'
#### awk next exit
awk 'NR==2 {next} {print} NR==3 {exit}' a.txt; echo $?
#### awk exit code
awk 'BEGIN {exit 3}'; echo $?
#### awk assign field
awk '{$2 = "X"; print}' a.txt; awk -F, -v OFS=';' '{$1=$1; print}' data.csv
#### awk NF modify
echo 'a b c d' | awk '{NF=2; print}'
#### awk last field
awk '{print $NF}' a.txt
#### awk number formatting
awk 'BEGIN {print 0.1+0.2, 1e6, 1e20, 100/3, -0.5, int(-3.7)}'
#### awk string compare
echo '10 9' | awk '{print ($1 > $2), ("10" > "9")}'
#### awk uninitialized
awk 'BEGIN {print x+0, "[" x "]", length(x)}'
#### awk in and delete
awk 'BEGIN {a["x"]=1; a["y"]=2; delete a["x"]; print ("x" in a), ("y" in a), length(a)}'
#### awk getline file
awk 'BEGIN { while ((getline line < "nums.txt") > 0) s += line; print s }'
#### awk multiple files FNR
awk 'FNR==1 {print FILENAME}' a.txt nums.txt
#### awk regex dynamic
awk -v re='^b' '$0 ~ re' words.txt
#### awk ternary and concat
awk '{print (NR%2 ? "odd" : "even") "-" NR}' a.txt
#### awk printf widths
awk 'BEGIN {printf "%5.2f|%-5s|%05d|%x|%c|%e\n", 3.14159, "ab", 42, 255, 65, 12345.678}'
#### awk print redirect
awk '{print $1 > "first.txt"}' a.txt; cat first.txt
#### awk RS paragraph
printf 'a\nb\n\nc\nd\n' | awk 'BEGIN{RS=""} {print NR": "$1}'
#### awk stdin
cat nums.txt | awk '$1 > 5 {print}'
#### awk SUBSEP
awk 'BEGIN {a[1,2]=3; for (k in a) {split(k, p, SUBSEP); print p[1], p[2], a[k]}}'
#### awk compound assign
awk 'BEGIN {x=10; x+=5; x-=3; x*=2; x/=4; x%=4; x^=3; print x}'
#### awk syntax error
awk '{print $1' a.txt; echo $?
#### jq identity
jq . obj.json
#### jq compact and raw
jq -c .tags obj.json; jq -r '.tags[]' obj.json; jq .name obj.json
#### jq lines
jq -c 'select(.tag == "x")' lines.jsonl; jq -s 'map(.n) | add' lines.jsonl
#### jq nested
jq '.nested.v | length' obj.json; jq -c '.nested | keys' obj.json
#### jq construct
jq -c '{id, double: (.n * 2)}' lines.jsonl
#### jq null input
jq -n '[range(5)] | map(. * 2)' -c
#### jq args
jq -n --arg name mirage --argjson n 3 '{name: $name, n: $n}' -c
#### jq error
echo '{"a":1}' | jq '.a.b'; echo $?
#### jq runtime error ends that input only
jq -n '1, error("x"), 2'; echo $?; echo '1 2 3' | jq 'if . == 2 then error("two") else . end'; echo $?
#### jq over a large JSON Lines file (split across threads) and a large single value
seq 1 120000 | awk '{printf "{\"id\":%d,\"v\":\"x%d\"}\n", $1, $1 % 7}' > big.jsonl
jq -c 'select(.id % 10007 == 0)' big.jsonl; jq -e '.id > 0' big.jsonl | tail -1; echo $?
jq -c 'if .id == 77777 then error("boom") else empty end' big.jsonl; echo $?
jq -c 'if .id == 120000 then error("last") else empty end' big.jsonl; echo $?
jq -s . big.jsonl > arr.json; jq -c '.[12345], length' arr.json
jq 'def f(n): if n == 0 then 0 else f(n-1) + 1 end; select(.id == 7) | f(1500)' big.jsonl
jq -n 'def f(n): if n == 0 then 0 else f(n-1) + 1 end; f(1500)'; echo '[3]' | jq 'def f(n): if n == 0 then 0 else f(n-1) + 1 end; f(.[0] * 400)'
(cat big.jsonl; echo '{"id": 1,'; cat big.jsonl) > broken.jsonl; jq -c 'select(.id == 119999)' broken.jsonl; echo end
#### jq bad json
echo '{bad' | jq .; echo done
#### jq group_by
jq -s -c 'group_by(.tag) | map({tag: .[0].tag, count: length})' lines.jsonl
#### jq -e
echo 'null' | jq -e .; echo $?
#### jq raw join
jq -j '.id' lines.jsonl; echo
#### jq sort keys
echo '{"b":1,"a":2}' | jq -S -c .
#### jq string interpolation
jq -r '"\(.id): \(.tag)"' lines.jsonl
#### jq to_entries
jq -c 'to_entries | map(.key)' obj.json
#### jq inputs with null input
jq -n -c '[inputs.id]' lines.jsonl; jq -n 'input.tag' lines.jsonl
#### jq paths through null, as jq
jq -n 'null | .a'; echo '{}' | jq '.a.b'; echo null | jq '.[0]'; jq -nc 'null | .a = 1'; jq -nc '{} | .a.b = 1'; jq -nc 'null | .[1:2]'
jq -nc '[null] | .[0].x'; jq -nc '.a += 1'; jq -nc 'null | .[2] = 1'; jq -nc '[1] | .[3] = 2'; jq -nc '{a:1} | .b.c'; echo '"s"' | jq '.a'; echo $?
#### awk strftime, systime and FILENAME of standard input
printf 'a\n' | awk '{ print FILENAME "|" }'; echo | awk '{ print strftime("%Y-%m-%d %H:%M:%S", 86400*365, 1) }'
awk 'BEGIN { print (systime() > 1000000000), FILENAME "|" }'; printf 'x\n' > f; awk '{ print FILENAME }' f; awk 'END { print FILENAME "|" NR }' < /dev/null
