#!/bin/bash
# A class-sized lab on one forge serve: S students (30) each submitting
# every few seconds for a while (60 s) to a set of five problems, with
# forge submit as a student would; a mix of right and wrong programs.
# Prints the verdict latency (forge submit's start to its verdict) at
# P50 and P99 side by side with the same submission's on an idle server
# (the ratio is what the class's load costs each student), the
# throughput, and whether the scoreboard at the end is right: every
# student × problem cell of forge lab board --json against what the
# students' own records say (solved, attempts).
#
# usage: bench/lab-class.sh [-s STUDENTS] [-d SECONDS] [-i INTERVAL] [-j WORKERS]
set -euo pipefail

bench_name=lab-class
. "$(dirname "$0")/lib.sh"

students=30 duration=60 interval=3 workers=2
while getopts s:d:i:j: opt; do
	case $opt in
	s) students=$OPTARG ;;
	d) duration=$OPTARG ;;
	i) interval=$OPTARG ;;
	j) workers=$OPTARG ;;
	*) die 2 "usage: $0 [-s STUDENTS] [-d SECONDS] [-i INTERVAL] [-j WORKERS]" ;;
	esac
done
wait_for_forge
command -v jq >/dev/null || die 2 "jq is needed"
[ -x "$(dirname "$forge")/forge-full" ] || die 2 "forge-full was not built (libcurl)"

# five problems of pairs: problem k prints a * k + b
db=$tmp/history.db
for k in 1 2 3 4 5; do
	mkdir -p "$tmp/p$k"
	for t in 1 2 3; do
		echo "$t $((t + 10))" >"$tmp/p$k/$t.in"
		echo $((t * k + t + 10)) >"$tmp/p$k/$t.ans"
	done
	printf '#include <stdio.h>\nint main(void) { long a, b; scanf("%%ld %%ld", &a, &b); printf("%%ld\\n", a * %d + b); return 0; }\n' \
		"$k" >"$tmp/ac$k.c"
done
printf '#include <stdio.h>\nint main(void) { puts("0"); return 0; }\n' >"$tmp/wa.c"

teacher=$("$forge" token add teacher --db "$db")
for s in $(seq "$students"); do
	"$forge" token add "s$s" --role student --db "$db" >"$tmp/token.s$s"
done
"$forge" serve --listen 127.0.0.1:0 --db "$db" -j "$workers" \
	>"$tmp/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
	port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.log")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || die 1 "forge serve did not start: $(cat "$tmp/serve.log")"
export FORGE_SERVER=http://127.0.0.1:$port
for k in 1 2 3 4 5; do
	FORGE_TOKEN=$teacher "$forge" lab add "$tmp/p$k" >/dev/null
done
FORGE_TOKEN=$teacher "$forge" lab set class --open now-1m --close now+1d \
	p1 p2 p3 p4 p5 >/dev/null

now_ms() { date +%s%3N; }

# one submission: "problem expected verdict milliseconds"
submit() {
	local who=$1 k=$2 src=$3 want=$4 t0 t1 got
	t0=$(now_ms)
	got=$(FORGE_TOKEN=$(cat "$tmp/token.$who") "$forge" submit "p$k" \
		"$src" --json 2>/dev/null | jq -r .verdict) || true
	t1=$(now_ms)
	echo "$who p$k $want $got $((t1 - t0))"
}

# the idle server's latency: five in a row, one at a time (the builds
# are cached by the first)
submit s1 1 "$tmp/ac1.c" AC >/dev/null
: >"$tmp/idle"
for _ in 1 2 3 4 5; do
	submit s1 1 "$tmp/ac1.c" AC >>"$tmp/idle"
done

# the class: each student a loop of its own, a wrong program one time
# in three, problems in turn from a start of its own
student() {
	local s=$1 n=0 end=$(($(date +%s) + duration)) k src want
	RANDOM=$s
	sleep "0.$((RANDOM % 10))"
	while [ "$(date +%s)" -lt "$end" ]; do
		k=$(((s + n) % 5 + 1))
		if [ $((RANDOM % 3)) -eq 0 ]; then
			src=$tmp/wa.c want=WA
		else
			src=$tmp/ac$k.c want=AC
		fi
		submit "s$s" "$k" "$src" "$want"
		n=$((n + 1))
		sleep "$interval.$((RANDOM % 10))"
	done
}
start=$(now_ms)
for s in $(seq "$students"); do
	student "$s" >"$tmp/log.s$s" &
done
wait $(jobs -p | grep -v "^$server\$") 2>/dev/null || true
elapsed=$(($(now_ms) - start))
cat "$tmp"/log.s* >"$tmp/all"

pct() { # pct P FILE: the P-th percentile of the last column, in seconds
	awk '{print $NF}' "$2" | sort -n |
		awk -v p="$1" '{v[NR] = $1} END {
			i = int((NR * p + 99) / 100); if (i < 1) i = 1
			printf "%.3f", v[i] / 1000 }'
}
total=$(wc -l <"$tmp/all")
wrong=$(awk '$3 != $4' "$tmp/all" | wc -l)
idle50=$(pct 50 "$tmp/idle")
p50=$(pct 50 "$tmp/all")
p99=$(pct 99 "$tmp/all")

# the board against the students' records (all judged by now)
FORGE_TOKEN=$teacher "$forge" lab board --json >"$tmp/board.json"
cells=0 bad=0
for s in $(seq "$students"); do
	for k in 1 2 3 4 5; do
		# attempts until the first AC, or all of them
		want=$(awk -v w="s$s" -v p="p$k" '$1 == w && $2 == p {
				n++; if ($4 == "AC") { print "true " n; found = 1; exit } }
			END { if (!found) print "false " n + 0 }' "$tmp/all" "$tmp/idle" | head -n 1)
		[ "$s" = 1 ] && [ "$k" = 1 ] && continue # s1's idle runs came first
		got=$(jq -r --arg s "s$s" --arg p "p$k" '.students[] |
			select(.name == $s) | .problems[] | select(.problem == $p) |
			"\(.solved) \(.attempts)"' "$tmp/board.json")
		cells=$((cells + 1))
		[ "$want" = "$got" ] || bad=$((bad + 1))
	done
done

printf 'class: %d students, a submission every %d-%d s each for %d s, %d workers\n' \
	"$students" "$interval" $((interval + 1)) "$duration" "$workers"
printf '%-34s %10s %10s\n' "" "idle" "class"
printf '%-34s %9ss %9ss   (x%s)\n' "verdict latency, P50" "$idle50" "$p50" \
	"$(awk -v a="$p50" -v b="$idle50" 'BEGIN { printf "%.1f", a / b }')"
printf '%-34s %10s %9ss\n' "verdict latency, P99" "" "$p99"
printf '%-34s %10s %10s\n' "submissions judged" 5 "$total"
printf '%-34s %10s %10s\n' "throughput (judged / s)" "" \
	"$(awk -v n="$total" -v ms="$elapsed" 'BEGIN { printf "%.1f", n * 1000 / ms }')"
printf '%-34s %10s %10s\n' "verdicts other than intended" "" "$wrong"
printf 'scoreboard: %d cells checked, %d wrong\n' "$cells" "$bad"
[ "$bad" -eq 0 ] && [ "$wrong" -eq 0 ]
