#!/usr/bin/env python3
"""Checks Forge's Kubernetes manifests offline (tests/e2e/kubernetes.sh).

Each document must be well-formed YAML and hold only the fields of the
apiVersion and kind it names: the schemas below are the Kubernetes API
reference's (core/v1, apps/v1, node.k8s.io/v1) and KEDA's (keda.sh/v1alpha1)
for the fields the manifests use, every object closed to others. Then the
cross-references a cluster would resolve: selectors and labels, Services
and their ports, volumes, claims, namespaces, the Redis URL, the autoscaler's
target and stream, and every forge option a container names, against the
--help of the forge under test.

usage: kubernetes-check.py FORGE DIR   (exit 0: valid; 1: the complaints)
"""
import re
import subprocess
import sys

import jsonschema
import yaml


def obj(props, required=()):
    return {"type": "object", "properties": props,
            "required": list(required), "additionalProperties": False}


def arr(items):
    return {"type": "array", "items": items}


STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
STRMAP = {"type": "object", "additionalProperties": STR}
QUANTITY = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti)?$"}
INT_OR_STR = {"type": ["integer", "string"]}
NAME = {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}

META = obj({"name": NAME, "namespace": NAME, "labels": STRMAP,
            "annotations": STRMAP}, ["name"])
TEMPLATE_META = obj({"labels": STRMAP, "annotations": STRMAP})
PROFILE = obj({"type": {"enum": ["RuntimeDefault", "Unconfined", "Localhost"]},
               "localhostProfile": STR}, ["type"])
RESOURCES = obj({"requests": {"type": "object",
                              "additionalProperties": QUANTITY},
                 "limits": {"type": "object",
                            "additionalProperties": QUANTITY}})
PROBE = obj({
    "exec": obj({"command": arr(STR)}, ["command"]),
    "httpGet": obj({"path": STR, "port": INT_OR_STR, "scheme": STR}, ["port"]),
    "tcpSocket": obj({"port": INT_OR_STR}, ["port"]),
    "initialDelaySeconds": INT, "periodSeconds": INT, "timeoutSeconds": INT,
    "failureThreshold": INT, "successThreshold": INT,
})
CONTAINER = obj({
    "name": NAME, "image": STR,
    "imagePullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
    "command": arr(STR), "args": arr(STR),
    "env": arr(obj({"name": STR, "value": STR}, ["name"])),
    "ports": arr(obj({"name": STR, "containerPort": INT,
                      "protocol": {"enum": ["TCP", "UDP", "SCTP"]}},
                     ["containerPort"])),
    "readinessProbe": PROBE, "livenessProbe": PROBE, "startupProbe": PROBE,
    "resources": RESOURCES,
    "securityContext": obj({
        "allowPrivilegeEscalation": BOOL, "privileged": BOOL,
        "readOnlyRootFilesystem": BOOL, "runAsNonRoot": BOOL,
        "runAsUser": INT, "runAsGroup": INT,
        "procMount": {"enum": ["Default", "Unmasked"]},
        "capabilities": obj({"add": arr(STR), "drop": arr(STR)}),
        "seccompProfile": PROFILE, "appArmorProfile": PROFILE,
    }),
    "volumeMounts": arr(obj({"name": STR, "mountPath": STR,
                             "readOnly": BOOL, "subPath": STR},
                            ["name", "mountPath"])),
}, ["name", "image"])
POD_SPEC = obj({
    "hostUsers": BOOL, "runtimeClassName": NAME,
    "securityContext": obj({
        "runAsNonRoot": BOOL, "runAsUser": INT, "runAsGroup": INT,
        "fsGroup": INT, "seccompProfile": PROFILE, "appArmorProfile": PROFILE,
    }),
    "initContainers": arr(CONTAINER), "containers": arr(CONTAINER),
    "terminationGracePeriodSeconds": INT,
    "volumes": arr(obj({
        "name": STR,
        "emptyDir": obj({"medium": STR, "sizeLimit": QUANTITY}),
        "persistentVolumeClaim": obj({"claimName": STR, "readOnly": BOOL},
                                     ["claimName"]),
    }, ["name"])),
}, ["containers"])
SELECTOR = obj({"matchLabels": STRMAP}, ["matchLabels"])
TEMPLATE = obj({"metadata": TEMPLATE_META, "spec": POD_SPEC},
               ["metadata", "spec"])
PVC_SPEC = obj({
    "accessModes": arr({"enum": ["ReadWriteOnce", "ReadOnlyMany",
                                 "ReadWriteMany", "ReadWriteOncePod"]}),
    "resources": obj({"requests": obj({"storage": QUANTITY}, ["storage"])},
                     ["requests"]),
    "storageClassName": STR,
}, ["accessModes", "resources"])


def kind(api, k, spec=None, extra=None, required=("spec",)):
    props = {"apiVersion": {"const": api}, "kind": {"const": k},
             "metadata": META}
    if spec is not None:
        props["spec"] = spec
    props.update(extra or {})
    return obj(props, ["apiVersion", "kind", "metadata"] + list(required))


SCHEMAS = {
    ("v1", "Namespace"): kind("v1", "Namespace", required=()),
    ("v1", "Service"): kind("v1", "Service", obj({
        "selector": STRMAP,
        "type": {"enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
        "ports": arr(obj({"name": STR, "port": INT, "targetPort": INT_OR_STR,
                          "protocol": {"enum": ["TCP", "UDP", "SCTP"]}},
                         ["port"])),
    }, ["selector", "ports"])),
    ("v1", "PersistentVolumeClaim"): kind("v1", "PersistentVolumeClaim",
                                          PVC_SPEC),
    ("apps/v1", "Deployment"): kind("apps/v1", "Deployment", obj({
        "replicas": INT,
        "strategy": obj({"type": {"enum": ["Recreate", "RollingUpdate"]}}),
        "selector": SELECTOR, "template": TEMPLATE,
    }, ["selector", "template"])),
    ("apps/v1", "StatefulSet"): kind("apps/v1", "StatefulSet", obj({
        "serviceName": STR, "replicas": INT, "selector": SELECTOR,
        "template": TEMPLATE,
        "volumeClaimTemplates": arr(obj({"metadata": obj({"name": NAME},
                                                         ["name"]),
                                         "spec": PVC_SPEC},
                                        ["metadata", "spec"])),
    }, ["selector", "template"])),
    ("node.k8s.io/v1", "RuntimeClass"): kind(
        "node.k8s.io/v1", "RuntimeClass", extra={"handler": NAME},
        required=("handler",)),
    # KEDA's ScaledObject; a trigger's metadata is strings, and the
    # redis-streams scaler's keys are those of its documentation
    ("keda.sh/v1alpha1", "ScaledObject"): kind(
        "keda.sh/v1alpha1", "ScaledObject", obj({
            "scaleTargetRef": obj({"name": STR, "kind": STR,
                                   "apiVersion": STR}, ["name"]),
            "minReplicaCount": INT, "maxReplicaCount": INT,
            "pollingInterval": INT, "cooldownPeriod": INT,
            "triggers": arr(obj({
                "type": {"const": "redis-streams"},
                "metadata": obj({k: STR for k in (
                    "address", "host", "port", "usernameFromEnv",
                    "passwordFromEnv", "stream", "consumerGroup",
                    "pendingEntriesCount", "streamLength", "lagCount",
                    "activationLagCount", "databaseIndex", "enableTLS")},
                    ["stream"]),
                "authenticationRef": obj({"name": STR}, ["name"]),
            }, ["type", "metadata"])),
        }, ["scaleTargetRef", "triggers"])),
}

problems = []


def problem(where, what):
    problems.append("%s: %s" % (where, what))


def forge_options(forge, sub, cache={}):
    if sub not in cache:
        out = subprocess.run([forge, sub, "--help"], capture_output=True,
                             text=True).stdout
        cache[sub] = set(re.findall(r"(?m)^ +(?:-(\w), )?(--[a-z-]+)", out))
        cache[sub] = {o for pair in cache[sub] for o in pair if o} | \
            {"-" + p[0] for p in cache[sub] if p[0]}
    return cache[sub]


def check_forge_command(forge, where, words, services):
    """A forge command line: its command exists, its options too, and a
    --queue URL names a Service and port of these manifests."""
    if len(words) < 2:
        problem(where, "forge with no command")
        return
    opts = forge_options(forge, words[1])
    if not opts:
        problem(where, "forge %s: no such command" % words[1])
    for i, w in enumerate(words[2:], 2):
        if w.startswith("-") and w.split("=")[0] not in opts:
            problem(where, "forge %s has no option %s" % (words[1], w))
        if words[i - 1] == "--queue" and w.startswith("redis://"):
            m = re.match(r"redis://([a-z0-9-]+):(\d+)$", w)
            if not m or (m.group(1), int(m.group(2))) not in services:
                problem(where, "%s: no such Service and port here" % w)


def commands_of(container):
    """The forge command lines of a container: its command, or each
    'forge ...' of a sh -c script."""
    cmd = container.get("command", []) + container.get("args", [])
    if cmd[:1] == ["forge"]:
        return [cmd]
    if cmd[:2] == ["sh", "-c"] and len(cmd) == 3:
        return [seg.split() for seg in re.split(r"\|\||&&|\||;|>", cmd[2])
                if seg.split()[:1] == ["forge"]]
    return []


def main():
    forge, files = sys.argv[1], sys.argv[2:]
    docs = []
    for f in files:
        try:
            with open(f) as fh:
                loaded = [d for d in yaml.safe_load_all(fh) if d is not None]
        except yaml.YAMLError as e:
            problem(f, "not YAML: %s" % e)
            continue
        for d in loaded:
            where = "%s: %s/%s" % (f, d.get("kind"),
                                   d.get("metadata", {}).get("name"))
            schema = SCHEMAS.get((d.get("apiVersion"), d.get("kind")))
            if schema is None:
                problem(where, "apiVersion %s kind %s is not one of those "
                        "checked" % (d.get("apiVersion"), d.get("kind")))
                continue
            for e in jsonschema.Draft7Validator(schema).iter_errors(d):
                problem(where, "%s: %s" % ("/".join(map(str, e.path)),
                                           e.message))
            docs.append((where, d))
    cross_check(forge, docs)
    for p in problems:
        print(p)
    print("%d documents, %d problems" % (len(docs), len(problems)))
    return 1 if problems or not docs else 0


def cross_check(forge, docs):
    namespaces = {d["metadata"]["name"] for _, d in docs
                  if d["kind"] == "Namespace"}
    workloads = [(w, d) for w, d in docs
                 if d["kind"] in ("Deployment", "StatefulSet")]
    claims = {d["metadata"]["name"] for _, d in docs
              if d["kind"] == "PersistentVolumeClaim"}
    services = {}
    for where, d in docs:
        ns = d["metadata"].get("namespace")
        if d["kind"] not in ("Namespace", "RuntimeClass") and \
                ns not in namespaces:
            problem(where, "namespace %s is not among the manifests" % ns)
        if d["kind"] != "Service":
            continue
        sel = d["spec"]["selector"]
        targets = [t for _, t in workloads if sel.items() <=
                   t["spec"]["template"]["metadata"]["labels"].items()]
        if not targets:
            problem(where, "its selector matches no workload's pods")
        for p in d["spec"]["ports"]:
            services[(d["metadata"]["name"], p["port"])] = ns
            names = {cp.get("name") for t in targets
                     for c in t["spec"]["template"]["spec"]["containers"]
                     for cp in c.get("ports", [])}
            ports = {cp["containerPort"] for t in targets
                     for c in t["spec"]["template"]["spec"]["containers"]
                     for cp in c.get("ports", [])}
            if p.get("targetPort", p["port"]) not in names | ports:
                problem(where, "targetPort %s is no port of its pods"
                        % p.get("targetPort"))
    for where, d in workloads:
        spec = d["spec"]
        pod = spec["template"]["spec"]
        labels = spec["template"]["metadata"]["labels"]
        if not spec["selector"]["matchLabels"].items() <= labels.items():
            problem(where, "selector.matchLabels is not in the pods' labels")
        if d["kind"] == "StatefulSet" and \
                (spec.get("serviceName"), 6379) not in services and \
                not any(s == spec.get("serviceName") for s, _ in services):
            problem(where, "serviceName names no Service")
        volumes = {v["name"] for v in pod.get("volumes", [])} | \
            {t["metadata"]["name"] for t in spec.get("volumeClaimTemplates",
                                                     [])}
        for v in pod.get("volumes", []):
            c = v.get("persistentVolumeClaim", {}).get("claimName")
            if c is not None and c not in claims:
                problem(where, "claim %s is not among the manifests" % c)
        for c in pod.get("initContainers", []) + pod["containers"]:
            cw = "%s container %s" % (where, c["name"])
            sc = c.get("securityContext", {})
            if sc.get("privileged"):
                problem(cw, "privileged: the manifests need no such mode")
            if sc.get("procMount") == "Unmasked" and \
                    pod.get("hostUsers") is not False:
                problem(cw, "procMount: Unmasked needs hostUsers: false")
            for m in c.get("volumeMounts", []):
                if m["name"] not in volumes:
                    problem(cw, "mounts %s, which is no volume" % m["name"])
            names = {p.get("name") for p in c.get("ports", [])}
            for probe in ("readinessProbe", "livenessProbe"):
                port = c.get(probe, {}).get("httpGet", {}).get("port")
                if isinstance(port, str) and port not in names:
                    problem(cw, "%s port %s is no port of it" % (probe, port))
            for words in commands_of(c):
                check_forge_command(forge, cw, words, services)
    for where, d in docs:
        if d["kind"] != "ScaledObject":
            continue
        target = d["spec"]["scaleTargetRef"]["name"]
        if not any(t["kind"] == "Deployment" and
                   t["metadata"]["name"] == target for _, t in workloads):
            problem(where, "scaleTargetRef %s is no Deployment" % target)
        for t in d["spec"]["triggers"]:
            m = t["metadata"]
            # forge worker's stream and group (doc/forge-worker.1)
            if m.get("stream") != "forge:jobs" or \
                    m.get("consumerGroup") != "forge:workers":
                problem(where, "the stream is forge:jobs, its group "
                        "forge:workers")
            a = re.match(r"([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local"
                         r":(\d+)$", m.get("address", ""))
            if not a or services.get((a.group(1), int(a.group(3)))) != \
                    a.group(2):
                problem(where, "address %s is no Service of these manifests"
                        % m.get("address"))


if __name__ == "__main__":
    sys.exit(main())
