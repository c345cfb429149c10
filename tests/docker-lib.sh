# A private Docker daemon for the docker backend's tests (sourced after
# tests/lib.sh). It installs nothing: where dockerd is missing or cannot
# start here, the test is skipped with the reason. The daemon has its own
# data root, exec root, pid file and socket under the test's directory,
# no iptables and no bridge; it is stopped, and what it mounted is
# unmounted, when the test exits. DOCKER_HOST points forge at it, and
# Forge's image is built in it (no registry). Where runsc (gVisor) is
# installed the daemon registers it, with no network of its own, and
# DOCKER_RUNSC is runsc's path (else empty).

docker_stop() {
	local pid
	if [ -n "${DOCKER_PID:-}" ]; then
		kill "$DOCKER_PID" 2>/dev/null
		for _ in $(seq 100); do
			kill -0 "$DOCKER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$DOCKER_PID" 2>/dev/null
		wait "$DOCKER_PID" 2>/dev/null
	fi
	# containerd and its shims, started by this daemon alone
	for pid in $(pgrep -f "$DOCKER_DIR/exec" 2>/dev/null); do
		kill -9 "$pid" 2>/dev/null
	done
	# whatever it left mounted under its directories, deepest first
	awk -v d="$DOCKER_DIR" 'index($2, d) == 1 { print $2 }' /proc/mounts |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$DOCKER_DIR" "$TEST_TMP"
}

docker_start() {
	command -v dockerd >/dev/null ||
		skip "dockerd is not installed (apt-get install docker.io)"
	[ "$(id -u)" = 0 ] || skip "a private dockerd needs root"
	"$FORGE" doctor --backend docker --json 2>/dev/null | grep -q '"docker' ||
		skip "this forge was built without the docker backend (no libcurl)"
	# short: a unix socket's path has a length limit
	# a daemon takes the host's memory while it runs
	memory_exclusive
	DOCKER_DIR=$(mktemp -d /tmp/fdk.XXXXXX)
	trap docker_stop EXIT
	DOCKER_RUNSC=$(command -v runsc || true)
	if [ -n "$DOCKER_RUNSC" ]; then
		printf '{"runtimes": {"runsc": {"path": "%s", %s}}}\n' \
			"$DOCKER_RUNSC" '"runtimeArgs": ["--network=none", "--oci-seccomp"]' \
			>"$DOCKER_DIR/daemon.json"
	else
		echo '{}' >"$DOCKER_DIR/daemon.json"
	fi
	dockerd --config-file "$DOCKER_DIR/daemon.json" --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_DIR/exec" \
		--pidfile "$DOCKER_DIR/pid" -H "unix://$DOCKER_DIR/sock" \
		--iptables=false --bridge=none >"$DOCKER_DIR/log" 2>&1 9>&- &
	DOCKER_PID=$!
	export DOCKER_HOST="unix://$DOCKER_DIR/sock"
	for _ in $(seq 300); do
		[ -S "$DOCKER_DIR/sock" ] && break
		kill -0 "$DOCKER_PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! [ -S "$DOCKER_DIR/sock" ]; then
		tail -5 "$DOCKER_DIR/log" >&2
		skip "dockerd could not start here (its log is above)"
	fi
	local out
	for _ in $(seq 50); do
		out=$("$FORGE" image build 2>&1) && return 0
		sleep 0.2
	done
	fail "forge image build on a private dockerd: $out"
	exit 1
}

# docker_left: Forge's containers and volumes the daemon still has, but
# for the warm pool's (docker_pool_left), which are meant to stay
docker_left() {
	{
		docker ps -a --filter label=forge=1 \
			--format '{{.ID}} {{.Label "forge.pool"}}' | awk 'NF == 1'
		docker volume ls -q --filter label=forge=1
	} 2>/dev/null | wc -l
}

# docker_pool_left: the warm pool's containers
docker_pool_left() {
	docker ps -aq --filter label=forge.pool 2>/dev/null | wc -l
}

# docker_pool_busy: the pool's containers a run has claimed and not handed
# back (their lock file says 'B'), by name
docker_pool_busy() {
	local f
	for f in "$XDG_CACHE_HOME"/forge/docker-pool/forge-pool-*; do
		[ "$(head -c 1 "$f" 2>/dev/null)" = B ] && basename "$f"
	done
}

# docker_drain: forge with the pool off removes the idle pool as it
# starts; prints how many of Forge's containers are left after that
docker_drain() {
	FORGE_DOCKER_POOL=0 "$FORGE" doctor --backend docker >/dev/null 2>&1
	docker ps -aq --filter label=forge=1 2>/dev/null | wc -l
}
