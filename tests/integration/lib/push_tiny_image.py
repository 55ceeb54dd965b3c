#!/usr/bin/env python3
"""Pushes one tiny image under several names to a registry over the registry v2 HTTP API.

usage: push_tiny_image.py HOST:PORT REPO/NAME:TAG [REPO/NAME:TAG ...]

The image has one gzipped layer holding /kadm-test.txt, a config JSON whose rootfs diff_id is the
uncompressed layer's digest (runtimes check it when unpacking) and a Docker schema 2 manifest.
Plain http: the registry listens on loopback only.
"""
import gzip
import hashlib
import http.client
import io
import json
import platform
import sys
import tarfile
import urllib.parse


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def layer():
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        body = b"kadm integration test image\n"
        info = tarfile.TarInfo("kadm-test.txt")
        info.size = len(body)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(body))
    tar_bytes = raw.getvalue()
    return tar_bytes, gzip.compress(tar_bytes, mtime=0)


def arch():
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    return resp, data


def push_blob(conn, repo, data):
    d = digest(data)
    resp, _ = request(conn, "HEAD", f"/v2/{repo}/blobs/{d}")
    if resp.status == 200:
        return d
    resp, body = request(conn, "POST", f"/v2/{repo}/blobs/uploads/")
    if resp.status != 202:
        sys.exit(f"starting upload to {repo}: HTTP {resp.status} {body!r}")
    location = urllib.parse.urlsplit(resp.getheader("Location"))
    query = location.query + ("&" if location.query else "") + "digest=" + d
    resp, body = request(conn, "PUT", f"{location.path}?{query}", data,
                         {"Content-Type": "application/octet-stream",
                          "Content-Length": str(len(data))})
    if resp.status != 201:
        sys.exit(f"uploading {d} to {repo}: HTTP {resp.status} {body!r}")
    return d


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    host, refs = sys.argv[1], sys.argv[2:]
    tar_bytes, gz = layer()
    config = json.dumps({
        "architecture": arch(),
        "os": "linux",
        "config": {"Cmd": ["/kadm-test.txt"]},
        "rootfs": {"type": "layers", "diff_ids": [digest(tar_bytes)]},
    }, separators=(",", ":")).encode()
    conn = http.client.HTTPConnection(host, timeout=30)
    for ref in refs:
        repo, tag = ref.rsplit(":", 1)
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                       "size": len(config), "digest": push_blob(conn, repo, config)},
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                        "size": len(gz), "digest": push_blob(conn, repo, gz)}],
        }, separators=(",", ":")).encode()
        resp, body = request(conn, "PUT", f"/v2/{repo}/manifests/{tag}", manifest,
                             {"Content-Type":
                              "application/vnd.docker.distribution.manifest.v2+json"})
        if resp.status != 201:
            sys.exit(f"putting manifest {ref}: HTTP {resp.status} {body!r}")
        print(f"pushed {host}/{ref}")


if __name__ == "__main__":
    main()
