#### background jobs run alongside the script
(sleep 0.4; echo slow) & p1=$!
(echo quick) &
wait $p1; echo "w=$?"
wait; echo all
#### jobs end in the order they finish
for i in 5 1 3; do (sleep 0.$i; echo $i) & done; wait; echo done
#### wait ID gives the job's status
f() { sleep 0.1; return 3; }; f & wait $!; echo "st=$?"
{ echo g; exit 4; } & wait $!; echo $?
wait 999 2>/dev/null; echo "missing=$?"
#### wait -n returns the first to end
(sleep 0.6; exit 5) & (sleep 0.1; exit 7) & wait -n; echo "n=$?"; wait; echo end
#### kill ends a job with 128+signal
sleep 5 & p=$!; kill $p; wait $p; echo "killed=$?"
sleep 5 & kill -9 %2; wait %2; echo "nine=$?"
#### a job reads /dev/null unless a pipe or redirection gave it input
echo input | { cat & wait; }; echo after
{ cat & wait; } <<< here
cat & wait
#### a job changes no variable of the script
x=1; { x=2; } & wait; echo $x
#### jobs lists running jobs; numbers are reused once collected
sleep 0.6 & sleep 0.4 &
(sleep 0.1; echo x) &
jobs
wait
true & p=$!; wait $p; sleep 0.3 & jobs
#### a job still running when the script ends finishes
(sleep 0.2; echo late) &
echo early
#### caller and times
caller | cut -d' ' -f1; caller 0; echo "top=$?"
f() { caller | cut -d' ' -f1; caller 0 | cut -d' ' -f1,2; caller 1; echo "rc=$?"; g; }
g() { caller 0 | cut -d' ' -f1,2; caller 1 | cut -d' ' -f1,2; caller 2; echo "g2=$?"; }

f
times | sed 's/[0-9][0-9]*/N/g'
#### throttled parallel work with jobs -r and wait -n
for i in 1 2 3 4 5 6; do
  (sleep 0.$((i % 3 * 2 + 1)); echo "done $i") &
  if (( $(jobs -r | wc -l) >= 3 )); then wait -n; fi
done
wait
echo all
#### jobs -r, -p, -s and kill -0
sleep 0.4 & sleep 0.4 & true &
sleep 0.2
jobs -r | wc -l; jobs -s | wc -l; jobs -p | wc -l
kill -0 $! 2>/dev/null; echo "alive=$?"
wait
#### waiting for each pid in turn
pids=()
for n in 5 1 3; do { sleep 0.$n; echo $n; } & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; echo "rc $?"; done
