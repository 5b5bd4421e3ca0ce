#### exec opens and closes descriptors above 2
exec 3>fd.out; echo one >&3; echo two 1>&3; exec 3>&-; cat fd.out; echo x >&3 2>/dev/null; echo "closed: $?"
#### exec redirects stdout for the rest of the script
exec 4>&1; exec >redirected.txt; echo hidden; exec 1>&4 4>&-; echo shown; cat redirected.txt
#### exec with input descriptors and read -u
printf 'l1\nl2\nl3\n' > in.txt; exec 5<in.txt; read -u 5 a; read -u 5 b; echo "$b $a"; cat <&5; exec 5<&-
#### read -u and mapfile -u from a loop redirection
while read -r -u 3 line; do echo "[$line]"; done 3< words.txt | head -3; mapfile -t -u 6 arr 6<nums.txt; echo ${#arr[@]} ${arr[2]}
#### read -u on a closed descriptor fails
read -u 8 x 2>/dev/null; echo $?; mapfile -u 8 y 2>/dev/null; echo $?
#### swapping stdout and stderr through a third descriptor
{ echo out; echo err >&2; } 3>&1 1>&2 2>&3 | tr a-z A-Z; ( echo keep >&2 ) 2>&1 | wc -l
#### exec inside a group keeps descriptors the group did not redirect
{ exec 3>g.txt; exec >h.txt; } 2>/dev/null; echo to-g >&3; echo to-h; exec >/dev/stdout; cat g.txt
#### exec inside a redirected group is undone for the redirected descriptor
{ exec 1>inner.txt; echo inside; } > outer.txt; echo after; cat inner.txt; wc -c < outer.txt
#### exec in a function lasts after it returns; in a subshell it does not
f() { exec 7>&1; }; f; echo via7 >&7; ( exec 8>sub.txt ); echo x >&8 2>/dev/null || echo "8 closed"
#### descriptor of a command substitution and of pipeline stages
exec 3>&1; v=$(echo to-3 >&3; echo captured); echo "v=$v"; echo piped | { cat >&3; }
#### /dev/fd/N names a descriptor
cat /dev/fd/0 <<< "from stdin"; exec 3<a.txt; head -1 /dev/fd/3; echo to-fd1 > /dev/fd/1
#### heredoc on another descriptor
cat <&4 4<<EOT
four
EOT
#### appending through an exec descriptor in a loop
for i in 1 2 3; do exec 3>>app.txt; echo $i >&3; done; exec 3>&-; cat app.txt
#### namerefs: local -n in functions (scalars, arrays, associative arrays)
set_out() { local -n out=$1; out="value of $1"; }; set_out res; echo "$res"; push() { local -n arr=$1; arr+=("$2"); }; a=(1 2); push a 3; echo "${a[@]} ${#a[@]}"; put() { local -n m=$1; m[$2]=$3; }; declare -A h; put h k v; echo "${h[k]}"
#### namerefs: declare -n, assigning through, unset and unset -n
x=1; declare -n r=x; echo $r; r=2; echo $x; declare -n q; q=x; echo $q; unset -n q; echo "[${q-unset}]"; unset r; echo "[${x-unset}]"; declare -n self=self 2>/dev/null; echo $?
#### extended patterns in [[ ]], case and parameter expansion
x=foo; [[ $x == @(foo|bar) ]] && echo at; [[ $x == +([a-z]) ]] && echo plus; [[ $x != !(foo) ]] || echo bang; [[ ( $x == foo ) && ( -n $x ) ]] && echo grouped; y="   lead"; echo "[${y##*( )}]"; z=aaab; echo "${z##+(a)}"
#### extended globs after shopt -s extglob
shopt -s extglob
mkdir eg && cd eg && touch a.c b.h c.txt d.md
echo !(*.c); echo *.@(c|h); echo ?(a).c; case c.txt in *.@(txt|md)) echo doc;; esac
rm !(a.c|b.h); echo *
#### shopt dotglob, nocaseglob, nocasematch
mkdir sg && cd sg && touch .hid Vis vis2
shopt -s dotglob; echo *; shopt -u dotglob; echo *
shopt -s nocaseglob; echo v*; shopt -u nocaseglob
shopt -s nocasematch; case VIS in vis) echo ci-case;; esac; [[ ABC == abc ]] && echo ci-test; shopt -u nocasematch; [[ ABC == abc ]] || echo cs-again
#### FUNCNAME is the call stack inside functions and unset outside
f() { echo "$FUNCNAME:$#"; g; }; g() { echo "${FUNCNAME[@]}"; }; f a b; echo "[${FUNCNAME-unset}]"; log() { echo "${FUNCNAME[1]}: $*"; }; work() { log hi; }; work
#### case modification limited to a pattern
s="hello world"; echo ${s^^o} ${s^^[lw]} ${s^h} ${s^x}; S=ABC; echo ${S,,B} ${S,A}
#### hard links with ln
echo hi > hl; ln hl hl2; echo more >> hl2; cat hl; ls -l hl | cut -c1-12; ln hl hl2; echo $?; mkdir hd; ln hd hd2; echo $?; ln nope x; echo $?; ln -f hl hl2; echo $?; rm hl; cat hl2
#### globstar results sorted as bash sorts them, dir/** and **/
shopt -s globstar; mkdir -p gs/b/c; touch gs/b/c/f.txt gs/x.txt gs/b/y.txt; cd gs; echo **/*.txt; echo b/**; echo **; echo b/**/; echo **/
#### LINENO in commands, functions, loops, substitutions and here-documents
echo $LINENO
f() {
  echo "in f $LINENO"
}
f
for i in 1; do echo "loop $LINENO"; done
x=$(echo "sub $LINENO"); echo "$x"
cat <<EOT
heredoc $LINENO
EOT
echo last $LINENO
#### grep -l and -L name a single file; a binary match is reported on stderr
echo hi > gl; grep -l hi gl; grep -L zz gl; echo hi | grep -l hi; printf 'a\0b\nhi\n' > gbin; grep hi gbin; echo "status $?"; grep hi gbin 2>&1 | sed 's/^[a-z]*: //'
#### chmod octal, symbolic, recursive, verbose and errors
echo x > cm; chmod 600 cm; stat -c %a cm; chmod u+x,g+r cm; stat -c %a cm; chmod -w cm; stat -c %a cm; chmod a=rX cm; stat -c %a cm; mkdir -p cmd/e; touch cmd/f; chmod -R go-rx cmd; stat -c "%a %n" cmd cmd/e cmd/f; chmod -v 755 cm; chmod -c 755 cm; chmod 999 cm 2>/dev/null; echo $?; chmod 755 nofile 2>/dev/null; echo $?
#### cmp
echo hi > c1; cp c1 c2; cmp c1 c2; echo $?; echo ho > c2; cmp c1 c2; echo $?; cmp -s c1 c2; echo $?; printf ab > c3; cmp c3 c1 2>/dev/null; echo $?; cmp nofile c1 2>/dev/null; echo $?
#### truncate and sha512sum
echo hello > tr1; truncate -s 2 tr1; cat tr1; echo; truncate -s +3 tr1; wc -c < tr1; truncate -s 0 tr1; wc -c < tr1; truncate -s 10 tr2; wc -c < tr2; truncate -s %4 tr2; wc -c < tr2; truncate -c -s 5 nope; ls nope 2>/dev/null; echo $?; truncate -s x tr1 2>/dev/null; echo $?; echo abc | sha512sum
#### kill to the script itself runs its trap or ends it with 128+signal
trap "echo caught INT" INT; kill -INT $$; trap "" USR1; kill -USR1 $$; kill -0 $$; echo "alive $?"; kill -l 15; kill -l 143; kill 999999 2>/dev/null; echo "no such $?"; trap; trap - INT; trap "echo bye" EXIT; kill $$; echo notreached
#### here-string after other redirections
cat > f <<< "data"; cat f; cat 2>/dev/null <<< x; cat < /dev/null <<< y; exec 3<<< "hello"; read -u 3 v; echo $v
#### >(…) takes what is written to it: tee, redirections, exec descriptors
printf 'b\na\n' | tee >(sort > sorted.txt) >(wc -l > n.txt) > all.txt; sleep 0.2; cat sorted.txt n.txt all.txt
echo hi > >(tr a-z A-Z); sleep 0.2; f() { echo in-f; }; f > >(sed 's/^/> /'); sleep 0.2
exec 3> >(cat > log.txt); echo one >&3; echo two >&3; exec 3>&-; sleep 0.2; cat log.txt
x=$(echo sub > >(cat)); echo "[$x]"; echo a >(true) | sed 's/[0-9]*$/N/'

#### a redirection after the last command of a list or pipeline is that command's
mkdir rd && echo hi > rd/f; cat rd/f; echo file > rf; echo x | cat < rf
{ echo e >&2; echo o; } | cat 2>/dev/null; false || echo fallback > rg; cat rg
true && cat <<XX
here
XX
#### <> opens for reading and writing with one offset
echo abc > f; cat <>f; exec 3<>f; echo -n X >&3; exec 3>&-; cat f; echo abc > g; echo X 1<>g; cat g
printf '1\n2\n3\n' > h; exec 4<>h; read a <&4; read b <&4; echo "$a$b"; echo -n Q >&4; exec 4<&-; cat h
: <>new.txt; ls new.txt; echo "a<>b"; mkdir d; echo x <>d; echo $?; exec 5<>h; cat <&5; echo end >&5; exec 5>&-; cat h
#### endless devices are read only as far as needed
head -c 5 /dev/zero | od -An -c; head -c 16 /dev/urandom | wc -c; cat /dev/zero | head -c 3 | od -An -tx1
tr '\0' x < /dev/zero | head -c 10; echo; od -An -N4 -tu4 /dev/urandom | wc -w; tr -dc 'a-z' < /dev/urandom | head -c 8 | wc -c
head -c 100 /dev/urandom | base64 -w0 | wc -c; printf abc | base64 -w0; echo; printf '' | base64 -w0 | wc -c
#### a lone - before a numbered redirection stays an argument
printf '%s|' a - 2>/dev/null; echo; printf '%s|' - 3>/dev/null; echo; tar cf - a.txt 2>/dev/null | tar tf - 2>/dev/null; printf '%s|' x \
  - 2>/dev/null; echo
#### a writer far ahead of a reader that quits gets a broken pipe (64 KiB in a pipe)
seq 1 100000 | grep -m1 5; echo "${PIPESTATUS[@]}"; seq 1 1000 | grep -m1 5; echo "${PIPESTATUS[@]}"; seq 1 20000 | head -1; echo "${PIPESTATUS[@]}"
