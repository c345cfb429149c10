#!/bin/bash
# One seccomp policy, two backends: the forbidden calls of the hostile
# syscalls program, run in containers of a private dockerd. Each denied
# call ends the run with SV (the container's profile, generated from
# Forge's own policy, kills it; the docker backend cannot name the call,
# and says so); calls that must look absent (clone3, io_uring_setup) fail
# with ENOSYS, as on ns; sockets of vsock/AF_ALG fail with EAFNOSUPPORT.
# Each call is made raw: one the profile misses returns, and the program
# says so and exits 0 (verdict OK). Host side: the mount table is
# unchanged, nothing of Forge's is left in the daemon.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
. "$FORGE_SRCDIR/tests/docker-lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v gcc >/dev/null || skip "gcc is not installed"
docker_start

attempt() {
	echo "$1" >"$TEST_TMP/what.in"
	forge_json "$PROGS/syscalls.c" -i "$TEST_TMP/what.in" \
		--backend docker
}

mounts_before=$(host_mounts)
attempt getpid
eq "getpid: verdict" OK "$(j .verdict)"
check "getpid: the call came back" grep -q "^getpid returned" <<<"$(j .stdout)"

for what in ptrace-traceme ptrace-attach-init mount thread-mount umount2 \
	unshare-user clone-newuser setns keyctl add_key request_key bpf \
	perf_event_open process_vm_readv tiocsti tiocsti-high open_by_handle_at \
	userfaultfd syslog init_module kexec_load reboot swapon chroot \
	pivot_root x32-mount int80-mount; do
	attempt "$what"
	eq "$what: verdict" SV "$(j .verdict)"
	eq "$what: forge's exit status" 1 "$rc"
	eq "$what: the call never came back" "" "$(j .stdout)"
	check "$what: the detail says the call is not named" \
		grep -q "cannot name it" <<<"$(j .detail)"
done

for what in clone3 io_uring_setup; do
	attempt "$what"
	eq "$what: verdict" OK "$(j .verdict)"
	check "$what: fails with ENOSYS" \
		grep -q "^$what returned -1 errno ENOSYS" <<<"$(j .stdout)"
done
check "the host's mount table is unchanged" \
	[ "$mounts_before" = "$(host_mounts)" ]
eq "nothing of Forge's left in the daemon" 0 "$(docker_left)"
finish
