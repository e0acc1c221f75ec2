#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A mirror for the download tests: HTTPS on 127.0.0.1 with the certificate and key given,
misbehaving on purpose by path. Prints its port on the first line, then serves until killed.
Every response's body bytes are appended to LOG as "<path> <status> <first byte> <bytes sent>".

  /ok/N        N bytes (byte i is i*7 % 251), honouring Range
  /cut/N       the first request gets half of the body and the connection is cut; a request
               with Range gets the rest
  /flaky/N     the first request answers 500, later ones as /ok/N
  /stall/N     headers and 10 bytes, then nothing for 60 s
  /norange/N   ignores Range: always 200 with the whole body
  /missing     404
  /portal      200 text/html (a captive portal's login page)
  /etag/N      ETag "v1"; If-None-Match "v1" gets 304
Usage: server.py CERT KEY LOG
"""
import http.server
import ssl
import sys
import threading
import time

CERT, KEY, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
seen = {}
lock = threading.Lock()


def body(n):
    return bytes((i * 7) % 251 for i in range(n))


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def note(self, status, first, sent):
        with lock, open(LOG, "a") as f:
            f.write("%s %d %d %d\n" % (self.path, status, first, sent))

    def send(self, status, data, first=0, total=None, ctype="application/octet-stream", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (first, first + len(data) - 1, total))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.note(status, first, len(data))

    def ranged(self, data):
        r = self.headers.get("Range")
        if r and r.startswith("bytes=") and r.endswith("-"):
            first = int(r[6:-1])
            if first < len(data):
                return self.send(206, data[first:], first, len(data))
        return self.send(200, data)

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        kind = parts[0]
        n = int(parts[1]) if len(parts) > 1 else 0
        with lock:
            count = seen.get(self.path, 0)
            seen[self.path] = count + 1
        if kind == "ok":
            return self.ranged(body(n))
        if kind == "cut":
            if self.headers.get("Range"):
                return self.ranged(body(n))
            data = body(n)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            self.wfile.write(data[: n // 2])
            self.wfile.flush()
            self.note(200, 0, n // 2)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if kind == "flaky":
            if count == 0:
                return self.send(500, b"busy", ctype="text/plain")
            return self.ranged(body(n))
        if kind == "stall":
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            self.wfile.write(body(n)[:10])
            self.wfile.flush()
            self.note(200, 0, 10)
            time.sleep(60)
            return
        if kind == "norange":
            return self.send(200, body(n))
        if kind == "missing":
            return self.send(404, b"not here", ctype="text/plain")
        if kind == "portal":
            return self.send(200, b"<html><body>Please log in</body></html>", ctype="text/html; charset=utf-8")
        if kind == "etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.note(304, 0, 0)
                return
            return self.send(200, body(n), extra=[("ETag", '"v1"')])
        return self.send(404, b"unknown", ctype="text/plain")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
