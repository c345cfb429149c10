#!/bin/bash
# Forge's verdict, judge and hostile suites on the docker backend: one
# private dockerd (tests/docker-lib.sh) for all of them, each test run as
# it is for ns but with FORGE_TEST_BACKEND=docker (tests/lib.sh gives its
# run, judge, stress and doctor --backend docker), one after another
# under this test's memory lock. A test, or the part of one, that cannot
# apply to docker skips saying why (ns_only); a skip for any other reason
# (a missing tool) is reported as such. After each test nothing of
# Forge's is left in the daemon but the warm pool's containers, which go
# with the test's cache (removed here, as the next forge start would).
# With runsc registered, a subset runs again under gVisor
# (FORGE_DOCKER_RUNTIME=runsc). DOCKER_SUITES="TEST..." runs those alone.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
[ -z "${FORGE_TEST_SANITIZED:-}" ] ||
	skip "the suites on docker run in the default build; the sanitizer build runs tests/e2e/docker.sh"
command -v gcc >/dev/null || skip "gcc is not installed"
docker_start
export FORGE_TEST_MEMORY_HELD=1

suite=(
	tests/e2e/verdicts.sh
	tests/e2e/judge.sh
	tests/e2e/judge-timelimit.sh
	tests/hostile/daemon.sh
	tests/hostile/disk-fill.sh
	tests/hostile/environment.sh
	tests/hostile/fifo-inputs.sh
	tests/hostile/fork-bomb.sh
	tests/hostile/host-paths.sh
	tests/hostile/identity.sh
	tests/hostile/inflight-fds.sh
	tests/hostile/kill-all.sh
	tests/hostile/memory-bomb.sh
	tests/hostile/network.sh
	tests/hostile/output-flood.sh
	tests/hostile/secrets.sh
	tests/hostile/self-signal.sh
	tests/hostile/symlink-artifacts.sh
	tests/hostile/terminal-escapes.sh
	tests/hostile/tiny-memory.sh
	tests/hostile/write-outside.sh
)
# under gVisor: the judge suite (the verdicts: tests/e2e/docker-runsc.sh
# has those that hold there, as gVisor's own processes count against
# --pids)
runsc_suite=(tests/e2e/judge.sh)

# DOCKER_SUITES="TEST...": those alone, not under runsc (a developer's
# rerun of a few)
if [ -n "${DOCKER_SUITES:-}" ]; then
	read -ra suite <<<"$DOCKER_SUITES"
	runsc_suite=()
fi

# suite_run RUNTIME TEST: one test of the suite on docker (RUNTIME: "" for
# the daemon's default)
suite_run() {
	local rt=$1 t=$2 name rc=0 log
	name="$t${rt:+ (runsc)}"
	log="$TEST_TMP/$(basename "$t" .sh)${rt:+-$rt}.log"
	FORGE_TEST_BACKEND=docker FORGE_DOCKER_RUNTIME=$rt \
		bash "$FORGE_SRCDIR/$t" >"$log" 2>&1 </dev/null || rc=$?
	checks=$((checks + 1))
	case $rc in
	0) echo "ok: $name on docker ($(tail -1 "$log"))" ;;
	77)
		if grep -q "^SKIP: not on the docker backend" "$log"; then
			echo "ok: $name skips on docker: $(grep '^SKIP' "$log")"
		else
			echo "skip: $name on docker: $(grep '^SKIP' "$log")"
		fi
		;;
	*)
		fail "$name on docker (exit $rc)"
		grep -E '^FAIL' "$log" >&2
		tail -20 "$log" >&2
		;;
	esac
	eq "$name: nothing of Forge's left in the daemon" 0 "$(docker_left)"
	docker rm -f $(docker ps -aq --filter label=forge.pool) \
		>/dev/null 2>&1
}

for t in "${suite[@]}"; do
	suite_run "" "$t"
done
if [ -n "$DOCKER_RUNSC" ]; then
	for t in "${runsc_suite[@]}"; do
		suite_run runsc "$t"
	done
fi
eq "no container of Forge's left" 0 \
	"$(docker ps -aq --filter label=forge=1 | wc -l)"
finish
