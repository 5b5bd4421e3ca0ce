#### quoting mix
echo "a'b" 'c"d' "e\"f" 'g\h' "i\\j" "\$k"
#### nested param default with expansion
x=; y=fallback; echo "${x:-$y}" "${x:-"quoted $y"}"
#### param assign default
unset q; echo ${q:=init}; echo $q
#### param error
unset q; echo ${q:?missing value}; echo not here
#### param alternate unset
echo "[${nope+set}]" "[${HOME+set}]"
#### pattern with classes
s=abc123def; echo ${s//[0-9]/#} ${s##*[0-9]} ${s%%[0-9]*}
#### replace with slash
p=/a/b/c; echo ${p//\//:}
#### substring negative length
s=abcdef; echo ${s:1:-2} ${s: -3:2}
#### arithmetic ops
echo $(( 7 & 3 )) $(( 7 | 8 )) $(( 7 ^ 2 )) $(( 1 << 4 )) $(( 256 >> 2 )) $(( !0 )) $(( ~0 )) $(( 5 > 3 && 2 > 1 ))
#### arithmetic ternary and comma
echo $(( 1 ? 10 : 20 )) $(( a=3, a*2 ))
#### arithmetic negative modulo
echo $(( -7 % 3 )) $(( -7 / 2 ))
#### arithmetic hex octal base
echo $(( 0xff )) $(( 010 )) $(( 2#1010 )) $(( 36#z ))
#### arithmetic unset var
echo $(( nothing + 1 ))
#### arithmetic division by zero
echo $(( 1 / 0 )); echo after
#### increment forms
i=1; ((i++)); ((++i)); ((i+=10)); echo $i; ((i--)); echo $i
#### let multiple
let a=1 b=a+1; echo $a $b
#### string multiplication loop
s=; for i in {1..5}; do s+=x; done; echo $s
#### while with break condition
n=0; while :; do n=$((n+1)); [ $n -ge 4 ] && break; done; echo $n
#### until with counter
n=3; until [ $n -eq 0 ]; do echo -n "$n "; n=$((n-1)); done; echo
#### for over command output
for w in $(echo one two three); do echo "<$w>"; done
#### for over glob
for f in dir/*.txt dir/*.md; do echo $f; done
#### nested functions and return codes
inner() { return 5; }; outer() { inner; echo "inner=$?"; return 2; }; outer; echo "outer=$?"
#### function with local array
f() { local -a arr=(x y); echo ${#arr[@]}; }; f
#### function redefinition
f() { echo one; }; f() { echo two; }; f
#### function positional restore
set -- a b; f() { echo "in:$1"; }; f z; echo "out:$1"
#### recursion fib
fib() { if [ $1 -lt 2 ]; then echo $1; else echo $(( $(fib $(($1-1))) + $(fib $(($1-2))) )); fi; }; fib 10
#### case patterns multiple
for x in a.txt b.md c.rs; do case $x in *.txt|*.md) echo doc;; *.rs) echo code;; esac; done
#### case no match
case zzz in a) echo a;; esac; echo "status $?"
#### case continue
case abc in a*) echo first;;& *c) echo second;; esac
#### test -nt -ot
touch -d '2020-01-01' old; touch -d '2021-01-01' new; [ new -nt old ] && echo newer; [ old -ot new ] && echo older
#### test -z -n unquoted empty
x=; [ -z $x ] && echo empty; [ -n "$x" ] || echo not-n
#### test string vs number
[ 10 -gt 9 ] && echo num; [ 10 '>' 9 ] || echo str
#### double bracket and or
[[ -f a.txt && ( -d dir || -d nope ) ]] && echo yes
#### double bracket regex capture
[[ "v1.2.3" =~ ^v([0-9]+)\.([0-9]+) ]] && echo ${BASH_REMATCH[0]} ${BASH_REMATCH[2]}
#### double bracket pattern quoted
x='a*'; [[ abc == $x ]] && echo glob; [[ abc == "$x" ]] || echo literal
#### read with default IFS trims
echo "   spaced   words  " | { read a b; echo "[$a][$b]"; }
#### read last var gets rest
echo "a b c d e" | { read x y; echo "[$x][$y]"; }
#### read from heredoc
read a b <<EOF
one two
EOF
echo $b$a
#### while read with IFS colon
printf 'a:1\nb:2\n' | while IFS=: read k v; do echo "$k=$v"; done
#### read -d
printf 'x;y;' | { read -d ';' a; echo $a; }
#### heredoc with command subst
cat <<EOF
today is $(echo sunny) and $((6*7))
EOF
#### heredoc in function
f() { cat <<EOF
in $1
EOF
}; f func
#### redirect to dir error
echo x > dir; echo $?
#### redirect input missing
cat < missing; echo $?
#### append redirect creates
echo a >> newfile; echo b >> newfile; cat newfile
#### stderr to stdout order
{ echo out; echo err >&2; } 2>&1 | sort
#### redirect stdout to stderr
echo visible >&2 | cat; echo done
#### pipeline exit of first ignored
false | echo piped; echo $?
#### subshell exit status
( exit 7 ); echo $?; ( true; false ); echo $?
#### group output redirect
{ echo one; echo two; } > grp.txt; wc -l < grp.txt
#### command substitution exit status
x=$(false); echo $?; y=$(echo ok; exit 3); echo $? $y
#### nested command substitution quotes
echo "$(echo "$(echo 'deep "quoted"')")"
#### backtick nesting
echo `echo \`echo inner\``
#### word splitting of substitution
n=$(printf 'a b\nc'); for w in $n; do echo "<$w>"; done
#### IFS empty no split
IFS=; x="a b c"; for w in $x; do echo "<$w>"; done
#### dollar star vs at
set -- "a b" c; for x in "$*"; do echo "[$x]"; done; for x in $@; do echo "($x)"; done
#### array negative index
a=(1 2 3); echo ${a[-1]} ${a[@]: -2}
#### array keys after unset
a=(a b c); unset 'a[1]'; echo ${#a[@]} ${!a[@]}
#### array from glob
files=(dir/*.txt); echo ${#files[@]} ${files[0]}
#### array in arithmetic
a=(5 6); echo $(( a[0] * a[1] ))
#### export to env
export A=1; B=2; env | grep -E '^(A|B)=' | sort
#### unset function
f() { echo f; }; unset -f f; f 2>/dev/null; echo $?
#### set -e in function
set -e; f() { false; echo no; }; f; echo unreached
#### set -e with and-list
set -e; false && echo x; echo continued
#### set -u with default
set -u; echo ${missing:-ok}
#### set -x output goes to stderr
set -x; echo traced 2>/dev/null
#### eval with quotes
eval 'x="a b"'; echo "$x"; eval echo '$x'
#### source with args
printf 'echo "sourced $1 $#"\n' > s.sh; . ./s.sh arg1 arg2
#### exit in subshell does not exit
(exit 1); echo still here
#### exit from function exits script
f() { exit 9; }; f; echo not here
#### break outside loop
break; echo ok
#### true pipe wc
true | wc -c
#### printf padding and precision strings
printf '[%8.3s][%-8s][%08.3f]\n' abcdef ab 3.14159
#### printf char and unsigned
printf '%c%c %u %i\n' hello world 42 -7
#### printf too few args
printf '%s-%s\n' a
#### printf invalid number
printf '%d\n' abc; echo $?
#### printf %b escapes
printf '%b\n' 'a\tb' 'c\x41'
#### echo with escapes off
echo 'a\tb'; echo -E 'a\tb'
#### head and tail together
seq 100 | head -50 | tail -3
#### sort numeric key and field
printf 'b 2\na 10\nc 1\n' | sort -k2 -n; printf 'b 2\na 10\nc 1\n' | sort -k2
#### sort -t with multiple keys
printf 'x:2:b\ny:1:a\nz:2:a\n' | sort -t: -k2,2n -k3,3
#### sort -f and -b
printf 'b\nA\na\nB\n' | sort -f; printf ' b\na\n' | sort -b
#### uniq -c width
printf 'a\na\nb\n' | uniq -c | cat -A
#### cut bytes and ranges
echo abcdefgh | cut -c -3,6-; echo 'a:b:c' | cut -d: -f2 --output-delimiter=-
#### tr ranges and squeeze
echo 'hello    world' | tr -s ' ' | tr 'a-y' 'b-z'
#### tr delete complement
echo 'abc-123_x' | tr -cd '[:alnum:]'; echo
#### wc on empty and noeol
wc -l empty.txt noeol.txt; wc -c < noeol.txt
#### grep -c multiple files
grep -c needle dir/one.txt dir/two.md
#### grep -o with -i
echo 'Foo foo FOO' | grep -io foo
#### grep -v -c
grep -vc o a.txt
#### grep word boundary special
echo 'foo_bar foo-bar' | grep -ow 'foo'
#### grep -E alternation anchors
grep -E '^(foo|baz)' a.txt
#### grep fixed with dots
printf 'a.b\naxb\n' | grep -F 'a.b'
#### grep -l stdin
echo hi | grep -l hi
#### grep -A overlapping
printf '1\nm\n2\nm\n3\n4\n' | grep -A1 m
#### grep -B at start
printf 'm\n1\n' | grep -B2 m
#### grep -n -H single file
grep -nH bar a.txt
#### grep -r with file operand and dir
grep -r 'needle' dir/one.txt dir/sub | sort
#### grep missing pattern arg
grep; echo $?
#### sed -n with multiple p
sed -n -e 1p -e 3p a.txt
#### sed address last and regex
sed -n '/bar/,$p' a.txt
#### sed substitute with special delim
echo /usr/local/bin | sed 's|/usr|/opt|'
#### sed global with count
echo aaa | sed 's/a/b/g'; echo 'a.b.c' | sed 's/\./-/2'
#### sed insert before match
sed '/foo/i\--before--' a.txt
#### sed delete range
seq 6 | sed '2,4d'
#### sed -E quantifiers
echo 'aaa bbb' | sed -E 's/a{2}/X/; s/b+/Y/'
#### sed escaped newline in replacement
echo 'a,b' | sed 's/,/\n/'
#### sed y with escapes
printf 'a\tb\n' | sed 'y/\t/ /'
#### sed c on range
seq 5 | sed '2,3c\changed'
#### awk field separator regex
echo 'a1b22c333d' | awk -F'[0-9]+' '{print $1, $2, $3, $4}'
#### awk printf no newline
awk 'BEGIN { printf "%s", "x"; printf "%s\n", "y" }'
#### awk length without parens
awk '{ print length }' a.txt
#### awk index and split regex
awk 'BEGIN { n = split("a1b2c", p, /[0-9]/); print n, p[1], p[2], p[3] }'
#### awk getline var from stdin
printf '1\n2\n3\n' | awk 'NR==1 { getline x; print $0, x }'
#### awk output field separator
awk 'BEGIN { OFS="-" } { $1 = $1; print }' a.txt
#### awk uninitialized array length
awk 'BEGIN { print length(arr) }'
#### awk while getline count lines
awk 'BEGIN { while ((getline l < "a.txt") > 0) n++; print n }'
#### awk comparisons mixed
awk 'BEGIN { print ("abc" < "abd"), (2 < 10), ("2" < "10") }'
#### awk modulo and exponent
awk 'BEGIN { print 7 % 3, 2 ^ 3 ^ 2, -2 ^ 2 }'
#### jq filters select map
jq -c '[.[] | select(. > 1)]' <<< '[1,2,3]'; jq -c 'map(. * 10)' <<< '[1,2]'
#### jq keys and has
jq -c 'keys, has("name"), (.tags | index("agents"))' obj.json
#### jq reduce and range
jq -n 'reduce range(1;5) as $i (0; . + $i)'
#### jq string ops
jq -r '.name | ascii_upcase, length, split("r")' obj.json
#### jq if else
jq -c '.[] | if . > 1 then "big" else "small" end' <<< '[1,2]'
#### jq alternative and null
jq -c '.missing // "default"' obj.json
#### jq paths and del
jq -c 'del(.nested) | keys' obj.json
#### jq tostring tonumber
jq -c '[.[] | tostring]' <<< '[1,"a",null]'; jq '"42" | tonumber + 1' -n
#### jq slurp raw
printf 'a\nb\n' | jq -R -s -c 'split("\n")'
#### jq raw input lines
printf 'x\ny\n' | jq -R -c '{line: .}'
#### xargs -n1 with quotes
echo "'a b' c" | xargs -n1 echo
#### xargs empty input
printf '' | xargs echo run; printf '' | xargs -r echo norun; echo end
#### find -newer
touch -d '2000-01-01' ancient; find . -maxdepth 1 -name 'a*' -newer ancient | sort
#### find -type with multiple starts
find dir/sub dir/one.txt -type f | sort
#### find -name with brackets
find . -name '[an]*.txt' | sort
#### find -iname -o parenthesized
find dir \( -name '*.md' -o -name '*.log' \) | sort
#### ls -l size column alignment
ls -l a.txt nums.txt | awk '{print $5, $NF}'
#### stat format
stat -c '%n %s %F' a.txt empty.txt
#### basename with suffix option
basename -s .txt dir/one.txt a.txt; basename -a x/y z/w
#### seq formats
seq -f '%03g' 3; seq 1 2 9 | paste -sd+ | bc
#### nl options
nl -ba -w3 -s: a.txt
#### paste stdin twice
printf '1\n2\n3\n4\n' | paste - -
#### base64 wrap
printf 'x%.0s' {1..60} | base64 -w 20
#### rev and tac empty
printf '' | tac; printf '' | rev; echo end
#### md5 of stdin
printf 'abc' | md5sum
#### cat -s -E
printf 'a\n\n\n\nb\n' | cat -s -E
#### tee to file and pipe
echo data | tee out1 | tr a-z A-Z; cat out1
#### mkdir -p existing file conflict
mkdir -p a.txt/sub; echo $?
#### cp -n no clobber
echo new > n1; cp -n n1 a.txt; head -1 a.txt
#### mv rename onto existing
echo 1 > m1; echo 2 > m2; mv m1 m2; cat m2; ls m1 2>/dev/null; echo $?
#### rm -rf nested
mkdir -p r/s/t; touch r/s/t/f; rm -rf r; ls r 2>/dev/null; echo $?
#### touch existing updates
touch a.txt; head -1 a.txt
#### ln -sf replace
ln -s a.txt l1; ln -sf nums.txt l1; readlink l1
#### readlink -f chain
ln -s a.txt l1; ln -s l1 l2; readlink -f l2 | sed 's|.*/||'
#### diff identical dirs files status
cp a.txt c.txt; diff a.txt c.txt && echo same
#### diff added lines only
printf 'a\n' > d1; printf 'a\nb\nc\n' > d2; diff d1 d2
#### diff deleted lines
printf 'a\nb\nc\n' > d1; printf 'c\n' > d2; diff d1 d2
#### tar list verbose extract
mkdir t; echo x > t/f; tar cf t.tar t; rm -r t; tar xf t.tar; cat t/f
#### gzip -d file
gzip nums.txt; ls nums.txt* ; gzip -d nums.txt.gz; head -2 nums.txt
#### split bytes
printf 'abcdefghij' | split -b 4 - piece; cat pieceaa; echo; cat pieceac; echo
#### expr string ops
expr substr hello 2 3; expr index hello l; expr match abc 'a.'
#### bc comparisons
echo '3 > 2; 2 == 3; 10 % 3' | bc
#### date epoch
date -u -d @86400 '+%Y-%m-%d %H:%M'
#### env command
env X=5 printenv X
#### sleep zero
sleep 0; echo slept
#### timeout short
timeout 1 sleep 0.1; echo $?
#### which builtin-like
which cat; which zzz; echo $?
#### type for function and missing
f() { :; }; type -t f; type -t cd; type nosuch 2>/dev/null; echo $?
#### command -v
command -v cat; command -v cd; command -v nosuch; echo $?
#### yes custom
yes hi | head -2
#### mapfile
mapfile -t lines < a.txt; echo ${#lines[@]} "${lines[1]}"; printf 'x\ny\n' | { readarray arr; echo ${#arr[@]}; }
#### trap exit
trap 'echo cleanup $?' EXIT; echo body
#### trap exit on exit call
trap 'echo bye' EXIT; echo start; exit 3
#### trap reset
trap 'echo no' EXIT; trap - EXIT; echo done
#### shopt nullglob
shopt -s nullglob; for f in *.nothing; do echo "got $f"; done; echo end
#### shopt globstar
shopt -s globstar; echo dir/**/*.txt; echo **/three.txt
#### random in range
x=$RANDOM; [ $x -ge 0 ] && [ $x -lt 32768 ] && echo ok
#### seconds
[ $SECONDS -ge 0 ] && echo ok
#### process substitution diff
diff <(printf 'a\nb\n') <(printf 'a\nc\n'); echo $?
#### process substitution while read
while read l; do echo "[$l]"; done < <(printf '1\n2\n')
#### process substitution cat and comm
cat <(echo one) <(echo two); comm -12 <(printf 'a\nb\n') <(printf 'b\nc\n')
#### awk NR==FNR join with procsub
awk 'NR==FNR {a[$1]=$2; next} $1 in a {print $1, a[$1], $2}' <(printf 'x 1\ny 3\n') <(printf 'x 2\nz 4\n')
#### assoc basic
declare -A m; m[apple]=red; m[banana]=yellow; k="cherry pie"; m[$k]=dark; echo ${m[apple]} ${m[banana]} "${m[$k]}" ${#m[@]}
#### assoc literal and keys sorted
declare -A m=([one]=1 [two]=2 [three]=3); for k in "${!m[@]}"; do echo "$k=${m[$k]}"; done | sort
#### assoc counting words
declare -A c; for w in $(cat words.txt); do c[$w]=$(( ${c[$w]:-0} + 1 )); done; for k in "${!c[@]}"; do echo "$k ${c[$k]}"; done | sort
#### assoc arithmetic increment
declare -A n; for w in a b a c a; do ((n[$w]++)); done; echo ${n[a]} ${n[b]} ${n[c]}
#### assoc unset and test
declare -A m=([x]=1 [y]=2); unset 'm[x]'; echo ${#m[@]} "${m[x]:-gone}" ${m[y]}
#### assoc append
declare -A m=([k]=a); m[k]+=b; m+=([z]=9); echo ${m[k]} ${m[z]}
#### assoc in function local
f() { local -A t=([q]=w); echo ${t[q]}; }; f
#### read clustered flags
IFS=, read -ra parts <<< "a,b,c"; echo ${#parts[@]} ${parts[2]}; read -rd ';' x <<< "one;two"; echo $x
#### dollar paren file
x=$(<a.txt); echo "${x%%$'\n'*}"; y=$(< nums.txt); echo ${#y}
#### pushd popd
pushd dir >/dev/null; pwd | sed 's|.*/||'; pushd sub >/dev/null; popd >/dev/null; pwd | sed 's|.*/||'; popd >/dev/null; [ -f a.txt ] && echo back
#### getopts
f() { local OPTIND opt; while getopts "ab:c" opt; do case $opt in a) echo A;; b) echo "B=$OPTARG";; c) echo C;; ?) echo bad;; esac; done; shift $((OPTIND-1)); echo "rest: $*"; }; f -a -b val -c x y; f -ab2 z; f -q 2>/dev/null
#### getopts silent missing arg
f() { while getopts ":b:" o; do case $o in b) echo "b=$OPTARG";; :) echo "missing $OPTARG";; \?) echo "unknown $OPTARG";; esac; done; }; f -b; f -z
#### time keyword
time echo timed 2>/dev/null; echo $?
#### cd -P and sort -S
cd -P dir && ls | head -1; sort -S 10M --parallel=2 ../words.txt | head -2
#### printf %q quotes like bash
x="a b'c"; printf '%q\n' "$x" '' 'a,b^c' 'x%y+z-1.2/3:4=5@6' '~/a' 'a:~b' '#c' 'c#' "$(printf 'a\tb\033c\177')" 'semi;' 'a!b' '{x}'
#### ${var@Q} @E @U @u @L
x="it's"; y=$'t\tz'; e='a\tb'; a=(1 'two words'); echo "${x@Q}" "${y@Q}" "${e@E}" "${x@U}" "${x@u}" "${x@L}"; echo "${a[@]@Q}"
#### [[ -v ]] on array elements
declare -A m=([k]=v); a=(1 2 3); k=k; [[ -v m[k] ]] && echo y1; [[ -v m[$k] ]] && echo y2; [[ -v m[z] ]] || echo n1; [[ -v a[2] ]] && echo y3; [[ -v a[5] ]] || echo n2; [[ -v a[-1] ]] && echo y4; [[ -v a[@] ]] && echo y5; test -v a[1] && echo y6
#### printf format escapes: octal from the first digit, \c literal
printf '\0101|\101|\60|\c|\x41|\e|\n' | od -c
#### declare -i arithmetic assignments
declare -i n=5+2; echo $n; n+=3; echo $n; n="n*2"; echo $n; declare -i m; m=abc; echo "[$m]"; f() { local -i k=2*3; echo $k; }; f; declare -ai a; a[1]=4+4; echo ${a[1]}; x=1; x+=2; echo $x
#### declare -p
x='a"b$c'; declare -p x; arr=(3 1 2); declare -p arr; declare -i n=4; declare -p n; export E=1; declare -p E; declare -p nope 2>/dev/null; echo $?; readonly R=2; declare -p R
#### trap ERR as bash (not in conditions, subshells, functions)
trap "echo err-trap \$?" ERR; false; echo next; if false; then :; fi; false || true; ! false; (exit 3); [[ a == b ]]; x=$(false); false | true; true | false; f() { false; echo in-f; return 2; }; f; trap; trap - ERR; false; echo end; set -e; trap "echo bye" ERR; false; echo notreached
#### unicode escapes (ASCII code points: the oracle's bash runs with LC_ALL=C)
echo $'\x41\u0042\U00000043'; echo -e '\u0044'; printf '\u0045|\x41g|\1010\n'
#### positional slices count from $0
set -- a b c d; echo ${@:2} "${@:1:2}" ${*:3:1} ${@: -1} ${@: -2:1}; f() { echo "${@:2}"; }; f x y z
#### empty anchored replacement
v=abc; a=(1 2); echo ${v/#/x} ${v/%/y} ${v//} "${a[@]/#/-}" "${a[@]/%/+}"
#### based number from a variable
x=08; h=09; echo $((10#$x + 1)) $((10#${h})) $((16#$x)) $((2#$((1))))
#### case toggle
x=hello; y=HeLLo; a=(ab Cd); echo ${x~} ${x~~} ${y~~} ${y~} ${a[@]~~} ${a[1]~}
#### uname whoami id hostname
uname; uname -s; uname -srm; uname -a; whoami; id; id -u; id -un; id -G; hostname
#### shuf permutations
shuf -e c a b | sort; seq 10 | shuf | sort -n | tr '\n' ' '; echo; shuf -i 1-5 | sort | wc -l
shuf -n 2 -e a b c | wc -l; shuf -r -n 4 -e x | uniq -c; shuf -i 5-1; echo $?
#### mkfifo and file type tests
mkfifo p; ls -l p | cut -c1-10; [ -p p ] && echo fifo; [ -f p ] || echo notfile; mkfifo p; echo $?
#### mkdir -m and special mode bits in ls
mkdir -m 1777 t; [ -k t ] && echo sticky; ls -ld t | cut -c1-10; mkdir -m 700 u; ls -ld u | cut -c1-10
mkdir -p -m 700 w/x; ls -ld w w/x | cut -c1-10; touch f; chmod 4644 f; ls -l f | cut -c1-10; chmod 2755 f; [ -g f ] && echo sgid; stat -c %A f
#### source /dev/null
source /dev/null; echo $?; . /dev/null; echo ok
#### od types, columns and repeats
echo -n abc | od -An -tx1; printf 'hello world\n' | od -c; printf 'ab' | od; printf 'abc' | od -x
printf 'hello\0\001\377' | od -t x1 -t c; printf 'AB\n' | od -a; printf '\x01\x02\x03\x04' | od -t u4 -t d2 -A d
printf '%064d' 0 | tr 0 '\0' > z; od -t x1 z; od -v -A x -t x2 z | head -3
printf 'abcdefgh' | od -t x8 -t o2; printf '\xff\xfe' | od -t d1 -t u1 -t x1; printf 'xyz' | od -j 1 -N 1 -c
printf 'hello world, this is text\n' | od -w8 -c; printf 'abc' | od -t x1z; od -t q1 z; echo $?
#### raw bytes survive printf, variables and substitutions
printf '\377\xfe' | od -An -tx1; echo -ne '\xff' | od -An -tx1; printf '%b' '\0377' | od -An -tx1
x=$'\xff'; printf %s "$x" | od -An -tx1; echo ${#x}; y=$(printf 'a\xffb'); printf %s "$y" | od -An -tx1
printf '\xff\n' > f; read -r l < f; printf %s "$l" | wc -c; echo "$x" > g; wc -c < g
#### date -d with relative items and more date forms
for d in '2024-02-28 + 1 day' '2024-01-31 + 1 month' '2024-03-05T10:20:30Z' '2024/03/05' 'Mar 5 2024' '5 Mar 2024' '2024-01-01 3 weeks' '2024-01-01 -1 day' '2024-03-01 1 year ago' 'March 5, 2024' '2024-03-05 10:20'; do date -u -d "$d" '+%F %T'; done
d1=$(date -u -d 2024-01-01 +%s); d2=$(date -u -d '2024-01-01 + 60 days' +%s); echo $(( (d2 - d1) / 86400 )); date -u -d "1 day ago" +%F >/dev/null && echo rel; touch -d '2024-01-01 + 1 day' t; date -u -r t +%F
#### type and command -V know keywords, -t/-p/-P
f() { :; }; type -t f echo if '[['; echo $?
type -p ls; type -p echo; echo "p=$?"; type -P echo
command -V if; command -v if; command -V f; command -V nosuch 2>/dev/null; echo $?
type if nosuch 2>/dev/null; echo $?; type -t nosuch; echo $?; type -P nosuch; echo $?
