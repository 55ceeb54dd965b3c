#!/usr/bin/env python3
"""Prints, one line per field, what openssl reports about every certificate, key and kubeconfig
under a kubeadm-style directory (DIR/pki, DIR/*.conf), so two trees can be compared with diff.

Fields whose values legitimately differ between two runs (serials, key bits, exact dates) are
reduced to what must match: validity length in whole minutes, key algorithm and size."""
import base64
import datetime
import os
import subprocess
import sys
import tempfile

import yaml


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout.decode()


def ext_values(pem, name):
    out = openssl("x509", "-noout", "-ext", name, data=pem).splitlines()
    if not out:
        return "<absent>"
    critical = "critical" in out[0]
    values = sorted(v.strip() for line in out[1:] for v in line.split(",") if v.strip())
    return ("critical " if critical else "") + ",".join(values)


def validity_minutes(pem):
    dates = dict(l.split("=", 1) for l in openssl("x509", "-noout", "-dates", data=pem).splitlines())
    fmt = "%b %d %H:%M:%S %Y %Z"
    span = datetime.datetime.strptime(" ".join(dates["notAfter"].split()), fmt) - \
        datetime.datetime.strptime(" ".join(dates["notBefore"].split()), fmt)
    return span.total_seconds() / 60


def key_kind(text):
    algo = size = "?"
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("Public Key Algorithm:"):
            algo = s.split(":", 1)[1].strip()
        if "Public-Key:" in s or "Private-Key:" in s:
            size = s.split("(", 1)[1].split(")")[0]
        if s.startswith("ASN1 OID:"):
            algo += "/" + s.split(":", 1)[1].strip()
    return f"{algo} {size}"


def cert_fields(label, pem):
    out = []
    for what in ("subject", "issuer"):
        out.append((what, openssl("x509", "-noout", f"-{what}", "-nameopt", "RFC2253", data=pem).strip()))
    for ext in ("subjectAltName", "keyUsage", "extendedKeyUsage", "basicConstraints"):
        out.append((ext, ext_values(pem, ext)))
    out.append(("authorityKeyIdentifier", "present" if ext_values(pem, "authorityKeyIdentifier") != "<absent>" else "<absent>"))
    out.append(("validity", f"{validity_minutes(pem):.0f}min"))
    out.append(("publicKey", key_kind(openssl("x509", "-noout", "-text", data=pem))))
    return [(f"{label} {k}", v) for k, v in out]


def key_fields(label, path):
    text = openssl("pkey", "-in", path, "-noout", "-text") if path.endswith(".key") else \
        openssl("pkey", "-pubin", "-in", path, "-noout", "-text")
    kind = key_kind(text).replace("?", "").strip()
    first = text.splitlines()[0] if text else ""
    return [(f"{label} key", f"{first.split('(')[0].strip()} {kind}")]


def kubeconfig_fields(label, path):
    doc = yaml.safe_load(open(path))
    out = [("current-context", doc.get("current-context"))]
    for c in doc.get("clusters", []):
        out.append((f"cluster {c['name']} server", c["cluster"].get("server")))
        out.append((f"cluster {c['name']} ca", "embedded" if c["cluster"].get("certificate-authority-data") else "<absent>"))
    for c in doc.get("contexts", []):
        out.append((f"context {c['name']}", f"cluster={c['context'].get('cluster')} user={c['context'].get('user')}"))
    for u in doc.get("users", []):
        user = u.get("user", {})
        out.append((f"user {u['name']} fields", ",".join(sorted(user))))
        if "client-certificate-data" in user:
            pem = base64.b64decode(user["client-certificate-data"])
            out += [(f"user {u['name']} cert {k}", v) for k, v in cert_fields("", pem)]
        if "client-key-data" in user:
            with tempfile.NamedTemporaryFile(suffix=".key") as f:
                f.write(base64.b64decode(user["client-key-data"]))
                f.flush()
                out += [(f"user {u['name']} {k}", v) for k, v in key_fields("", f.name)]
    return [(f"{label} {k}", v) for k, v in out]


def fields(root):
    lines = []
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            lines.append((f"{rel} mode", oct(os.stat(path).st_mode & 0o7777)))
            if name.endswith(".crt"):
                lines += cert_fields(rel, open(path, "rb").read())
            elif name.endswith(".key") or name.endswith(".pub"):
                lines += key_fields(rel, path)
            elif name.endswith(".conf"):
                lines += kubeconfig_fields(rel, path)
    return dict(lines)


def validity_close(a, b):
    # Both tools stamp NotBefore at "now" (possibly backdated); only the length must agree.
    try:
        return abs(float(a[:-3]) - float(b[:-3])) <= 1
    except ValueError:
        return False


def compare(a_root, b_root, explained):
    """Prints every field that differs; returns how many differences are not in `explained`
    (substrings of field names that the README's "Differences from kubeadm" accounts for)."""
    a, b = fields(a_root), fields(b_root)
    unexplained = 0
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key, "<missing>"), b.get(key, "<missing>")
        if va == vb or (key.endswith("validity") and validity_close(va, vb)):
            continue
        known = any(e in key for e in explained)
        unexplained += not known
        print(f"{'explained' if known else 'DIFF'} {key}: {va} | {vb}")
    print(f"compared {len(set(a) | set(b))} fields, {unexplained} unexplained differences")
    return unexplained


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        sys.exit(1 if compare(sys.argv[2], sys.argv[3], sys.argv[4:]) else 0)
    for k, v in sorted(fields(sys.argv[1]).items()):
        print(f"{k}: {v}")
