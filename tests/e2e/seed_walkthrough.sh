#!/usr/bin/env bash
# Walks the seed guide (a kubeadm v1.20.9 tutorial, KADM_SEED or /work/shared/seed/
# kubernetes-basics.md) with kadm, step by step, as far as this machine allows. Every step prints
# the guide's own command and what ran instead; commands, image list, registry, addresses and
# YAML are parsed out of the guide at test time. The nodes are real (containerd, kubelet); the
# guide's mirror registry is the harness's. Steps whose software cannot be built here are
# printed as REPLACED with what stands in (calico -> flannel; the dashboard -> an HTTPS workload);
# steps that cannot run here at all are printed as SKIPPED with the reason.
set -euo pipefail
TESTS_DIR=${KADM_TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
source "$TESTS_DIR/e2e/lib/prelude.sh"
SEED=${KADM_SEED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/seed/kubernetes-basics.md}
[[ -r $SEED ]] || { echo "seed guide $SEED not found"; exit 77; }
work=$HARNESS_RUN_DIR/seed # removed with the run's hosts
mkdir -p "$work"
# The nodes get no CNI configuration of the harness: the guide installs the pod network.
export HARNESS_POD_NETWORK=flannel
harness_node_up cp1 10.213.0.51
harness_node_up w1 10.213.0.52
harness_node_up w2 10.213.0.53
harness_node_up w3 10.213.0.54
# Where the guide's user opens the dashboard: a machine that is not in the cluster.
harness_host_up laptop 10.213.0.55
# The guide's init line is flags only (no config file), so what this VM's kubelet needs goes
# where such a user puts it: /etc/default/kubelet (see tests/e2e/lib/vm_facts.sh).
for h in cp1 w1 w2 w3; do
  echo "KUBELET_EXTRA_ARGS=\"\$KUBELET_EXTRA_ARGS --fail-cgroupv1=false\"" >>"$(harness_host_root "$h")/services/kubelet.env"
done

step() { printf '\n== %s\n   guide: %s\n' "$1" "$2"; }
ran() { printf '   kadm:  %s\n' "$*"; }
skipped() { printf '   SKIPPED: %s\n' "$*"; }
# guide_line REGEX: the first line of the guide matching REGEX, without sudo and trailing blanks.
guide_line() { grep -m1 -E "$1" "$SEED" | sed -E 's/^sudo //; s/[[:space:]]+$//'; }
# guide_heredoc FILE: the lines the guide tees into FILE.
guide_heredoc() { sed -n "\\|tee $1|,/^EOF/p" "$SEED" | sed '1d;$d'; }

# ---- 1. Basic environment -------------------------------------------------------------------
mkfix() {
  mkdir -p "$1"/etc/selinux "$1"/sys/fs/selinux "$1"/proc/sys/net/ipv4 "$1"/etc/modules-load.d "$1"/etc/sysctl.d
  printf 'UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n' >"$1/etc/fstab"
  printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$1/etc/selinux/config"
  printf '1' >"$1/sys/fs/selinux/enforce"
  printf 'Filename Type Size Used Priority\n/swapfile file 1024 0 -2\n' >"$1/proc/swaps"
  printf '0\n' >"$1/proc/sys/net/ipv4/ip_forward"
}
mkfix "$work/kadm-root"
mkfix "$work/guide-root"
step "basic environment: hostname" "$(guide_line '^hostnamectl')"
skipped "each test host already has its own hostname (UTS namespace)"
sel=$(guide_line 'sed -i .*/etc/selinux/config')
swp=$(guide_line 'sed -ri .*/etc/fstab')
step "basic environment: SELinux, swap, br_netfilter, sysctls" "$sel; $swp; tee /etc/modules-load.d/k8s.conf; tee /etc/sysctl.d/k8s.conf"
ran "$KADM" preflight --fix --root "$work/kadm-root" --ignore-preflight-errors=all
"$KADM" preflight --fix --root "$work/kadm-root" --ignore-preflight-errors=all >"$work/preflight.log" 2>&1 ||
  { cat "$work/preflight.log" >&2; fail "kadm preflight --fix failed"; }
# The guide's own file edits, run against the second fixture for reference.
eval "${sel//\/etc\//$work/guide-root/etc/}"
eval "${swp//\/etc\//$work/guide-root/etc/}"
guide_heredoc /etc/modules-load.d/k8s.conf >"$work/guide-root/etc/modules-load.d/k8s.conf"
guide_heredoc /etc/sysctl.d/k8s.conf >"$work/guide-root/etc/sysctl.d/k8s.conf"
cmp "$work/kadm-root/etc/selinux/config" "$work/guide-root/etc/selinux/config" ||
  fail "selinux config differs from the guide's result"
active() { grep -v '^[[:space:]]*#' "$1" | grep -v '^[[:space:]]*$' || true; }
[[ $(active "$work/kadm-root/etc/fstab") == "$(active "$work/guide-root/etc/fstab")" ]] ||
  fail "active fstab lines differ: $(active "$work/kadm-root/etc/fstab")"
modules() { active "$1" | sort; }
[[ $(modules "$work/kadm-root/etc/modules-load.d/k8s.conf") == "$(modules "$work/guide-root/etc/modules-load.d/k8s.conf")" ]] ||
  fail "modules-load.d/k8s.conf differs from the guide's"
sysctls() { active "$1" | tr -d ' ' | sort; }
missing=$(comm -23 <(sysctls "$work/guide-root/etc/sysctl.d/k8s.conf") <(sysctls "$work/kadm-root/etc/sysctl.d/k8s.conf"))
[[ -z $missing ]] || fail "kadm did not persist the guide's sysctls: $missing"
echo "   files match the guide's result (selinux config, active fstab lines, modules, sysctls ⊇ guide's)"
# For real inside node cp1: its /etc/sysctl.d and /etc/modules-load.d are its own, and the
# bridge and forwarding sysctls belong to its network namespace.
ran "$KADM" preflight --fix "(in cp1, live)"
harness_exec cp1 "$KADM" preflight --fix >"$work/fix-live.log" 2>&1 ||
  { cat "$work/fix-live.log" >&2; fail "kadm preflight --fix failed in cp1"; }
sed 's/^/   | /' "$work/fix-live.log" | head -30
for f in /etc/sysctl.d/k8s.conf /etc/modules-load.d/k8s.conf; do
  harness_exec cp1 test -s "$f" || fail "kadm preflight --fix did not write $f in cp1"
done
[[ $(modules "$(harness_host_root cp1)/fs/etc/modules-load.d/k8s.conf") == "$(modules "$work/guide-root/etc/modules-load.d/k8s.conf")" ]] ||
  fail "cp1's modules-load.d/k8s.conf differs from the guide's"
missing=$(comm -23 <(sysctls "$work/guide-root/etc/sysctl.d/k8s.conf") <(sysctls "$(harness_host_root cp1)/fs/etc/sysctl.d/k8s.conf"))
[[ -z $missing ]] || fail "cp1 did not persist the guide's sysctls: $missing"
harness_exec cp1 "$KADM" preflight >"$work/after-fix.log" 2>&1 || true
if grep -E 'WARNING (BridgeNetfilter|Sysctl)' "$work/after-fix.log"; then
  fail "after the live fix, preflight in cp1 still warns about br_netfilter or sysctls"
fi
echo "   cp1: modules-load.d and sysctl.d written as the guide's, live values set; preflight no longer warns about them"
skipped "setenforce 0 (this kernel has no SELinux) and swapoff -a (swap is the machine's, already off; a host has none of its own)"

step "install kubelet/kubeadm/kubectl" "$(guide_line 'yum install')"
skipped "kadm is the installed tool; the harness provides the v1.37.2 binaries"

# ---- 2. images.sh ---------------------------------------------------------------------------
repo=$(guide_line 'docker pull ' | sed -E 's|.*docker pull ([^ ]+)/\$imageName.*|\1|')
[[ -n $repo && $repo != *' '* ]] || fail "could not parse the mirror repository from the guide"
mapfile -t images < <(sed -n '/^images=(/,/^)/p' "$SEED" | sed '1d;$d' | tr -d ' \r')
((${#images[@]} == 7)) || fail "expected seven images in the guide, parsed ${#images[@]}"
step "images.sh" "docker pull <repo>/\$imageName for ${images[*]}"
ran "$KADM" config images list --kubernetes-version v1.20.9 --image-repository "<the guide's repo>"
got=$("$KADM" config images list --kubernetes-version v1.20.9 --image-repository "$repo" | sort)
want=$(printf "$repo/%s\n" "${images[@]}" | sort)
[[ $got == "$want" ]] || fail "image list differs from the guide's:"$'\n'"$(diff <(echo "$want") <(echo "$got"))"
echo "   the seven images match the guide's list exactly"
mirror=$(harness_image_repository)
ran "$KADM" config images pull --kubernetes-version v1.37.2 --image-repository "$mirror" "(in cp1: the guide's mirror is this harness's)"
harness_exec cp1 "$KADM" config images pull --kubernetes-version v1.37.2 --image-repository "$mirror" \
  --cri-socket unix:///var/run/containerd/containerd.sock >"$work/pull.log" 2>&1 ||
  { cat "$work/pull.log" >&2; fail "kadm config images pull from the mirror failed"; }
sed 's/^/   | /' "$work/pull.log"
echo "   NOTE: v1.37.2 images (only v1.37 binaries run here), from $mirror instead of $repo"

# ---- 3. kubeadm init ------------------------------------------------------------------------
init_line=$(sed -n '/^kubeadm init \\/,/^[^-k]/p' "$SEED" | grep -E '^(kubeadm|--)' | tr -d '\\' | tr '\n' ' ' | sed 's/  */ /g; s/ $//')
read -r -a init_args <<<"$init_line"
[[ ${init_args[0]} == kubeadm && ${init_args[1]} == init ]] || fail "could not parse the guide's init line: $init_line"
flag() { grep -oE -- "--$1[= ][^ ]+" <<<"$init_line" | sed -E "s/--$1[= ]//"; }
guide_addr=$(flag apiserver-advertise-address)
endpoint=$(flag control-plane-endpoint)
pod_cidr=$(flag pod-network-cidr)
svc_cidr=$(flag service-cidr)
[[ -n $guide_addr && -n $endpoint && -n $pod_cidr && -n $svc_cidr ]] || fail "flags missing in: $init_line"

step "kubeadm init (unmapped, v1.20.9, dry run)" "$init_line"
ran "kadm ${init_args[*]:1} --dry-run --ignore-preflight-errors=all (in cp1)"
harness_exec cp1 "$KADM" "${init_args[@]:1}" --dry-run --ignore-preflight-errors=all >"$work/dry.log" 2>&1 ||
  { cat "$work/dry.log" >&2; fail "kadm init --dry-run with the guide's line failed"; }
manifest() { sed -n "\\|Contents of /etc/kubernetes/manifests/$1.yaml|,/^\[dryrun\] Would/p" "$work/dry.log"; }
manifest kube-apiserver | grep -q -- '- --insecure-port=0' || fail "v1.20 apiserver lacks --insecure-port=0"
manifest kube-controller-manager | grep -q -- '- --port=0' || fail "v1.20 controller-manager lacks --port=0"
manifest kube-scheduler | grep -q -- '- --port=0' || fail "v1.20 scheduler lacks --port=0"
manifest kube-apiserver | grep -q -- "image: $repo/kube-apiserver:v1.20.9" || fail "v1.20 apiserver image is not the guide's"
echo "   v1.20.9 manifests carry --insecure-port=0 (apiserver) and --port=0 (controller-manager, scheduler)"

addr=$(harness_host_addr cp1)
step "hosts file" "$(guide_line "^echo .*$endpoint")"
for h in cp1 w1 w2 w3; do harness_exec "$h" sh -c "echo '$addr  $endpoint' >> /etc/hosts"; done
ran "echo '$addr  $endpoint' >> /etc/hosts (in cp1, w1, w2 and w3; the guide's $guide_addr is cp1's $addr here)"

mapped=("${init_args[@]:1}")
for i in "${!mapped[@]}"; do
  mapped[i]=${mapped[i]//$guide_addr/$addr}
  mapped[i]=${mapped[i]//$repo/$mirror}
  [[ ${mapped[i]} == v1.20.9 ]] && mapped[i]=v1.37.2
done
step "kubeadm init" "$init_line"
echo "   NOTE: --kubernetes-version v1.20.9 -> v1.37.2 (only v1.37 binaries run here); $guide_addr -> $addr; $repo -> $mirror"
ran "kadm ${mapped[*]} ${KADM_PREFLIGHT_ARGS[*]}"
harness_exec cp1 "$KADM" "${mapped[@]}" "${KADM_PREFLIGHT_ARGS[@]}" >"$work/init.log" 2>&1 ||
  { cat "$work/init.log" >&2; harness_node_diagnose cp1 >&2; fail "kadm init with the guide's line failed"; }
grep -q 'initialized successfully' "$work/init.log" || { cat "$work/init.log" >&2; fail "no success text"; }
m=$(harness_host_root cp1)/fs/etc/kubernetes/manifests
grep -q -- "- --cluster-cidr=$pod_cidr" "$m/kube-controller-manager.yaml" || fail "pod CIDR $pod_cidr not in --cluster-cidr"
grep -q -- "- --service-cluster-ip-range=$svc_cidr" "$m/kube-apiserver.yaml" || fail "service CIDR not in the apiserver"
echo "   control plane up; --cluster-cidr=$pod_cidr (controller-manager), --service-cluster-ip-range=$svc_cidr (apiserver)"

# ---- 4. kubeconfig, kubectl -----------------------------------------------------------------
home=$work/home
mkdir -p "$home"
mk=$(guide_line '^mkdir -p \$HOME/.kube')
cp_line=$(guide_line '^(sudo )?cp -i /etc/kubernetes/admin.conf')
step "kubeconfig" "$mk; $cp_line"
ran "same, inside cp1 with HOME=$home"
harness_exec cp1 env HOME="$home" sh -c "$mk && $cp_line </dev/null" || fail "the guide's kubeconfig copy failed"
k() { harness_exec cp1 env HOME="$home" kubectl "$@"; }
step "verify" "kubectl get nodes"
k get nodes | tee "$work/nodes" | sed 's/^/   | /'
grep -q '^cp1 ' "$work/nodes" || fail "cp1 not listed"
step "verify" "kubectl get pods -A"
k get pods -A 2>&1 | sed 's/^/   | /' | head -15
[[ ${PIPESTATUS[0]} == 0 ]] || fail "kubectl get pods -A failed"
static_running() { [[ $(k -n kube-system get pod "$1-cp1" -o jsonpath='{.status.phase}' 2>/dev/null) == Running ]]; }
for p in etcd kube-apiserver kube-controller-manager kube-scheduler; do
  retry 60 static_running "$p" || fail "static pod $p-cp1 is not Running"
done
echo "   the four static pods run on cp1 (mirror pods of the kubelet)"
step "pod network" "$(guide_line '^curl https://.*calico.yaml'); $(guide_line '^kubectl apply -f calico.yaml')"
echo "   REPLACED: calico's sources are not on the Go module proxy here (and calico-node needs BIRD, C);"
echo "   flannel, built from its module, is applied the same way: its own manifest, the images from the"
echo "   mirror, its Network set to the guide's --pod-network-cidr $pod_cidr"
ran "kubectl apply -f kube-flannel.yml"
harness_pod_network_up cp1 "$pod_cidr" 2>&1 | sed 's/^/   | /'
[[ ${PIPESTATUS[0]} == 0 ]] || fail "installing the pod network failed"
kadm_wait_node_ready cp1 cp1 120
all_running() {
  local st
  st=$(k get pods -A -o 'jsonpath={range .items[*]}{.status.phase}{"\n"}{end}') || return 1
  [[ -n $st ]] && ! grep -qv '^Running$' <<<"$st"
}
retry 120 all_running || { kadm_diagnose_unscheduled cp1 >&2; fail "not every pod is Running after the pod network"; }
step "verify" "kubectl get pods -A"
k get pods -A -o wide | sed 's/^/   | /'
echo "   every pod Running, CoreDNS included"

# ---- 5. join ----------------------------------------------------------------------------------
printed=$(sed -n '/join any number of worker nodes/,$p' "$work/init.log" | grep -v 'worker nodes' |
  tr -d '\\\t' | tr '\n' ' ' | sed 's/  */ /g; s/^ //; s/ $//')
read -r -a pargs <<<"$printed"
[[ ${pargs[0]} == kadm && ${pargs[1]} == join && ${pargs[2]} == "$endpoint:6443" ]] || fail "unexpected join command from init: $printed"
step "join the workers" "$(guide_line '^kubeadm join ' | tr -d '\\' | sed -E 's/--token [^ ]+/--token <token>/')"
echo "   (the guide's printed join line says k8s-mater, a typo of its own endpoint $endpoint)"
for w in w1 w2; do
  ran "kadm join ${pargs[2]} --token <redacted> ... ${KADM_PREFLIGHT_ARGS[*]} (in $w; the line init printed)"
  harness_exec "$w" "$KADM" "${pargs[@]:1}" "${KADM_PREFLIGHT_ARGS[@]}" >"$work/join-$w.log" 2>&1 ||
    { cat "$work/join-$w.log" >&2; fail "kadm join failed on $w"; }
  grep -q 'This node has joined the cluster' "$work/join-$w.log" || fail "no join success text on $w"
done
step "new join command" "kubeadm token create --print-join-command"
ran "kadm token create --print-join-command"
join=$(harness_exec cp1 "$KADM" token create --print-join-command --kubeconfig /etc/kubernetes/admin.conf)
echo "   | $(sed -E 's/--token [^ ]+/--token <redacted>/' <<<"$join")"
read -r -a jargs <<<"$join"
[[ ${jargs[0]} == kadm && ${jargs[1]} == join && ${jargs[2]} == "$endpoint:6443" ]] || fail "unexpected join command: $join"
ran "kadm join ${jargs[*]:2:1} --token <redacted> ... ${KADM_PREFLIGHT_ARGS[*]} (in w3)"
harness_exec w3 "$KADM" join "${jargs[@]:2}" "${KADM_PREFLIGHT_ARGS[@]}" >"$work/join-w3.log" 2>&1 ||
  { cat "$work/join-w3.log" >&2; fail "kadm join failed on w3"; }
for w in w1 w2 w3; do kadm_wait_node_ready cp1 "$w" 120; done
step "verify the cluster" "kubectl get nodes"
k get nodes -o wide | sed 's/^/   | /'
retry 120 all_running || { kadm_diagnose_unscheduled cp1 >&2; fail "not every pod is Running after the joins"; }
echo "   four nodes Ready by their own kubelets; every pod Running"

# ---- 6. dashboard -----------------------------------------------------------------------------
step "dashboard" "$(guide_line 'kubectl apply -f https://.*dashboard')"
echo "   REPLACED: the dashboard's sources (its Go modules and its Angular front end) are not on the"
echo "   Go module proxy or npm here. An HTTPS workload stands in: agnhost netexec with TLS, named"
echo "   as in the dashboard's recommended.yaml (namespace, Service, Deployment, certificate Secret)."
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=kubernetes-dashboard \
  -keyout "$work/dash.key" -out "$work/dash.crt" 2>/dev/null || fail "openssl could not make the stand-in's certificate"
cat >"$work/dashboard.yaml" <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: kubernetes-dashboard
---
apiVersion: v1
kind: Secret
metadata:
  name: kubernetes-dashboard-certs
  namespace: kubernetes-dashboard
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 "$work/dash.crt")
  tls.key: $(base64 -w0 "$work/dash.key")
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kubernetes-dashboard
  namespace: kubernetes-dashboard
spec:
  replicas: 1
  selector:
    matchLabels: {k8s-app: kubernetes-dashboard}
  template:
    metadata:
      labels: {k8s-app: kubernetes-dashboard}
    spec:
      containers:
      - name: kubernetes-dashboard
        image: $mirror/agnhost:v1.37.2
        args: [netexec, --http-port=8443, --tls-cert-file=/certs/tls.crt, --tls-private-key-file=/certs/tls.key]
        ports:
        - containerPort: 8443
        volumeMounts:
        - {name: certs, mountPath: /certs, readOnly: true}
      volumes:
      - name: certs
        secret: {secretName: kubernetes-dashboard-certs}
---
apiVersion: v1
kind: Service
metadata:
  name: kubernetes-dashboard
  namespace: kubernetes-dashboard
spec:
  selector: {k8s-app: kubernetes-dashboard}
  ports:
  - port: 443
    targetPort: 8443
YAML
ran "kubectl apply -f dashboard.yaml (the stand-in)"
harness_exec cp1 env HOME="$home" kubectl apply -f "$work/dashboard.yaml" | sed 's/^/   | /'
k -n kubernetes-dashboard rollout status deployment/kubernetes-dashboard --timeout=120s >/dev/null ||
  fail "the dashboard stand-in did not roll out"
step "dashboard NodePort" "kubectl edit svc kubernetes-dashboard -n kubernetes-dashboard (type: ClusterIP -> type: NodePort)"
ran "the same kubectl edit, with an editor that makes the guide's change"
harness_exec cp1 env HOME="$home" KUBE_EDITOR="sed -i s/type:\ ClusterIP/type:\ NodePort/" \
  kubectl edit svc kubernetes-dashboard -n kubernetes-dashboard | sed 's/^/   | /'
step "dashboard port" "kubectl get svc -A |grep kubernetes-dashboard"
line=$(k get svc -A | grep kubernetes-dashboard)
echo "   | $line"
port=$(sed -nE 's/.*443:([0-9]+)\/TCP.*/\1/p' <<<"$line")
[[ -n $port ]] || fail "no NodePort in: $line"
step "open the dashboard" "https://<any node IP>:<port>"
for n in cp1 w1 w2 w3; do
  a=$(harness_host_addr "$n")
  serves() { ans=$(harness_exec laptop curl -s --max-time 5 --cacert "$work/dash.crt" --resolve "kubernetes-dashboard:$port:$a" \
    "https://kubernetes-dashboard:$port/hostname"); }
  retry 30 serves || fail "https://$a:$port does not answer from host laptop"
  [[ $ans == kubernetes-dashboard-* ]] || fail "https://$a:$port answered '$ans'"
done
echo "   https://<each of cp1, w1, w2, w3>:$port answers host laptop over TLS with the stand-in's certificate ($ans)"

sed -n '/^```yaml/,/^```/p' "$SEED" | sed '1d;$d' | sed -n '/^apiVersion/,/^#/p' | grep -v '^#' >"$work/dash.yaml"
grep -q 'kind: ServiceAccount' "$work/dash.yaml" && grep -q 'kind: ClusterRoleBinding' "$work/dash.yaml" ||
  fail "could not parse the guide's dash.yaml"
step "admin-user" "kubectl apply -f dash.yaml"
ran "kubectl apply -f dash.yaml (the guide's YAML)"
harness_exec cp1 env HOME="$home" kubectl apply -f - <"$work/dash.yaml" | sed 's/^/   | /'
step "token" "$(guide_line 'kubectl -n kubernetes-dashboard get secret')"
ran "kubectl -n kubernetes-dashboard create token admin-user (v1.24+ creates no token Secrets)"
tok=$(k -n kubernetes-dashboard create token admin-user)
# The token alone, no kubeconfig: what the dashboard's login page sends to the API server.
who=$(harness_exec laptop kubectl --server "https://$addr:6443" --certificate-authority "$(harness_host_root cp1)/fs/etc/kubernetes/pki/ca.crt" \
  --token "$tok" auth whoami -o jsonpath='{.status.userInfo.username}')
[[ $who == system:serviceaccount:kubernetes-dashboard:admin-user ]] || fail "the token authenticates as '$who'"
can=$(harness_exec laptop kubectl --server "https://$addr:6443" --certificate-authority "$(harness_host_root cp1)/fs/etc/kubernetes/pki/ca.crt" \
  --token "$tok" auth can-i '*' '*')
[[ $can == yes ]] || fail "admin-user is not cluster-admin"
echo "   from host laptop, the token authenticates to the API as $who, which is cluster-admin"
echo
echo PASS
