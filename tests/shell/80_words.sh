#### default word keeps its quoted parts whole
a() { printf '<%s>' "$@"; echo; }
a 1 ${undefined:-"2 3" "4 5"} 6
a 1${undefined:-"2 3" "4 5"}6
IFS=_; a 1${undefined:-"2_3"x_x"4_5"}6
#### default word literal text splits
a() { printf '<%s>' "$@"; echo; }
var='a b c'
a ${Unset:-A$var " $var"D E F}
a ${a:-${a:-"1 2" "3 4"}5 "6 7"}
v=1; a ${v:+"x  y" z} ${v:+a\ b} ${Unset:-'a b c'} ${Unset:-'$var'}
#### default word inside double quotes
a() { printf '<%s>' "$@"; echo; }
var='a b c'
a "${Unset:-'b'}" "${Unset-"b"}" "${Unset:-"a b" c}" "${Unset:-'$var'}" "${Unset:-\$x}"
#### default pattern in case keeps quotes
case "a*" in ${u:-"a*"}) echo lit;; esac
case ab in ${u:-"a"*}) echo m;; esac
case ab in ${u:-"a*"}) echo wrong;; *) echo nomatch;; esac
#### assignment of $* joins with IFS
set -- x 'y z'
IFS=:
s="$@"; echo "$s"
s=$@; echo "$s"
s=$*; echo "$s"
IFS=; s=$*; echo "$s"
#### two assignments then a command on the next line
x=1 y=2
echo "[$x][$y]"
a=3 b=4 >f
echo "[$a][$b]"; ls
#### declaration arguments are expanded once
declare x='$HOME'; echo "$x"
f() { local y='$1 *'; echo "$y"; }; f a
export z='a$b'; echo "$z"
v='a  b'; declare w=$v; echo "$w"
readonly r="p  q"; echo "$r"
#### declaration array literal keeps empty and quoted elements
declare -a A=('' x "" 'b c')
echo ${#A[@]}; printf '<%s>' "${A[@]}"; echo
f() { local -a B=('' y); echo ${#B[@]}; }; f
#### declare of an expanded word takes the value literally
kv='p=$HOME'; declare "$kv"; echo "$p"
g() { local q=5; echo $q; }
f() { local a=$(g) b=2; echo $a $b; }; f
#### two here-documents on one line
while cat <<E1 && cat <<E2; do cat <<E3; break; done
1
E1
2
E2
3
E3
cat <<-A; echo --; cat <<'B'
	one $HOME
	A
two $HOME
B
#### here-document before its command and after a loop
<<EOF tac
1
2
EOF
while read line; do echo X $line; done <<EOF; echo ==;  while read line; do echo Y $line; done <<EOF2
1
2
EOF
3
4
EOF2
#### bare == and =~ arguments before a separator
echo ==; echo a =~ |cat; [[ a == a ]]; echo $?; echo ==
#### arithmetic with concatenated word parts
zero=0; base=16; foo=5; x=oo
echo $(( ${zero}11 )) $(( ${zero}xAB )) $(( ${base}#a )) $(( foo + f$x + 1 )) $((1 + $(echo 1)${undefined:-3}))
#### an expansion error abandons its line only
echo $(( 1 / 0 )); echo same line
echo after $?
f() { echo $((1/0)); echo in-f; }
f
echo after f $?
for i in 1 2; do
  echo $((1/0))
  echo loop
done
echo after loop $?
x=$(echo $((1/0)); echo insub)
echo "x=$x st=$?"
s=abc; echo ${s:1/0}; echo same
echo end
#### an unset variable in arithmetic under set -u is fatal
set -u
(( undef1++ ))
echo not reached
#### an unset variable in arithmetic expansion under set -u is fatal
set -o nounset
x=$(( y + 5 ))
echo "not reached x=$x"
#### arithmetic errors keep the script going
echo $((1 + 2.3))
echo next $?
echo $(( 2**-1 * 5 ))
echo next $?
#### quoted parentheses in patterns are literal
if [[ 'foo()' == *\(\) ]]; then echo match1; fi
if [[ 'foo()' == *'()' ]]; then echo match2; fi
if [[ 'foo()' == '*()' ]]; then echo match3; fi
shopt -s extglob
case 'foo()' in *'()') echo case;; esac
x='a|b+c@d!e'; [[ $x == *'|'*'+'*'@'*'!'* ]] && echo specials
#### case inside command substitution
echo $(foo=a; case $foo in [0-9]) echo number;; [a-z]) echo letter;; esac)
x=$(case b in a) echo A;; b) echo B;; esac); echo "$x"
#### printf number arguments with blanks and trailing junk
printf '[%d] ' ' -42'; echo st=$?
printf '[%d] ' ' -42 '; echo st=$?
printf '[%i] ' ' -42z'; echo st=$?
x=3abc; printf '%d\n' $x; echo st=$?
#### printf bad conversions stop with status 1
printf 'ab%zcd\n'; echo " st=$?"
printf '%s %y\n' a b; echo " st=$?"
printf '%5'; echo " st=$?"
printf '%ld %lld %hd\n' 1 2 3
#### printf %b octal without a leading zero and %c one byte
printf '%b|%b\n' '\101\0102' 'x\cy'
printf '%b\n' "\141"
twomu=$'\u03bc\u03bc'; printf '%c' "$twomu" | wc -c
printf '%c|%5c|%-3c|\n' abc x y
#### printf %(format)T
printf '%(%Y-%m-%d %H:%M:%S)T\n' 0
printf '[%10.4(%Y)T]\n' 86400
#### words with two expansions and trailing text stay one word
x=A; y=B
echo /$x/$y/ $x.$y. p/$x/$y/z /$x/$y/$x/
for w in $x/$y/ z; do echo "[$w]"; done
v=$x/$y/; echo $v
a=$x/$y/ b=1; echo $a $b
echo $x/$y/ >f; cat f; cat <$x/$y/ 2>&1 | head -1; echo $x/$y/ > $x.$y.; ls
cat <<< $x/$y/
case A/B/ in $x/$y/) echo pat;; esac
read q r z <<EOF
A B
EOF
echo /$q/$r/$z/
#### read keeps backslash-escaped separators
IFS=:
printf '%s\n' '  \\a :b\: c:d\' '  e' > t
read a b c d < t
printf "%s\n" "[$a|$b|$c|$d]"
IFS=' '
read -a arr <<'EOF'
a b c\ d
EOF
printf '<%s>' "${arr[@]}"; echo
read p q <<< 'x y\ '; echo "[$p][$q]"
#### read gives the last variable the next word when only its delimiter follows
IFS=:; read a b <<< "x:y:"; echo "[$a][$b]"
read a b <<< "x:y::"; echo "[$a][$b]"
read a b c <<< "x:y:"; echo "[$a][$b][$c]"
#### read -N reads through delimiters without splitting
echo 'a b c' > r
read -N 4 A B C < r; echo "'$A' '$B' '$C'"
printf 'a\nb\nc\n' > r
read -N 3 out < r; echo "$out"
echo foobar | { read -N 5 -d b; echo $REPLY; }
#### negative indexes on sparse arrays
a=(0 1 2 3 4)
unset a[1]
unset a[4]
echo "${a[@]}" ${a[-1]} ${a[-2]}
a[-1]+=0; echo ${a[@]}
(( a[-1] += 42 )); echo ${a[@]}
b=(0 1 2 3); unset 'b[-1]'; echo len=${#b[@]}; unset b[-1]; echo len=${#b[@]} ${b[@]}
#### slices of sparse arrays and indirection through elements
(( s[33]=1 )); (( s[66]=2 )); (( s[99]=3 ))
printf '<%s>' "${s[@]:15:2}" "${s[@]:66}"; echo
foo=bar; a=('1 2' foo '2 3'); echo "${!a[1]}"
#### quoted array default keeps its elements
default=('1 2' '3')
printf '<%s>' "${undef[@]:-${default[@]}}"; echo
#### assignment subscripts with = and declare -p keys
declare -a array
array[x=1]='one'
code='y=2'
array[$code]='two'
printf '<%s>' "${array[@]}"; echo x=$x y=$y
declare -A m=([a]=1 ['b c']=2 ['$x']=3 [d=e]=4 ['~x']=5)
declare -p m
#### set -C refuses to overwrite regular files
set -C; echo a > f; echo b > f; echo st=$?; echo c >| f; cat f; case $- in *C*) echo C;; esac
set -o | grep noclob
echo x > /dev/null; echo y &> f; echo st=$?
set +C; echo d > f; cat f
#### tilde after a colon in assignments
HOME=/h; p=~/a:~/b:x~:~; echo $p
q="~/a:~/b"; echo $q
r=a:~x/b; echo $r
export E=~/1:~/2; echo $E
f() { local L=~/l:~/m; echo $L; }; f
#### assigning a string to an array sets element 0
a=(1 2 3); a=x; echo ${a[@]}
declare -A m; m[1]=one; m=string; echo ${m[1]} ${m[0]} $m
#### "${!A[*]}" joins the keys
declare -A A; A['X X']=xx; A['Y Y']=yy
printf '<%s>' "${!A[*]}" "${!A[@]}"; echo
pfx_a=1 pfx_b=2; printf '<%s>' "${!pfx_*}" "${!pfx_@}"; echo
#### words after a redirection are arguments
echo >&2 x y 2>&1
{ echo >&2 to stderr; } 2>&1
echo >f a b; cat f
echo a >f b c; cat f
echo 2>/dev/null hi there
f() { echo 1>&2 "$@"; }; f one "t w o" 2>&1
cat <<EOF - f
from heredoc
EOF
#### $_ is the last argument of the previous command
mkdir -p a/b && cd "$_" && basename "$PWD"
echo a b c; echo $_; x=1; echo "[$_]"
: 42; echo $_ ${_}x
#### lines of assignments joined by the parser run one per line
a1=$LINENO a2=$LINENO
b1=$LINENO b2=$LINENO
echo $a1 $a2 $b1 $b2 $LINENO
(( x = LINENO )); echo $x
#### host variables agree with the commands
test "$HOSTNAME" = "$(hostname)"; echo $?
test "$UID" = "$(id -u)"; echo $?
test "$HOSTTYPE" = "$(uname -m)"; echo $?
#### egrep and fgrep
printf "a1\nb\nc22\n" | egrep "[0-9]+"; printf "a.b\naxb\n" | fgrep a.b; echo 42 | egrep -o "[0-9]+"
#### quoted dash in a bracket expression is literal
mkdir _t; touch _t/foo.- _t/c.C
echo _t/*.[C-D] _t/*.[C\-D]
x=-; [[ $x == [a\-z] ]] && echo dash
#### failglob abandons the line only
for x in *.ZZ; do echo $x; done
echo status=$?
shopt -s failglob
for x in *.ZZ; do echo $x; done; echo same line
echo status=$?
#### set -e after an abandoned line
set -e
x=$((1/0))
echo after arithmetic error
shopt -s failglob
echo *.none
echo not reached
#### indirection then operators
x=xx; xx=aaabcc; y=yy; yy=
echo "[${!y:-foo}] [${!x:-foo}] [${!y:+foo}] [${!x:+foo}] [${!x:2}] [${!x:2:2}]"
echo "[${!x#*a}] [${!x%%c*}] [${!x%c*}] [${!x/a*b/d}]"
z=zz; zz=; echo ${!z:=foo} ${!z:=bar} $zz
ref=x; echo x=${!ref-default}
#### indirection through an unset variable is an error
echo before
echo undef=${!undef}
echo after $?
#### getopts leaves OPTARG unset for options without an argument
f() { local OPTIND opt; while getopts "ab:c" opt; do echo "$opt ${OPTARG-unset}"; done; shift $((OPTIND-1)); echo "rest: $*"; }
f -a -b val -c file1 file2
f -ac -bx y
#### ! negates the whole pipeline
! echo x | grep -q y; echo $?
! true | false; echo $?
! false | true; echo $?
#### PIPESTATUS after pipelines, commands and subshells
true | false | true; echo "${PIPESTATUS[@]}"
false; echo "${PIPESTATUS[@]}" ${#PIPESTATUS[@]}
(exit 3); echo "${PIPESTATUS[*]}"
[[ a == b ]]; echo ${PIPESTATUS[@]}
if false; then :; fi; echo ${PIPESTATUS[@]}
#### EXIT traps: the handler's exit status, subshells run their own
trap "echo parent" EXIT
(echo sub); x=$(echo cs); echo $x; echo p | cat
(trap "echo sub-exit \$?" EXIT; exit 4); echo st=$?
x=$(trap "echo in-trap" EXIT; echo val); echo "[$x]"
trap 'echo bye; exit 7' EXIT
exit 3
#### export before assignment, local twice, unset of a function
export U; U=u; printenv U
unset U; U=new; printenv U || echo not-exported
f() { local foo=bar; local foo; echo $foo; }; f
g() { echo g; }; unset g; g 2>/dev/null || echo "g gone $?"
a=(1 2); export a; printenv a || echo no-array
#### assignment to a readonly variable abandons the line
readonly ro=1
ro=2; echo same line
echo next $?
h() { local x=local; readonly x; eval 'x=bar'; echo "status=$?"; }; h
#### running scripts with bash, sh and by path
printf 'echo "$0 got $# args: $*"; x=in-child; cd /; exit 4\n' > s.sh
bash s.sh a "b c"; echo "st=$? x=$x"
sh ./s.sh; echo st=$?
bash -c 'echo "$0 $1"; exit 3' zero one; echo st=$?
printf '#!/bin/bash\necho run by path "$@"\n' > run.sh
./run.sh 1; echo st=$?
chmod +x run.sh; ./run.sh 2; echo st=$?
printf '#!/usr/bin/env bash\necho env-bash\n' > e.sh; chmod +x e.sh; ./e.sh
#### a child shell sees exported variables only and its own options
E=exp; L=loc; export E; f() { :; }
bash -c 'echo "[$E] [$L]"; type f >/dev/null 2>&1 || echo no-function'
bash -ec 'false; echo not reached'; echo st=$?
echo 'echo from stdin' | bash
bash missing.sh; echo st=$?
mkdir dd; ./dd; echo st=$?
#### named descriptors and >&$var
exec {fd}>f1; echo hi >&$fd; exec {fd}>&-; cat f1
exec {in}<f1; read -u $in l; echo "got $l"
x=out.txt; echo both >&$x; cat out.txt
exec 3>f3; n=3; echo three >&$n; cat f3
#### @A @K @a and @Q of unset variables
x='a b'; echo "${x@A}"; arr=(1 'x y'); echo "${arr[@]@A}"; declare -i n=3; echo "${n@A}"
empty=''; echo ${x@Q} ${empty@Q} ${undef@Q} ${x@K}
a=(1 2 3); printf '<%s>' "${a[@]@a}"; echo
#### unset variables end a subshell with status 1
set -u
(echo $undef); echo "sub=$?"
x=$(echo $undef); echo "cs=$?"
(echo ${undef@Q}); echo "q=$?"
#### cd -- , -L, -P, pwd -P and CDPATH
mkdir -p w && cd w
mkdir -p dd cd-symtarget/subdir spam/foo eggs/foo
ln -s cd-symtarget cd-symlink
base=$PWD
cd -- dd && basename "$PWD"; cd "$base"
cd cd-symlink/subdir; cd ..; test "$PWD" = "$base/cd-symlink" && echo logical-parent
basename "$(pwd -P)"
cd "$base/cd-symlink/subdir"; cd -P ..; test "$PWD" = "$base/cd-symtarget" && echo physical-parent
cd "$base"; cd -P cd-symlink; test "$PWD" = "$base/cd-symtarget" && echo physical
cd "$base"; CDPATH="$base/spam:$base/eggs"; cd foo | xargs basename; cd foo >/dev/null; basename "$(dirname "$PWD")"
unset CDPATH; cd "$base"
cd nonexistent_ZZ/..; echo status=$?
mkdir gone; cd gone; rmdir ../gone; cd ..; echo status=$?
cd a b; echo status=$?
#### diff of directories
mkdir -p a/s b/s a/only; echo 1 > a/f; echo 2 > b/f; echo same > a/g; echo same > b/g
echo x > a/s/t; echo y > b/s/t; echo z > b/new; mkdir a/d; echo f > b/d
diff a b; echo st=$?
diff -r a b; echo st=$?
diff -ru a b | grep -v '^[-+][-+][-+] '; echo st=$?
diff -rq a b; echo st=$?
diff a/f b; echo st=$?
mkdir p q; echo s > p/x; cp p/x q/x; diff -r p q; echo st=$?
diff -u a/f b/f | head -1 | cut -f1
#### mktemp templates with a suffix are relative to the working directory
mkdir -p w; cd w
f=$(mktemp XXXXXX.txt); ls | wc -l; [[ $f == *.txt && $f != */* ]] && echo local
d=$(mktemp -d tmpd.XXXX); [ -d "$d" ] && echo dir
g=$(mktemp -p . --suffix=.log); [[ $g == ./*.log ]] && echo suffix
mktemp ab; echo st=$?
#### shopt -s lastpipe runs the last command in this shell
count=0; printf "a\nb\n" | while read l; do count=$((count+1)); done; echo $count
echo x | read v; echo "[$v]"
shopt -s lastpipe
count=0; printf "a\nb\n" | while read l; do count=$((count+1)); done; echo $count
echo y | read w; echo "[$w]"
true | false; echo "${PIPESTATUS[@]} $?"
shopt lastpipe
#### tildes in assignment-shaped arguments, ~+ and ~-
HOME=/home/bob
echo x=~ y=~/a P=a:~/b "q=~" --x=~/a 1x=~
mkdir -p t1 && cd t1 && cd ..
[ ~+ = "$PWD" ] && echo plus; [ ~- = "$PWD/t1" ] && echo minus
#### a here-document whose pipeline goes on after the body
cat <<EOF |
3
1
2
EOF
sort
cat <<EOF | tac
a
b
EOF
echo after
cat 0<<EOF
fd zero
EOF
#### set -x quotes words and shows assignments as bash does
{ set -x; echo "a b" c "" x=1; y=2; z="p q"; echo $z; w+=3; echo "it's" '~a' a~ '{a}'; set +x; } 2>&1
#### the set -u array idiom "${arr[@]+"${arr[@]}"}"
set -u
echo "${var:-}" "${arr[@]+${arr[@]}}" ok
a=(1 "2 3"); printf "<%s>" "${a[@]+"${a[@]}"}"; echo
printf "<%s>" "${u+x}" "${u[@]+x}"; echo
f() { printf "<%s>" "${@+"$@"}"; echo; }; f; f a "b c"
#### set lists variables as bash does and round-trips through source
_space='[ ]'; _whitespace=$'[\t\r\n]'; _sq="'single quotes'"; _backslash_dq="\\ \""; _plain=abc
set | grep '^_[a-z]' > vars.txt
cat vars.txt
unset _space _whitespace _sq _backslash_dq _plain
. ./vars.txt
test "$_whitespace" = $'[\t\r\n]' && test "$_sq" = "'single quotes'" && test "$_backslash_dq" = "\\ \"" && echo round-trip
declare -a __array=(1 2 '3 4'); set | grep '^__'
#### shopt -p, -o, -q and set -n
shopt -p nullglob; shopt -s nullglob; shopt -p nullglob
shopt -q nullglob failglob; echo q=$?
shopt -po nounset; set -o nounset; shopt -po nounset; set +o nounset
shopt -p nullglob invalid failglob; echo status=$?
echo 1; set -n; echo 2
#### an unset variable under set -e ends the script with 1
set -eu
echo before
echo "[$unset]"
#### time times the whole pipeline, a subshell, with -p the POSIX report
{ time echo a | tr a b; } 2>/dev/null; { time -p true; } 2>&1 | cut -d' ' -f1
time (exit 3) 2>/dev/null; echo $?; { time ! true; } 2>/dev/null; echo $?
{ time echo out 2>/dev/null; } 2>&1 | grep -c real
f() { time echo in; time (echo x) 2>&1; }; declare -f f
#### [[ ]] reads < > && || without blanks
[[ b<a ]]; echo $?; [[ a<b&&c>b ]]; echo $?; [[ "a<b" ]]; echo $?; [[ x||"" ]]; echo $?
x="a<b"; [[ $x == "a<b" ]]; echo $?; [[ $(echo "a<b") == a\<b ]]; echo $?

#### an array without element 0 is unset as $a
declare -a x; echo ${#x[@]} ${x-unset}; [[ -v x ]]; echo $?
a=([1]=x); echo "${a-u}" "${a:-d}"; [[ -v a ]] || echo no; a[0]=z; [[ -v a ]] && echo yes
declare -A m=([k]=v); echo ${m-u}; m[0]=z; echo ${m-u}
#### an empty for list runs the body never
for x in ; do echo $x; done; echo st; f() { for i in  ; do echo no; done; echo in-f; }; f
#### source from stdin and from <(…); $LINENO in an ERR trap is the failed command's line
source /dev/stdin <<< 'sourced=yes'; echo $sourced; source <(echo 'x=42; echo in-src'); echo $x
f() { false; }
trap 'echo err at $LINENO' ERR
x=1
false
f
trap - ERR
#### \" inside backticks inside double quotes is a quote
echo "x `echo \"hi\"`"; echo "y `echo \$HOME | tr -d /`" | grep -c y; echo `echo \\\\z`
