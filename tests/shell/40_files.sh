#### ls basic
ls; ls dir; ls -a dir
#### ls -R
ls -R dir
#### ls -1 multiple
ls -1 a.txt dir/sub nums.txt
#### ls -d
ls -d dir dir/sub
#### ls missing
ls nope; echo $?
#### ls -p -F
ls -p dir; ls -F dir
#### ls sort size reverse
ls -S a.txt nums.txt words.txt; ls -r dir
#### mkdir -p and rmdir
mkdir -p x/y/z && ls -R x; rmdir x/y/z; ls x/y; rmdir x; echo $?
#### mkdir existing
mkdir dir; echo $?
#### touch and stat size
touch new.txt; stat -c '%s %n' new.txt a.txt; touch -c ghost; ls ghost 2>/dev/null; echo $?
#### cp file
cp a.txt b.txt; cat b.txt; cp a.txt dir/; ls dir | grep a.txt
#### cp -r
cp -r dir dir2; ls -R dir2 | head -20
#### cp missing and dir without -r
cp nope x; echo $?; cp dir d3; echo $?
#### mv file and dir
mv a.txt moved.txt; ls moved.txt; mv dir/sub newsub; ls newsub; ls dir
#### mv into dir
mkdir target; mv nums.txt words.txt target/; ls target
#### rm
rm a.txt; ls a.txt 2>/dev/null; echo $?; rm -f nope; echo $?; rm nope; echo $?
#### rm -r
rm -r dir; ls dir 2>/dev/null; echo $?
#### rm dir without -r
rm dir; echo $?
#### ln -s and readlink
ln -s a.txt link; readlink link; cat link; ls -l link | awk '{print $NF}'
#### symlink dir
ln -s dir dlink; ls dlink; cat dlink/one.txt
#### realpath
realpath -m x/../a.txt | sed 's|.*/||'
#### find basic
find . -name '*.txt' | sort
#### find type
find dir -type d | sort; find dir -type f -name '*.md'
#### find maxdepth
find . -maxdepth 1 -type f | sort
#### find mindepth
find dir -mindepth 2 | sort
#### find iname path
find . -iname 'A.TXT'; find . -path '*sub*' | sort
#### find size empty
find . -empty | sort; find . -size +0 -name '*.csv'
#### find not or
find dir ! -name '*.txt' -type f | sort; find . -name a.txt -o -name nums.txt | sort
#### find exec
find dir -name '*.txt' -exec wc -l {} \; | sort
#### find exec plus
find dir -name '*.txt' -exec echo {} + | tr ' ' '\n' | sort
#### find delete
find dir -name '*.log' -delete; find dir -name '*.log' | wc -l
#### find print0
find dir/sub -type f -print0 | xargs -0 -n1 basename | sort
#### find printf
find dir -maxdepth 1 -type f -printf '%f %s\n' | sort
#### find prune
find . -path ./dir -prune -o -name '*.txt' -print | sort
#### find -depth at the depth limit, and a new file no newer than its directory
mkdir -p fd/a/b; touch fd/a/b/f fd/top; find fd -depth -maxdepth 0; find fd -maxdepth 1 -depth | sort
find fd/a -newer fd/a/b/f; find fd -depth -name b; find fd -mindepth 1 -type d -empty
#### find missing
find nope; echo $?
#### du
du -s dir | awk '{print $2}'; du -a dir | wc -l
#### wc across files
wc -l dir/one.txt dir/sub/three.txt
#### diff normal
printf 'a\nb\nc\n' > f1; printf 'a\nB\nc\nd\n' > f2; diff f1 f2; echo $?
#### diff unified body
printf 'a\nb\nc\n' > f1; printf 'a\nB\nc\nd\n' > f2; diff -u f1 f2 | tail -n +3
#### diff same
diff a.txt a.txt; echo $?
#### diff brief
diff -q a.txt nums.txt; echo $?
#### gzip roundtrip
gzip -k a.txt; ls a.txt.gz; zcat a.txt.gz; gunzip -c a.txt.gz | wc -l
#### gzip pipe
cat a.txt | gzip | gunzip
#### tar roundtrip
tar czf d.tgz dir; mkdir out; tar xzf d.tgz -C out; find out -type f | sort; tar tzf d.tgz | sort
#### split
seq 10 | split -l 4 - part; ls part*; cat partab
#### expr
expr 2 + 3; expr 10 / 3; expr 5 \> 3; expr length hello; expr hello : 'hel\(.*\)'; expr 1 - 1; echo $?
#### bc
echo '2+3*4' | bc; echo 'scale=2; 10/3' | bc; echo '2^10' | bc
#### column
printf 'a bb ccc\ndddd e f\n' | column -t
#### od xxd
printf 'AB\n' | od -c; printf 'hi' | xxd; printf 'hi' | xxd -p
#### file
file a.txt obj.json empty.txt dir
#### join
printf '1 a\n2 b\n3 c\n' > j1; printf '1 x\n3 z\n' > j2; join j1 j2
#### expand
printf 'a\tb\n' | expand -t 4
#### mktemp
t=$(mktemp -p .); [ -f "$t" ] && echo made; d=$(mktemp -d -p .); [ -d "$d" ] && echo dir
#### date format fixed
date -d '2024-03-05 10:20:30' '+%Y/%m/%d %H:%M:%S'; date -d @0 +%s
#### timeout ok
timeout 5 echo fine; echo $?
#### which
which cat ls; which nosuch; echo $?
#### help flag
cat --help | head -1 | cut -c1-6
#### seq into while
seq 3 | while read i; do echo "line $i"; done > out.txt; cat out.txt
#### cd into mount dirs
cd dir && ls && cd sub && cat three.txt | wc -l
#### glob across dirs with spaces
for f in *.txt; do echo "[$f]"; done
#### write then read large
seq 20000 > big.txt; wc -l big.txt; tail -1 big.txt; sort -rn big.txt | head -1
#### cp -r contents with dot
mkdir dest; cp -r dir/. dest/; find dest | sort
#### ls time styles, owners and -g/-o/-n
touch -d '2020-01-01 00:00:00' old; ls -l --time-style=+%Y old | awk '{print $6}'; ls -l --time-style=long-iso old | cut -d' ' -f6-
ls -l --time-style=iso old | cut -d' ' -f6-; ls --full-time old | cut -d' ' -f6-; ls -l old | cut -d' ' -f3-; ls -n old | cut -d' ' -f3,4
ls -g old | cut -d' ' -f3; ls -o old | cut -d' ' -f3; touch f; ls -lg f | cut -c1-25
#### awk assignments before stdin
echo 'a-b-c' | awk -F- '{print $NF, NF; $1=$1; print}' OFS=+; printf 'x\n' > f; awk '{print v, $0}' v=1 f v=2 f; echo q | awk '{print v}' v=3
#### stat layout, owners, links and separate times
touch -d '2020-01-01 00:00:00' old; stat old | sed -n '1,2p;4p'; stat -c '%U %G %u %g %h %a %04a %-6s| %8n|' old; mkdir d; stat -c '%h %F' d
ln old hl; stat -c %h old; touch -a -d '2021-01-01' old; stat -c '%X %Y' old; touch -m -d '2019-01-01' old; stat -c '%X %Y' old; stat -c '%x' old
#### du counts blocks used, -b and --apparent-size count sizes
mkdir -p d/e; printf "%0100d" 0 > d/f; printf "%05000d" 0 > d/e/g; du d; du -s d; du -a d | sort; du -b d/f; du --apparent-size -s d; du -sh d; stat -c %b d/f; du -c d/f d/e/g; du -sb d
#### globs ending in a slash match directories only
mkdir -p d1 d2 a/b; touch f1 a/c; echo */; echo d*/; ls -d */; echo a/*/; echo */*/; cd a; echo */; touch f; echo f*/; cd ..
#### ls -s, totals and find -printf sizes, times and owners, -newermt
mkdir -p d/sub; touch -d '2021-01-01' d/a; touch -d '2022-01-01' d/b; printf '%02000d' 0 > d/f; ls -lt d | head -1; ls -lh d | head -1; ls -s d; ls -sh d; ls -ls d | awk '{print $1, $NF}'
mkdir -p g; touch g/1 g/2; printf '%05000d' 0 > g/3; find g -type f -printf '%p %k %b\n' | sort; touch -d '2020-03-04 05:06:07' g/1; find g -name 1 -printf '%TY-%Tm-%Td %TH:%TM %t %u|%T+|%TT|%AY\n'; find g -newermt '2021-01-01' | sort; find g -newermt 'garbage'; echo $?
#### tar tv lists modes and owners, file names script interpreters
mkdir -p ttt/sub; echo c > ttt/sub/f; ln -s f ttt/sub/l; tar cf t.tar ttt; tar tvf t.tar | awk '{print $1, $2, $3, $6, $7, $8}'; tar tvf t.tar | wc -c
for i in '#!/bin/sh' '#!/bin/bash' '#!/usr/bin/env python3' '#!/usr/bin/env bash' '#!/usr/bin/perl'; do echo "$i" > x.s; file x.s | cut -d: -f2; done
#### directories have a size of one block
mkdir dd; [ -s dd ] && echo nonempty-size; ls -ld dd | awk '{print $5}'; stat -c %s dd; du --apparent-size -s dd | cut -f1; find . -maxdepth 1 -name dd -size -5k
#### ls -C -x -m -w in columns as GNU lays them out
touch a bb ccc dddd eeeee; ls -C; ls -x; ls -m; mkdir d; touch d/{1..30}; ls -C d; ls -w 20 -C d; ls -x d; ls -w 30 -x d
mkdir e; touch e/alpha e/beta-longer-name e/g e/delta e/epsilon-x; ls -C e; ls -C -w 30 e; ls -Cw 10 e; touch e/{10..40}-long-name; ls -m e
#### hard links: -ef, ls -i and stat %i agree on one file
mkdir hl; touch hl/a hl/b; ln hl/a hl/c; [ hl/a -ef hl/c ] && echo same; [ hl/a -ef hl/b ] || echo different
ls -i hl/a hl/c | awk '{print $1}' | uniq | wc -l; ls -li hl | awk 'NR>1 {print $1}' | sort -u | wc -l
[ "$(stat -c %i hl/a)" = "$(stat -c %i hl/c)" ] && echo eq; [ "$(stat -c %i hl)" = "$(stat -c %i ./hl)" ] && echo dir
#### dd copies blocks at offsets
dd if=/dev/zero bs=1 count=3 2>/dev/null | wc -c; printf 'abcdefgh' > f; dd if=f bs=1 skip=2 count=3 2>/dev/null; echo
printf 'XY' | dd of=f bs=1 seek=3 conv=notrunc 2>/dev/null; cat f; echo; printf 'XY' | dd of=f bs=1 seek=3 2>/dev/null; cat f; echo
printf 'abcdefgh' > f; dd if=f of=g bs=4 count=1 status=none; cat g; echo; dd if=/dev/zero of=z bs=1K count=4 status=none; wc -c < z
printf 'abc' | dd bs=2 conv=sync 2>/dev/null | od -An -c; printf 'hello' | dd 2>&1 >/dev/null | head -2; printf 'abcdefgh' | dd bs=3 2>&1 >/dev/null | head -2
dd if=f iflag=skip_bytes,count_bytes skip=1 count=2 status=none; echo; dd if=nonexistent 2>&1 | head -1; dd foo 2>&1; echo $?
printf 'x' > f; dd if=f of=f2 seek=2 bs=1 status=none; od -An -c f2
#### file tests on the shell's devices
for d in /dev/null /dev/zero /dev/urandom /dev/stdout /dev/nonexistent; do echo "$d e=$([ -e $d ] && echo y) c=$([ -c $d ] && echo y) f=$([ -f $d ] && echo y) d=$([[ -d $d ]] && echo y) r=$(test -r $d && echo y)"; done
