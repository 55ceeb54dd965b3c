#!/usr/bin/python3
"""Waits, inside a test host, for the control plane kubeadm waits for, the way kubeadm checks it.

Endpoints come from the static pod manifests (the flags the components really run with), the
checks are kubeadm's (apiserver /livez on the advertise address, controller-manager /healthz and
scheduler /livez on their bind addresses, HTTPS without verification). It gives up early when a
component cannot become healthy (manifest rejected by the runner, process crash-looping, runner
gone) and then names the component and prints the end of its log.
"""
import argparse
import concurrent.futures
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request

import yaml

# component -> (host flag, default host, port flag, default port, path); None host = advertise address
COMPONENTS = {
    "kube-apiserver": ("--advertise-address", None, "--secure-port", 6443, "/livez"),
    "kube-controller-manager": ("--bind-address", "127.0.0.1", "--secure-port", 10257, "/healthz"),
    "kube-scheduler": ("--bind-address", "127.0.0.1", "--secure-port", 10259, "/livez"),
}
# when a component is unhealthy, these logs explain it too
RELATED = {"kube-apiserver": ["etcd"]}
UNSPECIFIED = ("", "0.0.0.0", "::")


def flags_of(manifest):
    with open(manifest) as f:
        doc = yaml.safe_load(f)
    c = doc["spec"]["containers"][0]
    flags = {}
    for a in (c.get("command") or [])[1:] + (c.get("args") or []):
        if a.startswith("--") and "=" in a:
            k, v = a.split("=", 1)
            flags[k] = v
    return flags


def endpoint(component, manifests, addr):
    host_flag, default_host, port_flag, default_port, path = COMPONENTS[component]
    flags = flags_of(os.path.join(manifests, f"{component}.yaml"))
    host = flags.get(host_flag, default_host or addr)
    if host in UNSPECIFIED:
        host = addr if default_host is None else "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"https://{host}:{flags.get(port_flag, default_port)}{path}"


def probe(url):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, timeout=1, context=ctx) as r:
            return r.status == 200, f"HTTP {r.status}"
    except urllib.error.HTTPError as e:
        return False, f"HTTP {e.code}: {e.read(300).decode(errors='replace').strip()}"
    except (urllib.error.URLError, OSError) as e:
        return False, str(getattr(e, "reason", e))


def read_status(status_dir, pod):
    try:
        with open(os.path.join(status_dir, f"{pod}.json")) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def tail(path, lines):
    try:
        with open(path, errors="replace") as f:
            return f.readlines()[-lines:]
    except FileNotFoundError:
        return [f"(no log at {path})\n"]


def describe(st):
    if st is None:
        return "runner has no status for it (no manifest?)"
    if st.get("state") == "error":
        return f"runner refused it: {st.get('error')}"
    s = f"process {st.get('state')}, restarts={st.get('restarts')}"
    if st.get("lastExitCode") is not None:
        s += f", last exit code {st['lastExitCode']}"
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", required=True, help="the host's address (default advertise address)")
    ap.add_argument("--manifests", default="/etc/kubernetes/manifests")
    ap.add_argument("--status-dir", required=True)
    ap.add_argument("--log-dir", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--interval", type=float, default=0.2)
    ap.add_argument("--max-restarts", type=int, default=3,
                    help="give up once a component's process has exited this many times")
    ap.add_argument("--tail", type=int, default=25)
    ap.add_argument("--components", default=",".join(COMPONENTS))
    a = ap.parse_args()

    components = a.components.split(",")
    start = time.monotonic()
    deadline = start + a.timeout
    urls, healthy, last = {}, set(), {}
    fatal = {}
    with concurrent.futures.ThreadPoolExecutor(len(components)) as pool:
        while True:
            for c in components:
                if c not in urls:
                    try:
                        urls[c] = endpoint(c, a.manifests, a.addr)
                    except (OSError, KeyError, IndexError, TypeError, yaml.YAMLError) as e:
                        last[c] = f"cannot read its manifest: {e}"
            pending = [c for c in components if c not in healthy and c in urls]
            for c, (ok, why) in zip(pending, pool.map(lambda c: probe(urls[c]), pending)):
                if ok:
                    healthy.add(c)
                    print(f"[harness] {c} is healthy at {urls[c]} after "
                          f"{time.monotonic() - start:.2f}s", flush=True)
                else:
                    last[c] = why
            if len(healthy) == len(components):
                print(f"[harness] control plane healthy after {time.monotonic() - start:.2f}s",
                      flush=True)
                return 0
            runner = read_status(a.status_dir, "runner")
            if runner is None or not pid_alive(runner["pid"]):
                fatal["static-pod-runner"] = "is not running"
            for c in components:
                if c in healthy:
                    continue
                st = read_status(a.status_dir, c)
                if st and (st.get("state") == "error" or st.get("restarts", 0) >= a.max_restarts):
                    fatal[c] = describe(st)
            if fatal or time.monotonic() >= deadline:
                break
            time.sleep(a.interval)

    elapsed = time.monotonic() - start
    why = "gave up early" if fatal else f"timed out after {a.timeout:.0f}s"
    print(f"[harness] control plane NOT healthy ({why}, {elapsed:.2f}s)", file=sys.stderr)
    for name, msg in fatal.items():
        if name == "static-pod-runner":
            print(f"[harness] static-pod-runner {msg}", file=sys.stderr)
    shown = set()
    for c in components:
        if c in healthy:
            continue
        state = "UNHEALTHY" if not fatal or c in fatal else "not healthy yet"
        print(f"[harness] {state} {c}: {urls.get(c, '?')}: {last.get(c, '?')}; "
              f"{describe(read_status(a.status_dir, c))}", file=sys.stderr)
        if fatal and c not in fatal:
            continue  # gave up because of another component: its log is the one that matters
        for pod in [c] + RELATED.get(c, []):
            if pod in shown:
                continue
            shown.add(pod)
            path = os.path.join(a.log_dir, f"{pod}.log")
            print(f"[harness] ---- last {a.tail} lines of {path} ----", file=sys.stderr)
            sys.stderr.writelines(tail(path, a.tail))
    sys.stderr.flush()
    return 1


if __name__ == "__main__":
    sys.exit(main())
