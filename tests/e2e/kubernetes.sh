#!/bin/bash
# contrib/kubernetes/, checked offline: well-formed YAML, only the fields
# of the API versions the documents name (the API reference's, for the
# fields used), and what a cluster would resolve: selectors, Services and
# ports, volumes and claims, the namespace, the Redis URL, the autoscaler's
# target and stream, every forge option against forge's own --help. Then
# the checker is shown each kind of mistake, and must refuse it.
. "$(dirname "$0")/../lib.sh"

command -v python3 >/dev/null || skip "python3 is not installed"
python3 -c 'import yaml, jsonschema' 2>/dev/null ||
	skip "python3's yaml and jsonschema modules are missing (apt-get install python3-yaml python3-jsonschema)"

K8S="$FORGE_SRCDIR/contrib/kubernetes"
CHECK="$FORGE_SRCDIR/tests/kubernetes-check.py"
validate() { python3 "$CHECK" "$FORGE" "$@" >"$TEST_TMP/out" 2>&1; }

rc=0
validate "$K8S"/*.yaml || rc=$?
eq "the manifests are valid" 0 "$rc"
[ "$rc" -eq 0 ] || cat "$TEST_TMP/out" >&2
check "every manifest was read ($(tail -n 1 "$TEST_TMP/out"))" \
	grep -q '^9 documents, 0 problems$' "$TEST_TMP/out"

# mutate NAME SED-EXPRESSION FILE: a copy of the manifests with FILE
# changed; the checker must refuse it and say what matched $expect.
mutate() {
	local name=$1 expr=$2 file=$3 expect=$4
	rm -rf "$TEST_TMP/m"
	cp -r "$K8S" "$TEST_TMP/m"
	sed -i "$expr" "$TEST_TMP/m/$file"
	if cmp -s "$K8S/$file" "$TEST_TMP/m/$file"; then
		fail "$name: the change did not apply"
		return
	fi
	rc=0
	validate "$TEST_TMP/m"/*.yaml || rc=$?
	eq "$name: refused" 1 "$rc"
	check "$name: said so" grep -q -- "$expect" "$TEST_TMP/out"
}
mutate "a field of no API version" \
	's/^      hostUsers: false/      hostUsers: false\n      hostUser: false/' \
	worker.yaml "Additional properties are not allowed ('hostUser'"
mutate "a field of the wrong type" 's/^  replicas: 2/  replicas: "2"/' \
	worker.yaml "'2' is not of type 'integer'"
mutate "an unknown kind" 's|^apiVersion: apps/v1|apiVersion: apps/v1beta1|' \
	worker.yaml "apps/v1beta1 kind Deployment is not one of those"
mutate "malformed YAML" 's/^    app.kubernetes.io\/part-of: forge/  - x: [/' \
	namespace.yaml "not YAML"
mutate "a Service selecting no pod" \
	's/^    app.kubernetes.io\/name: forge-api$/    app.kubernetes.io\/name: forge-apj/' \
	api.yaml "its selector matches no workload"
mutate "a Service port of no container" 's/targetPort: http/targetPort: web/' \
	api.yaml "targetPort web is no port"
mutate "a selector the pods lack" \
	'0,/^      app.kubernetes.io\/name: forge-worker/s//      app.kubernetes.io\/name: forge-workers/' \
	worker.yaml "selector.matchLabels is not in the pods"
mutate "a forge option that does not exist" 's/--claim-timeout/--claim-time/' \
	worker.yaml "forge worker has no option --claim-time"
mutate "a Redis URL of no Service" 's|redis://forge-redis:6379|redis://redis:6379|' \
	worker.yaml "redis://redis:6379: no such Service"
mutate "Unmasked /proc outside a user namespace" 's/^      hostUsers: false//' \
	worker.yaml "procMount: Unmasked needs hostUsers: false"
mutate "privileged mode" 's/procMount: Unmasked/privileged: true/' \
	worker.yaml "privileged: the manifests need no such mode"
mutate "a volume mounted but not declared" '0,/- name: tmp$/s//- name: scratch/' \
	worker.yaml "mounts scratch, which is no volume"
mutate "the autoscaler on another stream" 's/stream: forge:jobs/stream: jobs/' \
	autoscale-keda.yaml "the stream is forge:jobs"
mutate "the autoscaler on no Deployment" \
	's/^    name: forge-worker$/    name: forge-workers/' \
	autoscale-keda.yaml "scaleTargetRef forge-workers is no Deployment"
finish
