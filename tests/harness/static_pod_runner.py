#!/usr/bin/python3
"""Plays the kubelet's part for static pods inside a test host: no images, real local binaries.

For every manifest in the manifests directory it runs the pod's single container `command` +
`args` as a local process (the binary is looked up by name in --bin-dir), with the container's
env and working dir, restarts it with back-off when it exits (restartPolicy), restarts it when
the manifest changes and stops it when the manifest goes away.

It never papers over a wrong manifest: anything it cannot run faithfully (several containers,
non-hostPath volumes, env from secrets, a binary it does not have, ...) puts the pod in state
"error" with the reason, and a binary that rejects its flags simply exits, is counted in
`restarts`, and its output is in <log-dir>/<pod>.log.

Per pod it keeps <status-dir>/<pod>.json:
  {"pod", "manifest", "state": running|backoff|exited|error, "pid", "restarts",
   "lastExitCode", "lastExitTime", "startedAt", "error", "argv"}
and <status-dir>/runner.json with its own pid.
"""
import argparse
import hashlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time

import yaml

# Exit codes the kubelet reports for a process killed by a signal.
SIGNAL_EXIT_BASE = 128


def now():
    return time.time()


def write_json_atomic(path, data):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


class ManifestError(Exception):
    pass


def hostpath_prepare(path, kind):
    """Mirrors the kubelet's hostPath type checks; the *OrCreate kinds create what is missing."""
    kind = kind or ""
    if kind == "DirectoryOrCreate":
        os.makedirs(path, mode=0o755, exist_ok=True)
    elif kind == "FileOrCreate":
        os.makedirs(os.path.dirname(path) or "/", exist_ok=True)
        if not os.path.exists(path):
            open(path, "a").close()
    elif kind == "Directory" and not os.path.isdir(path):
        raise ManifestError(f"hostPath {path} (type Directory) does not exist")
    elif kind == "File" and not os.path.isfile(path):
        raise ManifestError(f"hostPath {path} (type File) does not exist")
    elif kind not in ("", "Directory", "File", "Socket", "CharDevice", "BlockDevice"):
        raise ManifestError(f"hostPath type {kind!r} is not supported by the harness")


class PodSpec:
    """The part of a static Pod the harness can run, validated strictly."""

    def __init__(self, doc, manifest, resolve_binary):
        if not isinstance(doc, dict) or doc.get("kind") != "Pod":
            raise ManifestError("not a Pod (kind must be Pod)")
        meta = doc.get("metadata") or {}
        spec = doc.get("spec") or {}
        self.name = meta.get("name")
        if not self.name:
            raise ManifestError("metadata.name is missing")
        if spec.get("initContainers") or spec.get("ephemeralContainers"):
            raise ManifestError("init/ephemeral containers are not supported by the harness")
        containers = spec.get("containers") or []
        if len(containers) != 1:
            raise ManifestError(f"the harness runs exactly one container, found {len(containers)}")
        if spec.get("hostNetwork") is not True:
            raise ManifestError("hostNetwork must be true: the harness runs pods in the host's network")
        c = containers[0]
        command = [str(x) for x in (c.get("command") or [])]
        args = [str(x) for x in (c.get("args") or [])]
        if not command:
            raise ManifestError("container has no command: the harness cannot use an image entrypoint")
        self.binary = resolve_binary(command[0])
        self.argv = [self.binary] + command[1:] + args
        self.workdir = c.get("workingDir") or "/"
        self.env = {}
        for e in c.get("env") or []:
            if "valueFrom" in e:
                raise ManifestError(f"env {e.get('name')}: valueFrom is not supported by the harness")
            self.env[str(e["name"])] = str(e.get("value", ""))
        if c.get("envFrom"):
            raise ManifestError("envFrom is not supported by the harness")
        self.restart_policy = spec.get("restartPolicy") or "Always"
        grace = spec.get("terminationGracePeriodSeconds")
        self.grace = 30.0 if grace is None else float(grace)

        volumes = {}
        for v in spec.get("volumes") or []:
            if "hostPath" not in v:
                raise ManifestError(f"volume {v.get('name')}: only hostPath volumes are supported")
            volumes[v["name"]] = v["hostPath"]
        self.binds = []  # (hostPath, mountPath, readOnly) where they differ
        for m in c.get("volumeMounts") or []:
            if m.get("subPath") or m.get("subPathExpr"):
                raise ManifestError(f"volumeMount {m.get('name')}: subPath is not supported")
            hp = volumes.get(m.get("name"))
            if hp is None:
                raise ManifestError(f"volumeMount {m.get('name')} names no volume")
            hostpath_prepare(hp["path"], hp.get("type"))
            if os.path.normpath(hp["path"]) != os.path.normpath(m["mountPath"]):
                self.binds.append((hp["path"], m["mountPath"], bool(m.get("readOnly"))))

    def launch_argv(self):
        """argv to exec; hostPath != mountPath needs a private mount namespace with bind mounts."""
        if not self.binds:
            return self.argv
        script = ["set -e"]
        for src, dst, ro in self.binds:
            q_src, q_dst = shlex.quote(src), shlex.quote(dst)
            script.append(f"if [ -d {q_src} ]; then mkdir -p {q_dst}; "
                          f"else mkdir -p $(dirname {q_dst}); [ -e {q_dst} ] || : > {q_dst}; fi")
            script.append(f"mount --bind {q_src} {q_dst}")
            if ro:
                script.append(f"mount -o remount,bind,ro {q_dst}")
        script.append('exec "$@"')
        return ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                "\n".join(script), "sh"] + self.argv


class Pod:
    def __init__(self, runner, manifest, content):
        self.runner = runner
        self.manifest = manifest
        self.content_hash = hashlib.sha256(content).hexdigest()
        self.proc = None
        self.restarts = 0
        self.last_exit = None
        self.last_exit_time = None
        self.started_at = None
        self.next_start = 0.0
        self.backoff = runner.args.backoff_initial
        self.error = None
        self.state = "pending"
        self.spec = None
        try:
            doc = yaml.safe_load(content)
            self.spec = PodSpec(doc, manifest, runner.resolve_binary)
            self.name = self.spec.name
        except (yaml.YAMLError, ManifestError, KeyError, TypeError, ValueError, OSError) as e:
            self.name = os.path.basename(manifest).split(".")[0]
            self.fail(f"manifest {manifest}: {e}")

    @property
    def log_path(self):
        return os.path.join(self.runner.args.log_dir, f"{self.name}.log")

    def log_line(self, msg):
        with open(self.log_path, "a") as f:
            f.write(f"[static-pod-runner] {time.strftime('%H:%M:%S')} {msg}\n")

    def fail(self, msg):
        self.state = "error"
        self.error = msg
        print(f"[static-pod-runner] {self.name}: {msg}", file=sys.stderr, flush=True)
        self.log_line(f"ERROR {msg}")
        self.write_status()

    def write_status(self):
        write_json_atomic(os.path.join(self.runner.args.status_dir, f"{self.name}.json"), {
            "pod": self.name,
            "manifest": self.manifest,
            "state": self.state,
            "pid": self.proc.pid if self.proc and self.proc.poll() is None else None,
            "restarts": self.restarts,
            "lastExitCode": self.last_exit,
            "lastExitTime": self.last_exit_time,
            "startedAt": self.started_at,
            "error": self.error,
            "argv": self.spec.argv if self.spec else None,
        })

    def start(self):
        spec = self.spec
        env = {"PATH": f"{self.runner.args.bin_dir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
        for key in ("KADM_HARNESS_RUN", "KADM_HARNESS_HOST"):  # lets the harness find strays
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(spec.env)
        self.log_line(f"starting {shlex.join(spec.argv)}")
        try:
            with open(self.log_path, "ab") as out:
                self.proc = subprocess.Popen(spec.launch_argv(), env=env, cwd=spec.workdir,
                                             stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as e:
            self.fail(f"cannot start {spec.argv[0]}: {e}")
            return
        self.started_at = now()
        self.state = "running"
        self.write_status()

    def tick(self):
        if self.state == "error":
            return
        if self.proc is None:
            if now() >= self.next_start:
                self.start()
            return
        code = self.proc.poll()
        if code is None:
            return
        ran = now() - self.started_at
        self.last_exit = SIGNAL_EXIT_BASE - code if code < 0 else code
        self.last_exit_time = now()
        self.proc = None
        self.log_line(f"process exited with code {self.last_exit} after {ran:.1f}s")
        policy = self.spec.restart_policy
        if policy == "Never" or (policy == "OnFailure" and self.last_exit == 0):
            self.state = "exited"
        else:
            if ran >= self.runner.args.backoff_reset:
                self.backoff = self.runner.args.backoff_initial
            self.restarts += 1
            self.state = "backoff"
            self.next_start = now() + self.backoff
            self.backoff = min(self.backoff * 2, self.runner.args.backoff_max)
        self.write_status()

    def stop(self):
        if self.proc is None:
            return
        grace = min(self.spec.grace, self.runner.args.max_grace)
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log_line(f"stopped (exit code {self.proc.returncode})")
        self.proc = None
        self.state = "stopped"


class Runner:
    def __init__(self, args):
        self.args = args
        self.pods = {}  # manifest path -> Pod
        self.seen = {}  # manifest path -> content at the previous poll (debounce partial writes)
        self.stopping = False
        self.overrides = dict(o.split("=", 1) for o in args.binary)

    def resolve_binary(self, name):
        base = os.path.basename(name)
        if base in self.overrides:
            path = self.overrides[base]
        else:
            path = os.path.join(self.args.bin_dir, base)
        if not os.access(path, os.X_OK):
            raise ManifestError(f"no executable for command {name!r} (looked for {path})")
        return path

    def manifests(self):
        found = {}
        try:
            names = sorted(os.listdir(self.args.manifests))
        except FileNotFoundError:
            return found
        for n in names:
            if n.startswith("."):  # the kubelet ignores hidden files too
                continue
            p = os.path.join(self.args.manifests, n)
            if not os.path.isfile(p):
                continue
            try:
                with open(p, "rb") as f:
                    found[p] = (f.read(), os.stat(p).st_mtime)
            except FileNotFoundError:
                continue
        return found

    def sync(self):
        current = self.manifests()
        for path in list(self.pods):
            if path not in current:
                pod = self.pods.pop(path)
                pod.stop()
                pod.log_line("manifest removed")
                try:
                    os.unlink(os.path.join(self.args.status_dir, f"{pod.name}.json"))
                except FileNotFoundError:
                    pass
        for path, (content, mtime) in current.items():
            stable = self.seen.get(path) == content or now() - mtime > self.args.poll
            pod = self.pods.get(path)
            digest = hashlib.sha256(content).hexdigest()
            if stable and (pod is None or pod.content_hash != digest):
                restarts_note = ""
                if pod is not None:
                    pod.stop()
                    restarts_note = " (manifest changed)"
                new = Pod(self, path, content)
                clash = [p for q, p in self.pods.items() if q != path and p.name == new.name]
                if clash and new.state != "error":
                    new.fail(f"pod name {new.name!r} is also used by {clash[0].manifest}")
                self.pods[path] = new
                if new.state != "error":
                    new.log_line(f"pod from {path}{restarts_note}")
        self.seen = {p: c for p, (c, _) in current.items()}
        for pod in self.pods.values():
            pod.tick()

    def shutdown(self, *_):
        self.stopping = True

    def run(self):
        signal.signal(signal.SIGTERM, self.shutdown)
        signal.signal(signal.SIGINT, self.shutdown)
        os.makedirs(self.args.log_dir, exist_ok=True)
        os.makedirs(self.args.status_dir, exist_ok=True)
        write_json_atomic(os.path.join(self.args.status_dir, "runner.json"),
                          {"pid": os.getpid(), "manifests": self.args.manifests})
        while not self.stopping:
            self.sync()
            time.sleep(self.args.poll)
        for pod in self.pods.values():
            pod.stop()
            pod.write_status()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--manifests", default="/etc/kubernetes/manifests")
    ap.add_argument("--bin-dir", required=True, help="where command[0] is looked up by name")
    ap.add_argument("--binary", action="append", default=[], metavar="NAME=PATH",
                    help="override one binary, e.g. etcd=/usr/bin/etcd for v1.20-era manifests")
    ap.add_argument("--log-dir", required=True)
    ap.add_argument("--status-dir", required=True)
    ap.add_argument("--poll", type=float, default=0.2)
    ap.add_argument("--backoff-initial", type=float, default=0.5)
    ap.add_argument("--backoff-max", type=float, default=10.0)
    ap.add_argument("--backoff-reset", type=float, default=30.0,
                    help="a process that ran this long restarts with the initial back-off")
    ap.add_argument("--max-grace", type=float, default=5.0,
                    help="cap on terminationGracePeriodSeconds when stopping a pod")
    Runner(ap.parse_args()).run()


if __name__ == "__main__":
    main()
