#!/usr/bin/env python3
"""A registry front for e2e tests. It passes every request on to the mirror registry, but holds
each request whose path contains HOLD until the file GATE exists (120 s at most), so that a pull
of that image ends only when the test says so.

Usage: held_registry.py LISTEN_ADDR:PORT UPSTREAM_URL HOLD GATE
"""
import http.server
import os
import sys
import time
import urllib.error
import urllib.request

LISTEN, UPSTREAM, HOLD, GATE = sys.argv[1:5]
DROPPED = ("host", "connection", "transfer-encoding", "content-length")


class Front(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def relay(self):
        if HOLD in self.path:
            deadline = time.time() + 120
            while not os.path.exists(GATE) and time.time() < deadline:
                time.sleep(0.05)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in DROPPED}
        request = urllib.request.Request(UPSTREAM + self.path, method=self.command,
                                         headers=headers)
        try:
            answer = urllib.request.urlopen(request, timeout=60)
        except urllib.error.HTTPError as refused:
            answer = refused
        body = answer.read()
        self.send_response(answer.status)
        for k, v in answer.headers.items():
            if k.lower() not in DROPPED:
                self.send_header(k, v)
        length = answer.headers.get("Content-Length", "0") if self.command == "HEAD" else len(body)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = relay
    do_HEAD = relay

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))
        sys.stderr.flush()


host, port = LISTEN.rsplit(":", 1)
http.server.ThreadingHTTPServer((host, int(port)), Front).serve_forever()
