#### echo
echo hello world
#### echo -n -e
echo -n a; echo -e 'b\tc'; echo -e 'x\c'; echo
#### variables
x=1; y="two words"; echo $x "$y" ${x}z
#### unset var empty
echo "[$nope]" [${nope}]
#### default ops
echo ${u:-def} ${u-d2} "${e:=set}" $e ${e:+alt} ${u:+alt}x
#### empty vs unset
e=; echo "${e-unset}" "${e:-null}"
#### prefix suffix
f=path/to/file.tar.gz; echo ${f#*/} ${f##*/} ${f%.*} ${f%%.*}
#### replace
s=aXbXc; echo ${s/X/-} ${s//X/-} ${s/#a/A} ${s/%c/C} ${s//X}
#### length substring
s=abcdef; echo ${#s} ${s:2} ${s:1:3} ${s: -2} ${s:0:-1}
#### case mod
s=hello; echo ${s^} ${s^^} ${s,,}
#### arithmetic
echo $((1+2*3)) $((10/3)) $((10%3)) $((2**10)) $(( (1+2)*3 ))
#### arith vars
i=5; echo $((i+1)) $((i*=2)) $i; ((i++)); echo $i
#### arith compare status
(( 3 > 2 )) && echo yes; (( 0 )) || echo zero
#### command substitution
echo "a $(echo b c) d" `echo e`
#### nested substitution
echo $(echo $(echo deep))
#### subst strips newlines
x=$(printf 'a\n\n\n'); echo "[$x]"
#### word splitting
x="a   b  c"; for w in $x; do echo "<$w>"; done
#### quoted no split
x="a   b"; for w in "$x"; do echo "<$w>"; done
#### IFS custom
IFS=,; x="a,b,,c"; for w in $x; do echo "<$w>"; done
#### single quotes
echo '$HOME "x"' 'a\nb'
#### ansi c
echo $'tab\there' $'nl\\n'
#### backslash
echo a\ b \$x \\
#### brace expansion
echo {a,b,c}x x{1..3} {3..1} {a..c}
#### brace nested
echo pre{A,B{1,2}}post
#### glob
echo *.txt
#### glob dir
echo dir/*
#### glob no match
echo *.nothing
#### glob quoted
echo "*.txt"
#### glob question
echo ?.txt
#### glob class
echo [ab].txt
#### glob hidden
echo dir/.h*
#### glob recursive path
echo dir/*/*.txt
#### if elif else
x=2; if [ $x = 1 ]; then echo one; elif [ $x = 2 ]; then echo two; else echo other; fi
#### while loop
i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done
#### until loop
i=0; until [ $i -ge 2 ]; do echo u$i; i=$((i+1)); done
#### for list
for x in a b c; do echo -n $x; done; echo
#### c for
for ((i=0; i<5; i+=2)); do echo $i; done
#### break continue
for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done
#### nested break
for i in 1 2; do for j in a b; do [ $j = b ] && break 2; echo $i$j; done; done
#### case
for x in apple banana cherry 42; do case $x in a*) echo A;; b*|c*) echo BC;; [0-9]*) echo num;; *) echo other;; esac; done
#### case fallthrough
case x in x) echo one;& y) echo two;; z) echo three;; esac
#### functions
f() { echo "args: $# $1 $2"; return 3; }; f a b; echo $?
#### function local
x=global; f() { local x=inner; echo $x; }; f; echo $x
#### function recursion
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 5
#### positional
set -- a "b c" d; echo $#; for a in "$@"; do echo "[$a]"; done; echo "$*"
#### shift
set -- 1 2 3; shift; echo "$@"; shift 2; echo $#
#### dollar question
false; echo $?; true; echo $?
#### and or
true && echo a || echo b; false && echo c || echo d
#### not
! false && echo negated
#### subshell isolation
start=$(pwd); x=1; (x=2; cd dir; echo $x); echo $x; [ "$(pwd)" = "$start" ] && echo same-dir
#### group
{ echo a; echo b; } | wc -l
#### pipeline status
false | true; echo $?; true | false; echo $?
#### pipefail
set -o pipefail; false | true; echo $?
#### set -e
set -e; echo before; false; echo after
#### set -e condition
set -e; if false; then :; fi; false || true; echo survived
#### set -u
set -u; echo ${undefined_var}; echo not reached
#### exit status
(exit 3); echo $?
#### exit in script
echo a; exit 4; echo b
#### arrays
a=(x y z); echo ${a[0]} ${a[2]} ${#a[@]} "${a[@]}"; a[5]=w; echo ${!a[@]}
#### array append
a=(1 2); a+=(3 4); echo ${a[@]} ${#a[@]}
#### array loop quoted
a=("one two" three); for x in "${a[@]}"; do echo "<$x>"; done
#### array slice
a=(a b c d e); echo ${a[@]:1:2}
#### export env
export FOO=bar; env | grep '^FOO='
#### prefix assignment
X=1 sh_x=2; echo $X
#### heredoc
cat <<EOF
EOF
#### heredoc quoted
x=1; cat <<'EOF'
no $x expansion
EOF
#### heredoc dash
cat <<-EOF
	tab stripped
	EOF
#### herestring
wc -w <<< "one two three"
#### heredoc pipe
cat <<EOF | tr a-z A-Z
shout
EOF
#### redirect out and append
echo one > out.txt; echo two >> out.txt; cat out.txt
#### redirect stderr
cat missing 2>/dev/null; echo $?
#### redirect 2>&1
cat missing 2>&1 | sed 's/^[^:]*: //'
#### redirect both
{ echo out; cat missing; } &> both.txt; wc -l < both.txt
#### redirect input
wc -l < a.txt
#### redirect truncates first
cat a.txt > copy.txt; cat copy.txt > copy.txt; wc -c < copy.txt
#### read loop
while read line; do echo "got: $line"; done < a.txt
#### read fields
echo "a b c d" | { read x y rest; echo "$x|$y|$rest"; }
#### read -r
printf 'a\\b\n' | { read -r v; echo "$v"; }
#### read IFS
IFS=, read a b <<< "1,2"; echo $a $b
#### read -a
read -a arr <<< "x y z"; echo ${arr[1]} ${#arr[@]}
#### eval
cmd='echo evaluated'; eval $cmd; eval "x=5"; echo $x
#### source
echo 'sourced=yes' > lib.sh; . ./lib.sh; echo $sourced
#### command not found
nosuchcmd 2>/dev/null; echo $?
#### test operators
[ -f a.txt ] && echo file; [ -d dir ] && echo dir; [ -e nope ] || echo none; [ -s empty.txt ] || echo empty
#### test strings
[ abc = abc ] && echo eq; [ -z "" ] && echo z; [ -n x ] && echo n; [ a != b ] && echo ne
#### test numbers
[ 3 -gt 2 -a 1 -lt 2 ] && echo both; [ 1 -eq 2 -o 2 -eq 2 ] && echo either
#### test bad
[ 1 -eq x ]; echo $?
#### double bracket
x=hello; [[ $x == h* ]] && echo glob; [[ $x =~ ^h(el)lo$ ]] && echo ${BASH_REMATCH[1]}; [[ -f a.txt && ! -d a.txt ]] && echo ok
#### double bracket strings
[[ abc < abd ]] && echo less; [[ -z $unset ]] && echo empty
#### let
let x=3+4; echo $x
#### tilde
cd ~ && pwd
#### cd and pwd
start=$(pwd); cd dir/sub && pwd | sed 's|.*/dir|dir|'; cd - >/dev/null; [ "$(pwd)" = "$start" ] && echo back; cd dir; cd ..; [ "$(pwd)" = "$start" ] && echo up
#### background
echo bg & wait; echo done
#### semicolons newlines
echo a
echo b; echo c
#### comments
echo visible # hidden
#### long pipeline
cat words.txt | sort | uniq -c | sort -rn | head -2
#### syntax error
echo 'unterminated
#### special chars in names
echo x > 'we!rd@#$%.txt'; cat 'we!rd@#$%.txt'
#### type
type cd echo | head -2
#### printf basic
printf '%s-%d-%5.2f|%-4s|%04d\n' a 42 3.14159 ab 7
#### printf reuse
printf '%s\n' a b c
#### printf escapes
printf 'a\tb\\n\n'; printf '%%\n'; printf '%x %o %X %e\n' 255 8 255 1234.5
#### printf -v
printf -v out '%03d' 5; echo $out
#### unset
x=1; unset x; echo "[${x-unset}]"
#### readonly
readonly r=1; r=2; echo $r
#### declare
declare -i n=5; declare s="str"; echo $n $s
#### local outside function
local x=1; echo $?
#### for without in
f() { for a; do echo $a; done; }; f x y
#### while read pipeline
printf '1\n2\n3\n' | while read n; do echo $((n*n)); done
#### nested quotes in subst
echo "$(echo "inner \"quoted\"")"
#### arithmetic in index
a=(10 20 30); i=1; echo ${a[i+1]} ${a[$i]}
#### length of array element
a=(hello); echo ${#a[0]}
#### indirect
name=target; target=value; echo ${!name}
#### string compare in if
s="a b"; if [ "$s" = "a b" ]; then echo same; fi
#### case with quotes
x='*'; case $x in '*') echo star;; *) echo other;; esac
#### exit code of last in function
f() { false; }; f; echo $?
#### return from function value
f() { return 7; }; f; echo $?
#### pipes and braces
echo hi | { read v; echo "[$v]"; }
#### yes head broken pipe
yes | head -3
#### true false builtins
true; echo $?; false; echo $?; : ; echo $?
#### function redirections apply at each call
fb() { echo redir; echo e >&2; } 2>&1 >/dev/null; fb; fc() { echo "$1"; } >> log; fc a; fc b; cat log; fd() { cat; } <<< here; fd
#### declare -f prints functions as bash does
f() { echo a; echo b; }
g() { if true; then echo yes; elif false; then echo m; else echo no; fi; for i in 1 2; do echo $i; done; while false; do :; done; }
h() { case $1 in a|b) echo ab;; *) echo other ;; esac; x=1 y=2 cmd arg >out 2>&1 < in; a && b || c; ! d | e; (sub; shell); { grp; }; }
declare -f; declare -F; declare -F f; declare -f nope; echo $?
#### declare -f of loops, tests and nested functions
k() { for ((i=0;i<3;i++)); do echo; done; (( x++ )); ((y=1)); [[ -n $x && $y == z ]]; local v=$(date) w="q"; echo "$@" 'lit' >> f; }
m() { echo bg & echo fg; until x; do y; done; function inner { echo i; }; }
n() ( echo subshell-body )
p() { a | b | c; if x; then y; fi; for z; do w; done; }
q() { local -a arr=(1 2 3); arr+=(4); echo ${arr[@]} 2>/dev/null; cmd 3>&1 1>&2 2>&3; x=$((1+2)); }
declare -f k m n p q
#### declare -f with here-documents and redirected bodies
fb() { echo redir; } > /dev/null
fc() { cat <<EOF
body $x
EOF
echo after; }
fj() { while :; do break; done & wait; }
t() { [[ ! -f x || -d y ]] && echo ok; echo "a;b" 'c;d'; }
declare -f fb fc fj t
#### type of a function
g() { echo "in g"; }; type g; type -t g
#### declare -l -u and export -n
declare -l low=ABC; declare -u up=abc; echo $low $up; low+=DEF; echo $low; declare -u arr=(a b); echo ${arr[@]}; x=MiX; declare -l x; echo $x; x=MiX; echo $x
declare -x EXP=1; env | grep -c '^EXP='; export -n EXP; env | grep -c '^EXP='; echo $EXP
#### trap -p, -l and resets
trap 'echo int' INT; trap -p INT; trap - INT; trap -p INT; trap 'echo a' EXIT; trap 'echo t' TERM HUP; trap; trap -p EXIT; trap TERM; trap -p
trap 'x' NOPE; echo $?; trap -l | tail -2; kill -l | head -3
#### ampersand in pattern replacements
x=abc; echo ${x/b/[&]}; echo ${x/b/<\&>}; echo "${x/b/"&"}"; echo ${x//[ac]/&&}; echo ${x/#a/&-}; echo ${x/%c/-&}; y="a&b"; echo ${x/b/$y}
echo ${x/b/$(echo "&")}; echo "${x/b/[&]}"; echo ${x/b/'&'}; shopt -u patsub_replacement; echo ${x/b/[&]}; shopt -s patsub_replacement; a=(ab cb); echo "${a[@]/b/<&>}"
#### arithmetic wraps at 64 bits and reads every base
echo $((2**64)) $((2**63)) $(( -9223372036854775808 / -1 )) $((9223372036854775808)) $((64#_@)) $((36#Z)) $((16#ff)) $((0x)) $((0x1f))
echo $((37#Z)); echo $?
#### return and break outside their place
return; echo $?; break; echo $?; f() { return 300; }; f; echo $?
#### alias, umask and version arrays
alias ll='ls -l'; echo st=$?; alias; alias ll; alias nope; echo $?; unalias ll; alias; unalias ll; echo $?
umask; umask -S; umask 077; umask; umask 999; echo $?; echo ${BASH_VERSINFO[0]} ${#BASH_VERSINFO[@]}; echo ${EPOCHSECONDS:0:1}
#### mapfile -d and declare -p with control characters
readarray -d , -t parts <<< "a,b,c"; echo "${#parts[@]} ${parts[2]}"; printf "x\0y\0" | { mapfile -d "" -t z; echo ${#z[@]} ${z[1]}; }
mapfile -d , q <<< "1,2"; declare -p q; x=$'a\tb'; declare -p x; y="q\"r"; declare -p y
#### statements after a here-document on its line
cat <<EOF; echo after
inline
EOF
cat <<EOF | tr a-z A-Z; echo x
inline
EOF
cat <<A; cat <<B
a
A
b
B
cat <<-EOF; echo "t;x"; cat <<< "z"
	tab
	EOF
#### quoted parts of a regex match literally
[[ "foo123" =~ ^[a-z]+([0-9]+)$ ]] && echo ${BASH_REMATCH[1]}; re='a.c'; [[ abc =~ $re ]] && echo m1; [[ abc =~ "a.c" ]] || echo lit
[[ a.c =~ "a.c" ]] && echo lit2; [[ abc =~ a"."c ]] || echo mix; [[ "a b" =~ a\ b ]] && echo sp; [[ abc =~ "$re" ]] || echo qvar; [[ x =~ ^(x|y)$ ]] && echo alt
#### attributes, offsets past the start, printf -v into arrays
declare -i n=5; declare -a a=(1); declare -A h; echo ${n@a} ${a@a} ${h@a}; readonly ro=1; echo ${ro@a}; export E=1; echo ${E@a}; declare -l lo=x; echo ${lo@a}; echo "[${nope@a}]"
x=abc; echo "[${x: -10}]" "[${x: -3}]" "[${x: -2:1}]"; b=(1 2 3); echo "[${b[@]: -5}]" "[${b[@]: -3}]"
printf -v 'arr[1]' '%s' z; echo ${arr[1]}; declare -A g; printf -v 'g[k]' '%d' 5; echo ${g[k]}; i=2; printf -v 'arr[i+1]' q; echo ${arr[3]}
#### set with option clusters
set -euo pipefail; echo ${-/c}; set +euo pipefail; echo ${-/c}; set -o errexit -o nounset; echo ${-/c}; set +eu; set -o bogus; echo $?
set -o | grep -E "pipefail|errexit|braceexpand"; set -- a b; echo $#; set -e -- x y z; echo $# ${-/c}
#### associative arrays list in bash's hash order
declare -A h=([a]=1 [b]=2 [c]=3 [apple]=4 [zebra]=5 [k1]=6 [k2]=7); echo "${!h[@]}"; echo "${h[@]}"; declare -A g; g[k8]=1; g[k116]=2; g[k9]=3; echo "${!g[@]}"; declare -p g
declare -A w; for x in one two three four five six; do w[$x]=${#x}; done; for k in "${!w[@]}"; do printf "%s=%s " $k ${w[$k]}; done; echo
#### one assignment with a redirection
x=1 2>/dev/null; echo $x; f() { x=2 2>/dev/null || echo no; }; f; echo $x; out=$(ls /nope) 2>/dev/null; echo "[$out] $?"
echo x=1 >f; cat f; if true; then v="a b" >f; fi; echo "$v"; readonly r=1; r=2 2>/dev/null || echo failed; echo $r
#### background jobs, $!, wait and builtin
sleep 0.01 & pid=$!; wait $pid; echo "waited $?"; (exit 3) & wait $!; echo "bg status $?"; wait; echo $?; wait 9999 2>/dev/null; echo $?; [ -n "$!" ] && echo has-bang
builtin echo hi; builtin printf "%s\n" x; echo() { printf "fn\n"; }; echo a; builtin echo b; builtin nosuch; echo $?; enable -n echo; echo st=$?
#### declare +i +x +u take attributes off
declare -i x=10; x=x/3; echo $x; x+=1; echo $x; declare +i x; x=5+5; echo $x; export E=1; declare +x E; env | grep -c ^E=; declare -u u=a; declare +u u; u=b; echo $u
#### declared but unset variables in declare -p
declare x; declare -p x; f() { local z; declare -p z; g; }; g() { declare -p z; }; f
declare -i n; declare -p n; export E; declare -p E; declare -ix f; declare -p f; declare -u d; declare -p d
declare -ixu a=1; declare -p a; declare -rxl b=1; declare -p b; typeset t; declare -p t
declare y; unset y; declare -p y; echo $?; f() { local w; }; f; declare -p w; echo $?; declare q; q=2; declare -p q
#### test with ] as its operand, $[ ] arithmetic and SHELLOPTS
[ ] ]; echo $?; [ ] ] ]; echo $?; [ "]" ]; echo $?
echo $[1+2] $[ 2 * 3 ] "a$[2*2]b" '$[1]'; a=(1 2 3); echo $[a[1]+1]; x=$[5%3]; echo $x
echo $SHELLOPTS; set -o pipefail -e -u; echo $SHELLOPTS; set +e +u +o pipefail
#### a pipeline of three commands followed by a line with a redirection
echo abc | head -c 3 | cat
echo hi >x
echo abc | cat | cat # comment
printf 'y\n' > y; cat x y; echo a | tr a b | cat
cat <y
#### select menus and empty for lists
printf '2\n\nx\n1\n' | { select x in apple banana; do echo "got [$x] [$REPLY]"; done; echo "st=$?"; }
printf '2\n' | { PS3="pick: "; select x in a b; do echo $x; break; done; echo st=$?; } 2>&1
set -- p q r; printf '3\n' | { select x; do echo $x; break; done 2>/dev/null; }; printf '1\n' | { select x in $(seq 30); do echo $x; break; done 2>&1; }
f() { select y in u v; do echo "$y"; return 3; done; }; printf '2\n' | f 2>/dev/null; echo $?; select z in ; do echo never; done; echo empty=$?
for x in; do echo n; done; echo ok2
for x in
do echo hi; done; echo ok3
#### BASHOPTS follows shopt
echo $BASHOPTS; shopt -s extglob nullglob; echo $BASHOPTS; shopt -s globstar; shopt -u patsub_replacement; echo $BASHOPTS
