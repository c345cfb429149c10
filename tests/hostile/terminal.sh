#!/bin/bash
# The user's terminal stays outside. forge started from a terminal (its
# controlling terminal, as at an interactive shell) runs a program that
# has no controlling terminal (tty_nr 0 in /proc/self/stat, no
# foreground process group, /dev/tty does not open) and that leads a
# process group of its own, so that no key typed there signals it.
# The control first: under script(1) a process has a controlling
# terminal.
. "${FORGE_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
need_sandbox
need_lang bash
command -v script >/dev/null || skip "script (util-linux) is not installed"

ctl=$(script -qec 'cat /proc/self/stat' /dev/null </dev/null | tr -d '\r')
ctl_tty=$(awk '{ sub(/.*\) /, ""); print $5 }' <<<"$ctl")
[ -n "$ctl_tty" ] && [ "$ctl_tty" != 0 ] ||
	skip "script(1) gives no controlling terminal here"
echo "ok: control: under script(1) a process has terminal $ctl_tty"

prog=$(write tty.sh <<'EOF2'
read -r st </proc/self/stat
set -- ${st##*) }
echo "pid=$$ pgrp=$3 tty_nr=$5 tpgid=$6"
if (exec 3</dev/tty) 2>/dev/null; then echo devtty=open; else echo devtty=none; fi
EOF2
)

for mode in --no-history ""; do
	script -qec "\"$FORGE\" run --json $mode -i /dev/null \"$prog\" \
		>\"$TEST_TMP/last.json\" 2>\"$TEST_TMP/last.err\"" /dev/null \
		</dev/null >/dev/null
	eq "verdict (${mode:-recorded})" OK "$(j .verdict)"
	out=$(j .stdout)
	eq "no controlling terminal (${mode:-recorded})" "tty_nr=0 tpgid=-1" \
		"$(grep -o 'tty_nr=[^ ]* tpgid=[^ ]*' <<<"$out")"
	eq "/dev/tty does not open (${mode:-recorded})" devtty=none \
		"$(grep '^devtty=' <<<"$out")"
	pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$out")
	eq "a process group of its own (${mode:-recorded})" "pgrp=$pid" \
		"$(grep -o 'pgrp=[0-9]*' <<<"$out")"
done
finish
