#### cat -n
cat -n a.txt
#### cat multiple and missing
cat a.txt missing noeol.txt; echo " $?"
#### cat stdin dash
echo in | cat - a.txt
#### head tail
head -2 a.txt; tail -n 2 a.txt; tail -n +3 a.txt; head -c 5 a.txt; echo
#### head negative
head -n -2 a.txt
#### head multiple
head -n 1 a.txt nums.txt
#### tail bytes
tail -c 4 a.txt
#### wc variants
wc a.txt; wc -l a.txt nums.txt; wc -w < a.txt; wc -c noeol.txt; cat a.txt | wc
#### wc -m
printf 'hello\n' | wc -m; printf 'h\xc3\xa9llo\n' | wc -c
#### sort basic
sort words.txt
#### sort -n -r
sort -n nums.txt; sort -rn nums.txt
#### sort -u
sort -u words.txt
#### sort -k -t
sort -t, -k2 -n data.csv
#### sort -k2,2 reverse
sort -t, -k3,3 -k1,1r data.csv
#### sort -h
printf '1K\n10M\n5\n2G\n3K\n' | sort -h
#### sort -V
printf 'v1.10\nv1.2\nv1.9\n' | sort -V
#### sort stable
printf 'b 1\na 2\nb 0\na 1\n' | sort -s -k1,1
#### uniq -c
sort words.txt | uniq -c
#### uniq -d -u
sort words.txt | uniq -d; echo --; sort words.txt | uniq -u
#### uniq -i
printf 'a\nA\nb\n' | uniq -i
#### cut fields
cut -d, -f1,3 data.csv; cut -d, -f2- data.csv
#### cut chars
cut -c1-3 a.txt; cut -c2 a.txt
#### cut tabs
cut -f2 tabs.tsv
#### cut complement
cut -d, --complement -f2 data.csv
#### tr
echo hello | tr a-z A-Z; echo hello | tr -d l; echo 'a  b   c' | tr -s ' '; echo abc | tr abc xyz
#### tr classes
echo 'Hello World 123' | tr '[:lower:]' '[:upper:]'; echo 'a1b2' | tr -d '[:digit:]'; echo 'abc' | tr -c 'a' 'x'; echo
#### tac rev
tac a.txt; echo abc | rev
#### nl
nl a.txt
#### paste
paste nums.txt words.txt | head -3; paste -s -d, nums.txt; paste -d: a.txt a.txt | head -1
#### comm
printf 'a\nb\nc\n' > x; printf 'b\nc\nd\n' > y; comm x y; comm -12 x y
#### fold
echo abcdefghij | fold -w 3
#### seq
seq 5; seq 2 4; seq 10 -3 1; seq -s, 3; seq -w 8 10; seq 0.5 0.5 2
#### printf table
printf '%-6s|%6s|\n' name value alpha 1
#### base64 roundtrip
echo 'hello world' | base64; echo aGVsbG8gd29ybGQK | base64 -d
#### checksums
md5sum a.txt; sha1sum a.txt; sha256sum a.txt nums.txt
#### sha256sum check
sha256sum a.txt > sums; sha256sum -c sums
#### grep basic
grep foo a.txt; grep -i hello a.txt; grep -c o a.txt; grep -v o a.txt
#### grep -n -o -w -x
grep -n o a.txt; grep -o 'o[a-z]*' a.txt; grep -w bar a.txt; grep -x baz a.txt; echo $?
#### grep -E -F
grep -E 'foo|baz' a.txt; grep -F '.' data.csv; echo $?
#### grep BRE groups
grep 'h\(el\)\{1\}lo' a.txt; grep 'o\+' a.txt | head -1
#### grep -r
grep -r needle dir | sort
#### grep -rl include
grep -rl needle --include='*.txt' dir | sort
#### grep -ri -n
grep -rin needle dir | sort
#### grep -L -h
grep -L needle dir/one.txt dir/two.md; grep -h needle dir/one.txt dir/sub/three.txt
#### grep context
seq 20 | grep -A1 -B1 '^1[05]$'
#### grep -C
seq 10 | grep -C1 5
#### grep -e multiple
grep -e foo -e baz a.txt
#### grep no match status
grep zzz a.txt; echo $?; grep zzz missing; echo $?; grep -s zzz missing; echo $?
#### grep -q
grep -q hello a.txt && echo found
#### grep -m
grep -m1 o a.txt
#### grep stdin
cat a.txt | grep -c ''
#### grep exclude-dir
grep -r needle --exclude-dir=sub dir | sort
#### sed substitute
sed 's/o/0/' a.txt; sed 's/o/0/g' a.txt
#### sed -n p
sed -n '2p' a.txt; sed -n '2,3p' a.txt; sed -n '$p' a.txt
#### sed delete
sed '1d' a.txt; sed '/foo/d' a.txt
#### sed regex addr range
sed -n '/foo/,/Hello/p' a.txt
#### sed -E groups
sed -E 's/([a-z]+) ([a-z]+)/\2 \1/' a.txt
#### sed BRE groups
sed 's/\(hel\)lo/[\1]/' a.txt
#### sed ampersand
sed 's/[a-z]*/<&>/' a.txt
#### sed multiple -e
sed -e 's/a/A/' -e 's/b/B/' a.txt
#### sed semicolons
sed 's/a/A/;s/o/O/g' a.txt
#### sed a i c
sed '2a\
appended' a.txt; sed '1i inserted' a.txt; sed '3c changed' a.txt
#### sed y
echo hello | sed 'y/abcdefghij/ABCDEFGHIJ/'
#### sed q
sed 2q a.txt; sed -n '/foo/{p;q}' a.txt
#### sed -i
cp a.txt e.txt; sed -i 's/hello/bye/' e.txt; cat e.txt
#### sed line numbers
sed -n '=' a.txt | tail -1; sed -n '$=' a.txt
#### sed case insensitive
sed 's/HELLO/hi/I' a.txt
#### sed hold space reverse
sed -n '1!G;h;$p' a.txt
#### sed N join
printf 'a\nb\nc\nd\n' | sed 'N;s/\n/-/'
#### sed nth occurrence
echo aaaa | sed 's/a/b/2'
#### sed step
seq 10 | sed -n '1~3p'
#### sed negation
sed '/o/!d' a.txt
#### sed upper
echo hello world | sed 's/\w\+/\u&/g'
#### sed empty regex reuse
sed '/foo/s//FOO/' a.txt
#### sed branch
printf 'a,b,c\n' | sed ':x;s/,/;/;tx'
#### sed noeol
sed 's/end/END/' noeol.txt; echo
#### tee
echo tee-data | tee t1.txt t2.txt; cat t1.txt t2.txt; echo more | tee -a t1.txt >/dev/null; cat t1.txt
#### xargs
printf 'a\nb\nc\n' | xargs echo; printf 'a b c d' | xargs -n 2 echo
#### xargs -I
printf 'x\ny\n' | xargs -I{} echo 'item {}'
#### xargs -0
printf 'a\0b\0' | xargs -0 echo
#### xargs with cat
ls dir/*.txt | xargs cat
#### basename dirname
basename /a/b/c.txt; basename /a/b/c.txt .txt; dirname /a/b/c.txt; dirname c.txt; basename /; dirname /a/
#### env printenv
X=1 env | grep '^X='; export Y=2; printenv Y
#### echo special
echo -e 'a\x41b\0101'; echo -- -n; echo -n; echo
#### yes limited
yes abc | head -n 2
#### endless producers into commands that stop early
yes | grep -m1 y; yes | grep -q y; echo $?; yes | tr y n | head -1; yes | head -c 3; echo; yes | cut -c1 | head -1
yes | tee f | head -1; [ -s f ] && echo has; printf 'abc' | { head -c 1; echo; cat; echo; }; seq 100000 | grep -n 99999
#### carriage returns are kept
printf 'b,1\r\na,2\r\n' | cut -d, -f2 | od -c; printf 'b,1\r\na,2\r\n' | column -t | od -c; printf 'x\r\n' | jq -R . ; printf 'a  b\tc\n' | column -t
#### grep -P look-around and back-references, grep -b
echo 'a1b22c333' | grep -oP '\d+'; echo 'foo=bar' | grep -oP '(?<=foo=)\w+'; echo 'x' | grep -P '\bx\b'; echo 'abcabc' | grep -oP '(abc)\1'; echo 'price: 42 USD' | grep -oP '\d+(?= USD)'; echo AB | grep -iP '(?<=a)b'
printf 'x1\nx2\nx3\n' | grep -b x3; echo abcb | grep -b -o b; printf 'one\ntwo\n' > f; grep -bn two f; printf 'a\nb\n' | grep -c -b b; echo ab | grep -P '(?<=a'; echo $?
#### join options, sort -M and -c, cat -T, unexpand, diff -i -w -b, bc zero, cmp
join -t, <(printf 'a,1\nb,2\n') <(printf 'a,x\nb,y\n'); join -a1 <(printf '1 a\n2 b\n') <(printf '1 x\n'); join -o 1.1,2.2 <(printf '1 a\n') <(printf '1 x\n'); join -v2 <(printf '1 a\n') <(printf '1 x\n3 z\n'); join -a2 -e NA -o 0,1.2,2.2 <(printf '1 a\n') <(printf '1 x\n3 z\n'); join -i <(printf 'A 1\n') <(printf 'a 2\n'); join -1 2 -2 1 <(printf 'x k\n') <(printf 'k y\n')
sort -M <<< $'Mar\nJan\nFeb\nxyz'; sort -c <<< $'a\nb\nc\nb'; echo $?; sort -k2M <<< $'1 Feb\n2 Jan'; cat -T <<< $'a\tb'
expand -t2 <<< $'\ta'; unexpand -t4 <<< '    x' | od -c | head -1; printf '        x  y\n' | unexpand | od -c | head -2; printf 'a       b\n' | unexpand -a | od -c | head -1; printf '\ta\tb\n' | expand -i | od -c | head -2
diff -q <(echo a) <(echo a); echo $?; diff -w <(echo 'a  b') <(echo 'a b'); echo $?; diff -i <(echo A) <(echo a); echo $?; diff -b <(printf 'a  b\nx\n') <(printf 'a b\ny\n'); diff -iu <(printf 'A\nb\n') <(printf 'a\nc\n') | tail -3
bc -l <<< 's(0)'; echo 'scale=2; 0/1; -0.5*2+1; .5-.5; 1/3; -1/3' | bc; cmp <(echo a) <(echo b) >/dev/null; echo $?; cat <(echo x) <(echo y) <(echo z)
#### sed r, w and s///w
printf 'x\ny\n' | sed 'w out.txt' >/dev/null; cat out.txt; echo inc > inc.txt; printf 'a\nb\n' | sed '1r inc.txt'; printf 'a\n' | sed 'r nope.txt'
printf 'x y\n' | sed -E 's/(x) (y)/\2 \1/w /dev/stdout'; printf 'a\nb\n' | sed -n '/b/w bee.txt'; cat bee.txt; printf 'l\n' > f; sed -i 's/l/L/w changes' f; cat f changes
#### cksum of files and of standard input
cksum a.txt words.txt; printf '' | cksum; cat a.txt | cksum; cksum nope.txt 2>/dev/null; echo "st=$?"
#### seq past a run of 100,000 numbers: no extra line, -w pads every number
seq 1 100000 | wc -l; seq 1 200000 | tail -1; seq -w 1 200000 | head -2; seq -s, 1 100000 | tail -c 14; seq -w 99 -1 90 | head -2
