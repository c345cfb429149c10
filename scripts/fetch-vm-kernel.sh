#!/bin/bash
# scripts/fetch-vm-kernel.sh DIR: Debian's stock kernel (linux-image-amd64)
# and the modules a test VM needs to mount the host's root over virtio-9p,
# for tests/e2e/cgroup-v2.sh, which boots it in qemu with a pure cgroup v2
# hierarchy (this development machine is a cgroup v1 hybrid). The package
# is only unpacked into DIR, never installed.
#
#   DIR/vmlinuz         the kernel
#   DIR/modules/*.ko    virtio-pci and 9p, with what they depend on
#   DIR/modules/order   the order to load them in
#   DIR/release         the kernel's version
#
# Exit status: 0 done (or DIR already complete), 1 no such kernel in apt.
set -euo pipefail

dir=${1:?usage: scripts/fetch-vm-kernel.sh DIR}
if [ -s "$dir/vmlinuz" ] && [ -s "$dir/modules/order" ]; then
	exit 0
fi
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
if [ -z "$pkg" ]; then
	echo "fetch-vm-kernel: apt knows no linux-image-amd64 kernel" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
(cd "$tmp" && apt-get download -qq "$pkg" 2>/dev/null)
dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/x"
release=$(ls "$tmp/x/lib/modules")
mods="$tmp/x/lib/modules/$release"

mkdir -p "$dir/modules"
# a module, after the modules it depends on (modinfo may be missing:
# the dependencies are read from the module's .modinfo strings)
seen=" "
add() {
	local m=$1 f d
	case $seen in *" $m "*) return ;; esac
	seen="$seen$m "
	f=$(find "$mods" -name "$m.ko" | head -n1)
	[ -n "$f" ] || { echo "fetch-vm-kernel: no module $m in $pkg" >&2; exit 1; }
	for d in $(strings -a "$f" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add "$d"
	done
	cp "$f" "$dir/modules/"
	echo "$m.ko" >>"$dir/modules/order.new"
}
rm -f "$dir/modules/order.new"
for m in virtio_pci 9pnet_virtio 9p; do
	add "$m"
done
mv "$dir/modules/order.new" "$dir/modules/order"
cp "$tmp"/x/boot/vmlinuz-* "$dir/vmlinuz"
echo "$release" >"$dir/release"
echo "fetch-vm-kernel: $pkg in $dir"
