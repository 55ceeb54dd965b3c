#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/ that are built from vectors rather than copied
files: CRI replies (the unit tests' byte vectors), gRPC replies, token/pin strings, and JSON
forms of kadm's golden manifests for the YAML round-trip targets. Run from the repository root;
the output is committed, so this only needs running when the seeds should change."""
import base64
import json
import os
import pathlib
import shutil
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent
corpus = root / "corpus"


def put(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(n, t):
    return varint((n << 3) | t)


def s(n, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return key(n, 2) + varint(len(payload)) + payload


def v(n, value):
    return key(n, 0) + varint(value)


def entry(k, val):
    return s(1, k) + s(2, val)


# --- cri_protobuf: first byte = decoder (see cri_protobuf_fuzz.cpp), then the reply ---
version = s(1, "0.1.0") + s(2, "containerd") + s(3, "1.6.20~ds1") + s(4, "v1")
runtime_ready = s(1, "RuntimeReady") + v(2, 1)
network = s(1, "NetworkReady") + s(3, "NetworkPluginNotReady") + s(4, "cni plugin not initialized")
status = s(1, s(1, runtime_ready) + s(1, network)) + s(2, entry("config", '{"sandboxImage":"r/pause:9"}'))
runtime_config = s(1, v(1, 1))
image = s(1, "sha256:abc") + s(2, "k8s/pause:3.10") + s(2, "k8s/pause:latest") + s(3, "k8s/pause@sha256:def") + v(4, 1000)
sandbox = (s(1, "s1") + s(2, s(1, "n") + s(2, "u") + s(3, "ks") + v(4, 2)) + v(3, 1) + v(4, 300)
           + s(5, entry("k", "v")) + s(6, entry("a", "b")) + s(7, "r") + v(111, 1))
container = (s(1, "c1") + s(2, "s1") + s(3, s(1, "x") + v(2, 3)) + s(4, s(1, "i")) + s(5, "r")
             + v(6, 2) + v(7, 5) + s(8, entry("k", "v")) + s(9, entry("a", "7")))
cstatus = (s(1, "c1") + s(2, s(1, "x")) + v(3, 2) + v(4, 1) + v(5, 2) + v(6, 3) + v(7, 137)
           + s(8, s(1, "i")) + s(9, "r") + s(10, "Error") + s(11, "oh") + s(12, entry("k", "v"))
           + s(13, entry("io.kubernetes.container.restartCount", "4")) + s(14, b"") + s(15, "/l/0.l"))
cri = {
    "version": (0, version),
    "status": (1, status),
    "runtime-config": (2, runtime_config),
    "image-status": (3, s(1, image)),
    "pull-image": (4, s(1, "sha256:abc")),
    "list-pod-sandbox": (5, s(1, sandbox) + s(1, s(1, "s2"))),
    "empty": (6, b""),
    "list-containers": (7, s(1, container)),
    "container-status": (8, s(1, cstatus) + s(2, b"")),
    "varint": (9, varint(2**64 - 1)),
}
for name, (which, msg) in cri.items():
    put("cri_protobuf", name, bytes([which]) + msg)

# --- grpc: FuzzedDataProvider reads the flags from the end; see grpc_fuzz.cpp ---
frame = b"\x00" + len(version).to_bytes(4, "big") + version
put("grpc", "ok-reply", frame + b"\x00\x01\x00\x01\x01")
put("grpc", "error-reply", b"0\x00ImagePull%20failed%3A%20not%20found\x00" + b"\x01\x01\x00\x01\x01")
put("grpc", "frame-only", frame)

# --- bootstrap_token: first byte picks the parser (see bootstrap_token_fuzz.cpp) ---
tokens = {
    "token": "0abcdef.0123456789abcdef",
    "token-bad-secret": "0abcdef.0123456789ABCDEF",
    "token-id": "007f284",
    "group": "1system:bootstrappers:kubeadm:default-node-token",
    "pin": "2sha256:dfd16a7064fb7780a8866352b400c39ecbd8a59e1447c1417fdc88666bf3358a",
    "pin-upper": "2SHA256:DFD16A7064FB7780A8866352B400C39ECBD8A59E1447C1417FDC88666BF3358A",
    "certificate-key": "3" + "0123456789abcdef" * 4 + "sealed-bytes-too-short",
    "expiration": "42026-12-05T07:00:00Z",
    "expiration-offset": "42026-12-05T09:00:00.123+02:00",
}
for name, text in tokens.items():
    put("bootstrap_token", name, text)
secret = {
    "apiVersion": "v1", "kind": "Secret", "type": "bootstrap.kubernetes.io/token",
    "metadata": {"name": "bootstrap-token-abcdef", "namespace": "kube-system"},
    "data": {k: base64.b64encode(val.encode()).decode() for k, val in {
        "token-id": "abcdef", "token-secret": "0123456789abcdef",
        "expiration": "2026-12-05T07:00:00Z", "description": "kadm init",
        "usage-bootstrap-authentication": "true", "usage-bootstrap-signing": "true",
        "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token"}.items()},
}
put("bootstrap_token", "secret", "5" + json.dumps(secret))

# --- yaml_emit / yaml_tree: kadm's golden manifests as JSON, plus awkward strings ---
repo = root.parent.parent
for f in sorted((repo / "tests/data/manifests/1.37").glob("*.yaml")):
    doc = yaml.safe_load(f.read_text())
    for t in ("yaml_emit", "yaml_tree"):
        put(t, f.stem + ".json", json.dumps(doc, sort_keys=True))
awkward = {"strings": ["", "true", "yes", "~", "10", "1.5", "0x1F", "-", "- a", ": x", "a: b",
                       "a #b", "#c", "'q'", "\"d\"", " lead", "trail ", "@at", "%p", "*star",
                       "!tag", "&anc", "---", "...", "multi\nline", "tab\there", "1e5", "12:30"],
           "numbers": [0, -1, 1.5, 1e100, 18446744073709551615, -9223372036854775808],
           "nested": [[1, [2]], {}, [], None, {"a": {"b": []}}]}
for t in ("yaml_emit", "yaml_tree"):
    put(t, "awkward.json", json.dumps(awkward))
