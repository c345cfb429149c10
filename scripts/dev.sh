#!/bin/bash
# Forge's one-step set-up for a fresh Debian 12 / Ubuntu machine: installs
# what is missing (apt, through sudo when not root), builds, then
#   scripts/dev.sh run    compiles and runs examples/hello.c in the sandbox
#   scripts/dev.sh test   runs the whole test suite (make check), then again
#                         on an ASan + UBSan build in build-asan/ (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

job=${1:-run}
case $job in
run | test | build) ;;
*)
	echo "usage: scripts/dev.sh [run|test|build]" >&2
	exit 2
	;;
esac

# Build dependencies, then the toolchains the tests exercise.
packages="build-essential autoconf automake pkg-config libseccomp-dev
	libsqlite3-dev libncurses-dev libvterm-dev libinih-dev libmd-dev
	libyaml-dev zlib1g-dev libmicrohttpd-dev libhiredis-dev clang
	libcurl4-openssl-dev docker.io runsc libsystemd-dev
	systemd dbus-user-session libpam-systemd
	jq bc curl sqlite3 tmux bubblewrap util-linux python3 g++ golang-go rustc
	socat openssl strace
	redis-server python3-yaml python3-jsonschema
	qemu-system-x86 busybox-static"
command -v node >/dev/null || packages="$packages nodejs"
command -v javac >/dev/null || packages="$packages default-jdk-headless"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "installing:$missing"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	./configure --enable-werror
fi
make -j"$(nproc)"

case $job in
build) ;;
run)
	./forge doctor || true
	echo
	echo "$ echo Forge | ./forge run examples/hello.c"
	echo Forge | ./forge run examples/hello.c
	# then the workbench, on a copy the person may edit freely (work/ is
	# not tracked); without a terminal the run above is the whole job
	if [ -t 0 ] && [ -t 1 ]; then
		mkdir -p work
		[ -e work/hello.c ] || cp examples/hello.c work/hello.c
		echo
		echo "$ ./forge-tui work/hello.c    (F5 runs it, F1 lists the keys, Ctrl-Q quits)"
		sleep 1
		exec ./forge-tui work/hello.c
	fi
	;;
test)
	status=0
	# Debian's kernel, for tests/e2e/cgroup-v2.sh's VM (unpacked only)
	scripts/fetch-vm-kernel.sh tests/vm/kernel ||
		echo "no test kernel: tests/e2e/cgroup-v2.sh will be skipped"
	make -j"$(nproc)" check || status=$?
	# tally DIR: the results of the suite run in DIR
	total_pass=0 total_fail=0
	tally() {
		local pass=0 fail=0 skipped=0 trs
		for trs in $(find "$1/tests" -name '*.trs'); do
			case $(sed -n 's/^:test-result: //p' "$trs") in
			PASS | XFAIL) pass=$((pass + 1)) ;;
			SKIP) skipped=$((skipped + 1)) ;;
			*)
				fail=$((fail + 1))
				echo "---- ${trs%.trs}.log"
				tail -n 40 "${trs%.trs}.log"
				;;
			esac
		done
		echo "$2: $pass passed, $fail failed, $skipped skipped"
		total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
	}
	tally . "default build"

	# The same suite on an ASan + UBSan build of the same files, every
	# report fatal and none suppressed. The sandboxed programs are not
	# instrumented; forge, forge-tui and the unit tests are. A copy, not
	# a VPATH build: this tree is configured in place.
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		rm -rf build-asan
		mkdir -p build-asan/src
		git ls-files -z --cached --others --exclude-standard |
			tar --null --ignore-failed-read -T - -cf - 2>/dev/null |
			tar -C build-asan/src -xf -
		start=$(date +%s)
		(
			cd build-asan/src
			autoreconf -fi
			./configure -q --enable-asan --enable-werror --disable-fuzz
			make -j"$(nproc)" >/dev/null
			export ASAN_OPTIONS=halt_on_error=1
			export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
			# the long reruns of other suites on docker are left to
			# the default build (FORGE_TEST_SANITIZED: they skip)
			export FORGE_TEST_SANITIZED=1
			make -j"$(nproc)" check
		) || status=$?
		tally build-asan/src "ASan + UBSan build"
		echo "ASan + UBSan build and suite: $(($(date +%s) - start)) s"
	else
		echo "not a git checkout: the ASan + UBSan suite is left out"
	fi
	[ "$total_fail" -eq 0 ] || status=1
	echo "$total_pass passed, $total_fail failed"
	exit "$status"
	;;
esac
