# Shared by the benchmarks, sourced after they set $bench_name:
#   $here, $forge      this directory; the forge binary measured
#                      (FORGE=... picks another)
#   die CODE MESSAGE   the message, then exit CODE
#   $tmp               a directory of the run's own, removed at exit;
#                      forge keeps its builds there (XDG_CACHE_HOME),
#                      away from the user's cache
#   wait_for_forge     until $forge is there and starts (the binary may
#                      be missing for a moment while the tree is rebuilt)

here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
forge=${FORGE:-$(cd "$here/.." && pwd)/forge}

die() {
	local code=$1
	shift
	echo "$bench_name: $*" >&2
	exit "$code"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/forge-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export XDG_CACHE_HOME=$tmp/cache
unset FORGE_CACHE_DIR
mkdir -p "$XDG_CACHE_HOME"

wait_for_forge() {
	local i
	for ((i = 0; i < 60; i++)); do
		if [[ -x $forge ]] && "$forge" --version >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	die 1 "forge is not there or does not start: $forge"
}
