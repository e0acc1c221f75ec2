#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A directory served over HTTPS for the online-mode tests (tests/wine/online.sh): a mirror is
an unzipped signed pack (index.json, index.json.sig, bundles/<id>-<version>.zip) somewhere below
ROOT, reached as https://127.0.0.1:PORT/<mode>/<path below ROOT>. Listens on 127.0.0.1 (an
ephemeral port unless --port), prints the port on its first line, then serves until killed.

The first path segment chooses how the server behaves; the rest names the file below ROOT.
"Bundle files" are those whose path has a "bundles" folder in it.

  ok/        normal: Range "bytes=A-" / "bytes=A-B" -> 206 (an unsatisfiable one -> 416),
             ETag = a hash of the content, If-None-Match with it -> 304
  cut/       the first request for each file gets its headers and half the body, then the
             connection is closed; later requests are served as ok/ (Range included)
  flaky/     the first request for each file -> 500; later ones as ok/
  stall/     bundle files: headers and 10 bytes, then silence for --stall seconds (120), then
             the connection is closed; other files as ok/
  stallall/  as stall/, for every file (the index too: a timeout seen by `check`)
  halfstall/ bundle files: headers and half of the body asked for, then silence as stall/
  portal/    every request -> 200 text/html, a captive portal's login page
  badhash/   bundle files served with one byte (the middle one) flipped, length unchanged
  short/     bundle files served 1 KiB short, with a Content-Length that matches
  down/      every request -> 500
  switch/    behaves as the mode last set with /_control/switch/<mode> (initially ok): one URL
             whose behaviour changes between runs (a download interrupted, then resumed)

Counters of "first request for each file" are per mode and path; /_control/reset clears them.
A path that is not a file below ROOT -> 404. Control requests are answered 200 "ok".

LOG gets one line per response, written when its body has been sent (or the sending failed):
"<path> <status> <first byte> <bytes of body sent>", the path as requested. A stalling
response is logged before its silence.

--plain: plain HTTP, no TLS (a proxy auto-config script's server); CERT and KEY are ignored.
--blackhole: accept TCP connections and never answer (not even TLS): a connect/handshake
timeout. CERT, KEY and ROOT are then ignored (pass anything).

Usage: mirror.py [--port N] [--stall SECONDS] [--plain | --blackhole] CERT KEY ROOT LOG
"""
import argparse
import hashlib
import http.server
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse

MODES = ("ok", "cut", "flaky", "stall", "stallall", "halfstall", "portal", "badhash", "short",
         "down", "switch")
PORTAL = (b"<!DOCTYPE html>\n<html><head><title>Wi-Fi login</title></head>\n"
          b"<body><h1>Welcome</h1><form method=\"post\" action=\"/login\">"
          b"<input name=\"user\"><input type=\"password\" name=\"pass\">"
          b"<button>Log in</button></form></body></html>\n")

args = None
seen = {}
etags = {}
switch_mode = ["ok"]
lock = threading.Lock()


def note(path, status, first, sent):
    with lock, open(args.log, "a") as f:
        f.write("%s %d %d %d\n" % (path, status, first, sent))


def file_etag(path):
    """A hash of the file's content, computed once per (path, size, mtime)."""
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    with lock:
        if key in etags:
            return etags[key]
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for piece in iter(lambda: f.read(1048576), b""):
            h.update(piece)
    tag = '"%s"' % h.hexdigest()[:32]
    with lock:
        etags[key] = tag
    return tag


def is_bundle(rel):
    return "bundles" in rel.split("/")[:-1]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "zhushou-test-mirror/1"

    def log_message(self, *a):
        pass

    def do_HEAD(self):
        self.serve(head=True)

    def do_GET(self):
        self.serve(head=False)

    # -- answers -------------------------------------------------------------------------
    def simple(self, status, body, ctype="text/plain; charset=utf-8", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        sent = 0
        if not self.head:
            sent = self.write(body)
        note(self.path, status, 0, sent)

    def write(self, data):
        """Writes data in pieces; returns how many bytes went out before an error."""
        sent = 0
        try:
            for i in range(0, len(data), 65536):
                self.wfile.write(data[i:i + 65536])
                sent += len(data[i:i + 65536])
            self.wfile.flush()
        except (OSError, ValueError):
            self.close_connection = True
        return sent

    def stall_then_close(self):
        deadline = time.monotonic() + args.stall
        # Sleep in short steps so a stopped server does not wait for the whole stall.
        while time.monotonic() < deadline:
            time.sleep(0.2)
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def content(self, status, data, ctype, etag, how="full"):
        """Sends data (the whole file: bytes, or (path, size) to stream an unchanged file)
        honouring Range; how: full, cut, stall, halfstall."""
        total = data[1] if isinstance(data, tuple) else len(data)
        first, last = 0, total - 1
        rng = self.headers.get("Range")
        if status == 200 and rng:
            spec = rng.strip()
            ok = False
            if spec.startswith("bytes=") and "," not in spec:
                a, _, b = spec[6:].partition("-")
                try:
                    if a:
                        first = int(a)
                        last = int(b) if b else total - 1
                        ok = True
                    elif b:  # suffix: the last b bytes
                        first, last, ok = max(0, total - int(b)), total - 1, True
                except ValueError:
                    ok = False
            if ok and first < total and first <= last:
                last = min(last, total - 1)
                status = 206
            elif ok:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % total)
                self.send_header("Content-Length", "0")
                self.end_headers()
                note(self.path, 416, first, 0)
                return
            else:
                first, last = 0, total - 1
        if isinstance(data, tuple):
            if how == "full":
                return self.stream(status, data[0], first, last, total, ctype, etag)
            with open(data[0], "rb") as f:
                f.seek(first)
                body = f.read(last + 1 - first)
        else:
            body = data[first:last + 1]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        if etag:
            self.send_header("ETag", etag)
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (first, last, total))
        self.end_headers()
        if self.head:
            note(self.path, status, first, 0)
            return
        if how == "full":
            note(self.path, status, first, self.write(body))
        elif how == "cut":
            note(self.path, status, first, self.write(body[:len(body) // 2]))
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        elif how in ("stall", "halfstall"):
            part = body[:10] if how == "stall" else body[:len(body) // 2]
            note(self.path, status, first, self.write(part))
            self.stall_then_close()

    def stream(self, status, path, first, last, total, ctype, etag):
        """The bytes first..last of an unchanged file, read as they are sent."""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(last + 1 - first))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (first, last, total))
        self.end_headers()
        sent = 0
        if not self.head:
            left = last + 1 - first
            try:
                with open(path, "rb") as f:
                    f.seek(first)
                    while left > 0:
                        piece = f.read(min(left, 262144))
                        if not piece:
                            break
                        self.wfile.write(piece)
                        sent += len(piece)
                        left -= len(piece)
                self.wfile.flush()
            except (OSError, ValueError):
                self.close_connection = True
        note(self.path, status, first, sent)

    # -- the request -----------------------------------------------------------------------
    def serve(self, head):
        self.head = head
        raw = urllib.parse.urlsplit(self.path).path
        parts = [urllib.parse.unquote(p) for p in raw.split("/") if p != ""]
        if parts[:1] == ["_control"]:
            return self.control(parts[1:])
        if not parts or parts[0] not in MODES:
            return self.simple(404, b"no such mode\n")
        mode, rel_parts = parts[0], parts[1:]
        if any(p in (".", "..") or "\\" in p or "\0" in p for p in rel_parts) or not rel_parts:
            return self.simple(404, b"not found\n")
        rel = "/".join(rel_parts)
        with lock:
            if mode == "switch":
                mode = switch_mode[0]
            key = (mode, rel)
            count = seen.get(key, 0)
            seen[key] = count + 1
        if mode == "portal":
            return self.simple(200, PORTAL, "text/html; charset=utf-8")
        if mode == "down":
            return self.simple(500, b"internal server error\n")
        if mode == "flaky" and count == 0:
            return self.simple(500, b"busy, try again\n")
        path = os.path.join(args.root, *rel_parts)
        if not os.path.isfile(path):
            return self.simple(404, b"not found\n")
        bundle = is_bundle(rel)
        if bundle and mode in ("badhash", "short"):
            with open(path, "rb") as f:
                data = f.read()
            if mode == "badhash" and data:
                mid = len(data) // 2
                data = data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1:]
            if mode == "short":
                data = data[:max(0, len(data) - 1024)]
            etag = '"%s"' % hashlib.sha256(data).hexdigest()[:32]
        else:
            data = (path, os.path.getsize(path))
            etag = file_etag(path)
        ctype = "application/json" if rel.endswith(".json") else "application/octet-stream"
        inm = self.headers.get("If-None-Match")
        if inm and etag in [t.strip() for t in inm.split(",")]:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            note(self.path, 304, 0, 0)
            return
        how = "full"
        if mode == "cut" and count == 0:
            how = "cut"
        elif (mode == "stall" and bundle) or mode == "stallall":
            how = "stall"
        elif mode == "halfstall" and bundle:
            how = "halfstall"
        return self.content(200, data, ctype, etag, how)

    def control(self, what):
        if what == ["reset"]:
            with lock:
                seen.clear()
        elif len(what) == 2 and what[0] == "switch" and what[1] in MODES and what[1] != "switch":
            with lock:
                switch_mode[0] = what[1]
        else:
            return self.simple(404, b"unknown control\n")
        return self.simple(200, b"ok\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    ctx = None

    def finish_request(self, request, client_address):
        # The handshake happens here, in the connection's thread: a client that never
        # finishes it (or refuses the certificate) holds up nobody else.
        if self.ctx is None:
            Handler(request, client_address, self)
            return
        try:
            request.settimeout(30)
            tls = self.ctx.wrap_socket(request, server_side=True)
            tls.settimeout(None)
        except (OSError, ValueError):
            return
        try:
            Handler(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass


def blackhole():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", args.port))
    s.listen(64)
    print(s.getsockname()[1], flush=True)
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)  # never read, never answered, never closed


def main():
    global args
    p = argparse.ArgumentParser(description="HTTPS test mirror with misbehaviours")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--stall", type=float, default=120.0)
    p.add_argument("--blackhole", action="store_true")
    p.add_argument("--plain", action="store_true")
    p.add_argument("cert")
    p.add_argument("key")
    p.add_argument("root")
    p.add_argument("log")
    args = p.parse_args()
    if args.blackhole:
        return blackhole()
    args.root = os.path.abspath(args.root)
    srv = Server(("127.0.0.1", args.port), Handler)
    if not args.plain:
        srv.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        srv.ctx.load_cert_chain(args.cert, args.key)
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
