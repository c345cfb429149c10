#!/bin/bash
# Forbidden system calls end the run with verdict SV, naming the call:
# ptrace (PTRACE_TRACEME and attaching to the init), mount, umount2,
# unshare(CLONE_NEWUSER), clone with a namespace flag, setns, the
# keyrings, bpf, perf_event_open, process_vm_readv, ioctl TIOCSTI, and
# more; also from a second thread, and through the x32 and i386 ABIs. Each call is made raw, and a program whose call
# comes back says so and exits 0: a gap in the filter shows as OK. The
# control, getpid, is OK; clone3 and io_uring_setup look absent (ENOSYS).
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$FORGE_SRCDIR/tests/hostile/progs/common.sh"
need_sandbox
need_lang c

# attempt(what) -> the syscall the verdict names
attempt() {
	echo "$1" >"$TEST_TMP/what.in"
	forge_json "$PROGS/syscalls.c" -i "$TEST_TMP/what.in"
}

mounts_before=$(host_mounts)
attempt getpid
eq "getpid: verdict" OK "$(j .verdict)"
check "getpid: the call came back" grep -q "^getpid returned" <<<"$(j .stdout)"

while read -r what call; do
	attempt "$what"
	eq "$what: verdict" SV "$(j .verdict)"
	eq "$what: the call named" "$call" "$(j .syscall)"
	eq "$what: forge's exit status" 1 "$rc"
	eq "$what: the call never came back" "" "$(j .stdout)"
done <<'LIST'
ptrace-traceme ptrace
ptrace-attach-init ptrace
mount mount
thread-mount mount
umount2 umount2
unshare-user unshare
clone-newuser clone
setns setns
keyctl keyctl
add_key add_key
request_key request_key
bpf bpf
perf_event_open perf_event_open
process_vm_readv process_vm_readv
tiocsti ioctl
tiocsti-high ioctl
open_by_handle_at open_by_handle_at
userfaultfd userfaultfd
syslog syslog
init_module init_module
kexec_load kexec_load
reboot reboot
swapon swapon
chroot chroot
pivot_root pivot_root
LIST

# Foreign ABIs are denied whatever the call, and named like the rest.
for what in x32-mount int80-mount; do
	attempt "$what"
	eq "$what: verdict" SV "$(j .verdict)"
	eq "$what: the call named" mount "$(j .syscall)"
	eq "$what: the call never came back" "" "$(j .stdout)"
done

for what in clone3 io_uring_setup; do
	attempt "$what"
	eq "$what: verdict" OK "$(j .verdict)"
	check "$what: fails with ENOSYS" \
		grep -q "^$what returned -1 errno ENOSYS" <<<"$(j .stdout)"
done
check "the host's mount table is unchanged" \
	[ "$mounts_before" = "$(host_mounts)" ]
finish
