# What the sandbox's /proc says about the host: forge's command line (the
# init is a clone of forge), the mount table, the cgroups, the host name.
for f in /proc/1/cmdline /proc/1/status /proc/self/mountinfo /proc/1/mountinfo \
	/proc/self/cgroup /proc/sys/kernel/hostname /etc/hostname; do
	echo "== $f"
	tr '\0' ' ' <"$f"
	echo
done
