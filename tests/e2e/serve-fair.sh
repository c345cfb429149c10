#!/bin/bash
# Workers take turns between users: with one worker held by alice's long
# job, alice queues six more, bob three and carol one; once the long job
# is cancelled the worker runs them in turns (the user served longest ago
# first, each user's jobs oldest first), so bob's and carol's jobs do not
# wait behind alice's six. The order is read from the history, where the
# one worker records each job as it ends. The turns survive a restart.
. "$FORGE_SRCDIR/tests/lib.sh"
. "$FORGE_SRCDIR/tests/serve-lib.sh"
need_sandbox
need_lang python3
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"

declare -A tok
for u in alice bob carol; do
	tok[$u]=$("$FORGE" token add "$u" --db "$SERVE_DB")
done

# post USER PROGRAM [LIMITS]: a python3 job, without waiting; its id in $id
post() {
	req POST /v1/runs -H "Authorization: Bearer ${tok[$1]}" \
		--data-binary "$(jq -n --arg s "$2" --argjson l "${3:-{\}}" \
			'{language: "python3", source: $s, limits: $l}')"
	eq "$1's job accepted: 202" 202 "$code"
	id=$(j .id)
}

# wait_status USER ID STATUS: polls (bounded) until the job has it
wait_status() {
	local i
	for i in $(seq 1 600); do
		req GET "/v1/runs/$2" -H "Authorization: Bearer ${tok[$1]}"
		[ "$(j .status)" = "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# order USER:ID...: the users, in the order their jobs were recorded
order() {
	local ids
	ids=$(printf '%s\n' "$@" | cut -d: -f2 | paste -sd,)
	sqlite3 "$SERVE_DB" "SELECT group_concat(user, ' ') FROM (SELECT user
		FROM runs WHERE job IS NOT NULL AND CAST(substr(file, 5,
		instr(file, '/') - 5) AS INTEGER) IN ($ids) ORDER BY id)"
}

serve_start -j 1
post alice 'import time
print("long", flush=True)
time.sleep(100)' '{"time": 120, "wall": 150}'
long=$id
check "alice's long job holds the only worker" wait_status alice "$long" running
jobs=()
for u in alice alice alice alice alice alice bob bob bob carol; do
	post "$u" "print('$u')"
	jobs+=("$u:$id")
done
req GET "/v1/runs/${jobs[9]#*:}" -H "Authorization: Bearer ${tok[carol]}"
eq "carol's job waits behind the long one" queued "$(j .status)"
req DELETE "/v1/runs/$long" -H "Authorization: Bearer ${tok[alice]}"
eq "the long job is cancelled" 200 "$code"
for p in "${jobs[@]}"; do
	check "${p%%:*}'s job ${p#*:} runs to its end" wait_status "${p%%:*}" "${p#*:}" done
done
eq "the jobs ran in turns: bob and carol (never served), then by who waited longest" \
	"bob carol alice bob alice bob alice alice alice alice" "$(order "${jobs[@]}")"
eq "each user's jobs ran oldest first" \
	"$(printf '%s\n' "${jobs[@]}" | cut -d: -f2 | tr '\n' ' ')" \
	"$(for u in alice bob carol; do sqlite3 "$SERVE_DB" "SELECT group_concat(CAST(substr(file, 5, instr(file, '/') - 5) AS INTEGER), ' ') FROM (SELECT file FROM runs WHERE user = '$u' AND file NOT LIKE 'api:$long/%' ORDER BY id)"; done | tr '\n' ' ')"
serve_stop TERM

# the turns are kept in the queue's database: after a restart, bob
# (served last at his 7th claim) goes before alice (at the 11th), though
# her job came first
serve_start -j 1
post carol 'import time
time.sleep(100)' '{"time": 120, "wall": 150}'
long=$id
check "carol's long job holds the worker" wait_status carol "$long" running
post alice "print('alice')"
a=$id
post bob "print('bob')"
b=$id
req DELETE "/v1/runs/$long" -H "Authorization: Bearer ${tok[carol]}"
check "alice's job ends" wait_status alice "$a" done
check "bob's job ends" wait_status bob "$b" done
eq "after a restart bob, whose turn is older, goes first" "bob alice" \
	"$(order "alice:$a" "bob:$b")"
serve_stop TERM
eq "no forge-serve process is left" "" "$(serve_procs)"
finish
