#!/bin/bash
# forge on a pure cgroup v2 host, as most users run, checked for real in
# a VM: this development machine (and CI's) is a cgroup v1 hybrid whose
# controllers are all bound to v1, so cgroup v2 cannot be tried here
# directly. qemu boots Debian's stock kernel (scripts/fetch-vm-kernel.sh
# unpacks it into tests/vm/kernel; scripts/dev.sh does that) with the
# host's root shared read-only over virtio-9p and a cgroup2 hierarchy
# holding every controller; tests/vm/cgroup-v2-inner.sh then runs this
# very forge binary there and checks its limits and clean-up.
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
# the VM takes 1 GiB of the host's memory while it runs
memory_exclusive
case "$FORGE$FORGE_SRCDIR" in
*" "* | *,*) skip "the paths to forge must have no spaces or commas" ;;
esac

# the initramfs: busybox, the modules, tests/vm/init
ird="$TEST_TMP/initrd"
mkdir -p "$ird/bin" "$ird/proc" "$ird/sys" "$ird/dev" "$ird/mnt"
cp "$busybox" "$ird/bin/busybox"
cp -r "$kernel/modules" "$ird/modules"
cp "$FORGE_SRCDIR/tests/vm/init" "$ird/init"
(cd "$ird" && find . | "$busybox" cpio -o -H newc 2>/dev/null) |
	gzip -1 >"$TEST_TMP/initrd.gz"

# KVM where it works; else full emulation (slower, as correct)
accel="-accel tcg -cpu max"
if [ -w /dev/kvm ] && [ -n "${FORGE_TEST_KVM:-}" ]; then
	accel="-accel kvm"
fi
timeout 600 qemu-system-x86_64 $accel -m 1024 -smp 2 -nographic \
	-no-reboot -kernel "$kernel/vmlinuz" -initrd "$TEST_TMP/initrd.gz" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-append "console=ttyS0 quiet panic=-1 forge_bin=$FORGE forge_src=$FORGE_SRCDIR forge_test=$FORGE_SRCDIR/tests/vm/cgroup-v2-inner.sh" \
	</dev/null >"$TEST_TMP/console.txt" 2>&1
status=$?
# what the VM said, without the firmware's screen codes
tr -d '\r' <"$TEST_TMP/console.txt" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' |
	grep -E '^(ok|FAIL|SKIP|VM|  \||[0-9]+ checks)' | tee "$TEST_TMP/vm.txt"
eq "qemu ran to the end" 0 "$status"
eq "the checks inside the VM passed" "VM: exit 0" "$(grep '^VM: exit' "$TEST_TMP/vm.txt" | tail -n1)"
inner=$(sed -n 's/^\([0-9]*\) checks, 0 failed$/\1/p' "$TEST_TMP/vm.txt")
check "the VM ran its checks (${inner:-none})" test "${inner:-0}" -ge 19
finish
