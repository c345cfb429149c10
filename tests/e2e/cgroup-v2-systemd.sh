#!/bin/bash
# forge as an ordinary user on a systemd machine with pure cgroup v2, the
# setup of most users' laptops, checked for real in a VM: qemu boots
# Debian's stock kernel (scripts/fetch-vm-kernel.sh) with the host's root
# shared read-only over virtio-9p and the host's own systemd as PID 1
# (tests/vm/init-systemd). tests/vm/systemd-inner.sh then logs an
# ordinary user in (a session scope, as a terminal has) and, as that
# user, checks that forge gets a transient scope from the user's systemd
# manager and whole-run cgroup v2 limits, with nothing left behind;
# then (tests/vm/systemd-fallbacks-root.sh) that forge falls back and
# says why where the manager refuses or lacks a controller, and goes
# cleanly when its scope or session ends while it runs.
. "$FORGE_SRCDIR/tests/lib.sh"

kernel=${FORGE_TEST_KERNEL:-$FORGE_SRCDIR/tests/vm/kernel}
command -v qemu-system-x86_64 >/dev/null ||
	skip "qemu-system-x86_64 is missing (Debian: qemu-system-x86)"
busybox=$(command -v busybox) || skip "busybox is missing (Debian: busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
	skip "$busybox is not the static busybox (Debian: busybox-static)"
fi
[ -s "$kernel/vmlinuz" ] && [ -s "$kernel/modules/order" ] ||
	skip "no test kernel in $kernel (scripts/fetch-vm-kernel.sh $kernel)"
[ -x /lib/systemd/systemd ] || skip "no systemd on this host (Debian: systemd)"
[ -e /lib/x86_64-linux-gnu/security/pam_systemd.so ] ||
	skip "no pam_systemd on this host (Debian: libpam-systemd)"
[ -e /usr/lib/systemd/user/dbus.socket ] ||
	skip "no user bus for systemd's user manager (Debian: dbus-user-session)"
forge_full=$(dirname "$FORGE")/forge-full
[ -x "$forge_full" ] && nm -D "$forge_full" 2>/dev/null | grep -q sd_bus_open_user ||
	skip "forge-full is not built with libsystemd (configure --without-systemd, or no libsystemd-dev)"
# the VM takes 1 GiB of the host's memory while it runs
memory_exclusive
case "$FORGE$FORGE_SRCDIR" in
*" "* | *,*) skip "the paths to forge must have no spaces or commas" ;;
esac

ird="$TEST_TMP/initrd"
mkdir -p "$ird/bin" "$ird/proc" "$ird/sys" "$ird/dev" "$ird/mnt"
cp "$busybox" "$ird/bin/busybox"
cp -r "$kernel/modules" "$ird/modules"
cp "$FORGE_SRCDIR/tests/vm/init-systemd" "$ird/init"
(cd "$ird" && find . | "$busybox" cpio -o -H newc 2>/dev/null) |
	gzip -1 >"$TEST_TMP/initrd.gz"

accel="-accel tcg -cpu max"
if [ -w /dev/kvm ] && [ -n "${FORGE_TEST_KVM:-}" ]; then
	accel="-accel kvm"
fi
# systemd's own status lines stay off the console; the units the host
# enables that have nothing to do with the test are masked
timeout 900 qemu-system-x86_64 $accel -m 1024 -smp 2 -nographic \
	-no-reboot -kernel "$kernel/vmlinuz" -initrd "$TEST_TMP/initrd.gz" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-append "console=ttyS0 quiet panic=-1 systemd.unit=forge-test.target systemd.show_status=0 systemd.mask=apparmor.service systemd.mask=systemd-timesyncd.service forge_bin=$FORGE forge_src=$FORGE_SRCDIR forge_test=$FORGE_SRCDIR/tests/vm/systemd-inner.sh" \
	</dev/null >"$TEST_TMP/console.txt" 2>&1
status=$?
tr -d '\r' <"$TEST_TMP/console.txt" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' |
	grep -E '^(ok|FAIL|SKIP|VM|  \||[0-9]+ checks)' | tee "$TEST_TMP/vm.txt"
[ -n "${FORGE_TEST_KEEP_CONSOLE:-}" ] && cp "$TEST_TMP/console.txt" "$FORGE_TEST_KEEP_CONSOLE"
eq "qemu ran to the end" 0 "$status"
eq "the checks inside the VM passed" "VM: exit 0" "$(grep '^VM: exit' "$TEST_TMP/vm.txt" | tail -n1)"
inner=$(sed -n 's/^\([0-9]*\) checks, 0 failed$/\1/p' "$TEST_TMP/vm.txt" | paste -sd+ | bc)
check "the VM ran its checks (${inner:-none})" test "${inner:-0}" -ge 55
finish
