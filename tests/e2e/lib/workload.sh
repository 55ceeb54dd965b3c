# shellcheck shell=bash
# The demo workload and the checks that prove a cluster serves it (source after
# tests/harness/lib.sh; used by the e2e tests and scripts/cluster-up.sh). Every object is agnhost
# from the harness mirror; every request is made by a pod, a host or the API server proxy, never
# by the harness on a pod's behalf.
#
#   workload_apply CP NS                  Deployment web (agnhost netexec, 3 replicas spread over
#                                         the nodes without taints), Services web (ClusterIP) and
#                                         web-nodeport (NodePort)
#   workload_probe_pod CP NS NODE         pod `probe` (agnhost netexec) pinned to NODE
#   workload_dial CP NS HOST PORT [TRIES] hostnames that answered HOST:PORT/hostname, asked by
#                                         the probe pod (its /dial endpoint, via the API proxy)

_wl_kubectl() { harness_exec "$1" kubectl --kubeconfig /etc/kubernetes/admin.conf "${@:2}"; }

_wl_image() { printf '%s/agnhost:%s\n' "$(harness_image_repository)" "${KADM_E2E_K8S_VERSION:-v1.37.2}"; }

# workload_apply CP NS: applies the demo workload in namespace NS and waits until its three
# replicas are Ready.
workload_apply() {
  local cp=$1 ns=$2
  _wl_kubectl "$cp" apply -f - >/dev/null <<YAML || return
apiVersion: v1
kind: Namespace
metadata:
  name: $ns
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: $ns
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: kubernetes.io/hostname
        whenUnsatisfiable: DoNotSchedule
        nodeTaintsPolicy: Honor
        labelSelector:
          matchLabels: {app: web}
      containers:
      - name: web
        image: $(_wl_image)
        args: [netexec, --http-port=8080]
        ports:
        - containerPort: 8080
        # The test nodes share this VM's cores and disk with each other and with builds, so a
        # starved kubelet's 1 s default probe timeout would take every replica out of the Service
        # at once (seen during an upgrade's image pulls): an unready replica means a hung server.
        readinessProbe:
          httpGet: {path: /readyz, port: 8080}
          periodSeconds: 2
          timeoutSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: $ns
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web-nodeport
  namespace: $ns
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
YAML
  _wl_kubectl "$cp" -n "$ns" rollout status deployment/web --timeout=180s >&2 || {
    _wl_kubectl "$cp" -n "$ns" get pods -o wide >&2
    _wl_kubectl "$cp" -n "$ns" get events --sort-by=.lastTimestamp >&2
    return 1
  }
}

# workload_probe_pod CP NS NODE: a pod that makes requests from inside the pod network on node
# NODE (tolerating a control plane's taint), Ready once its server answers.
workload_probe_pod() {
  local cp=$1 ns=$2 node=$3
  _wl_kubectl "$cp" apply -f - >/dev/null <<YAML || return
apiVersion: v1
kind: Namespace
metadata:
  name: $ns
---
apiVersion: v1
kind: Pod
metadata:
  name: probe
  namespace: $ns
spec:
  nodeName: $node
  tolerations:
  - operator: Exists
  containers:
  - name: probe
    image: $(_wl_image)
    args: [netexec, --http-port=8080]
    readinessProbe:
      httpGet: {path: /readyz, port: 8080}
      periodSeconds: 2
YAML
  _wl_kubectl "$cp" -n "$ns" wait --for=condition=Ready pod/probe --timeout=120s >&2
}

# workload_dial CP NS HOST PORT [TRIES=30]: the probe pod in NS asks http://HOST:PORT/hostname
# TRIES times (resolving HOST through the pod's DNS); prints each distinct answer on a line.
# Fails when no request got an answer.
workload_dial() {
  local cp=$1 ns=$2 host=$3 port=$4 tries=${5:-30} out
  out=$(_wl_kubectl "$cp" get --raw \
    "/api/v1/namespaces/$ns/pods/probe:8080/proxy/dial?request=hostname&protocol=http&host=$host&port=$port&tries=$tries") ||
    return
  python3 -c 'import json,sys
r = json.load(sys.stdin)
answers = sorted(set(r.get("responses") or []))
if not answers:
    sys.stderr.write("no answer: %s\n" % "; ".join(sorted(set(r.get("errors") or []))))
    sys.exit(1)
print("\n".join(answers))' <<<"$out"
}

# workload_pods CP NS: "pod node" for each demo replica.
workload_pods() {
  _wl_kubectl "$1" -n "$2" get pods -l app=web \
    -o 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.podIP}{"\n"}{end}'
}
