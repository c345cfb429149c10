#!/bin/bash
# bench/serve-jobs.sh: what one job costs a running forge-serve, beside
# what the same run costs as a forge process of its own.
#
#   per job     a cached C hello world posted to POST /v1/runs?wait=60,
#               one request after the other over one connection (one
#               curl process, so that no client start is counted); the
#               time from the request to the result, as curl measures
#               it, with the server's worker recording the run
#   forge run   the same program run by `forge run` (recording into its
#               default history database), one process per run, timed
#               by bench/spawn-loop.c
#
# A worker is a long-lived process: it reads the language files, opens
# the history database (and prepares its statements) once, for all the
# jobs it runs; a forge process does all of that for its one run.
#
#   bench/serve-jobs.sh [-n JOBS] [-r ROUNDS]
#
# FORGE=/path/to/forge picks the binary (its forge-serve, or forge-full,
# serves). Exit status: 0 measured, 1 forge or the server failed, 2 the
# benchmark could not be set up (usage, no C compiler, no curl).
set -euo pipefail
export LC_ALL=C

jobs=100
rounds=3
usage() {
	echo "usage: $0 [-n JOBS] [-r ROUNDS]" >&2
	exit "${1:-2}"
}
while getopts n:r:h opt; do
	case $opt in
	n) jobs=$OPTARG ;;
	r) rounds=$OPTARG ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 0 ]] || usage
[[ $jobs =~ ^[1-9][0-9]*$ ]] || usage
[[ $rounds =~ ^[1-9][0-9]*$ ]] || usage

bench_name=serve-jobs
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config
unset FORGE_HISTORY FORGE_HISTORY_CAP
command -v curl >/dev/null || die 2 "curl is not installed"
command -v jq >/dev/null || die 2 "jq is not installed"
cc=${CC:-gcc}
command -v "$cc" >/dev/null || die 2 "no C compiler ($cc)"
"$cc" -O2 -o "$tmp/spawn-loop" "$here/spawn-loop.c" ||
	die 2 "cannot build $here/spawn-loop.c"

cat >"$tmp/hello.c" <<'EOC'
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
EOC
jq -n --rawfile src "$tmp/hello.c" '{language: "c", source: $src}' >"$tmp/job.json"

wait_for_forge
server_pid=
stop_server() {
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
	rm -rf "$tmp"
}
trap stop_server EXIT
: >"$tmp/serve.log" # there before the first look for the port
"$forge" serve --listen 127.0.0.1:0 --db "$tmp/serve.db" -j 1 \
	>"$tmp/serve.log" 2>&1 &
server_pid=$!
port=
for ((i = 0; i < 200; i++)); do
	port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.log")
	[[ -n $port ]] && break
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
[[ -n $port ]] || {
	sed 's/^/  /' "$tmp/serve.log" >&2
	die 1 "forge serve did not start"
}
url="http://127.0.0.1:$port/v1/runs?wait=60"

# the first job compiles (the build cache is shared with forge run)
code=$(curl -s -o "$tmp/first.json" -w '%{http_code}' \
	-H 'Content-Type: application/json' --data-binary @"$tmp/job.json" "$url")
[[ $code == 200 && $(jq -r .verdict "$tmp/first.json") == OK &&
	$(jq -r .stdout "$tmp/first.json") == hello ]] ||
	die 1 "the first job failed (HTTP $code): $(head -c 300 "$tmp/first.json")"
"$forge" run -q "$tmp/hello.c" >/dev/null </dev/null ||
	die 1 "forge run failed on the hello world"

# one round: $jobs jobs in one curl, each one's time in ms
round() {
	local i
	: >"$tmp/curl.cfg"
	for ((i = 0; i < jobs; i++)); do
		((i == 0)) || echo next >>"$tmp/curl.cfg"
		printf 'url = "%s"\nsilent\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\noutput = "%s/job-%d.json"\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' \
			"$url" "$tmp/job.json" "$tmp" "$i" >>"$tmp/curl.cfg"
	done
	curl --config "$tmp/curl.cfg" >"$tmp/times" || return 1
	for ((i = 0; i < jobs; i++)); do
		[[ $(jq -r '.verdict + " " + .stdout' "$tmp/job-$i.json") == "OK hello" ]] ||
			return 1
	done
	awk '$1 != 200 { bad = 1 } { print $2 * 1000 } END { exit bad }' "$tmp/times" |
		sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

: >"$tmp/serve.ms"
: >"$tmp/run.ms"
for ((r = 0; r < rounds; r++)); do
	round >>"$tmp/serve.ms" || die 1 "a job failed in round $((r + 1))"
	"$tmp/spawn-loop" "$jobs" "$forge" run -q "$tmp/hello.c" >>"$tmp/run.ms" ||
		die 1 "forge run failed in round $((r + 1))"
done
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
s=$(median "$tmp/serve.ms")
f=$(median "$tmp/run.ms")
printf 'forge-serve per job (%d jobs x %d rounds, -j 1, median, %s cores, %s)\n' \
	"$jobs" "$rounds" "$(nproc)" "$(uname -r)"
printf '%-34s %7.2f ms\n' "a job, request to result" "$s"
printf '%-34s %7.2f ms\n' "forge run (default), a process" "$f"
printf '%-34s %7.2fx\n' "job / forge run" "$(awk -v a="$s" -v b="$f" 'BEGIN { print a / b }')"
