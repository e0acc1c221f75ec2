#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Judge one corpus case: check.py OUT.json ERR.txt EXIT WANT_EXIT WANT_ERROR WANT_TEXT

OUT.json is `verify --json` output, ERR.txt its stderr. The exit status must be WANT_EXIT; with
WANT_ERROR '-' the JSON must say ok, otherwise the index or an item must carry that error with
WANT_TEXT in its message (WANT_TEXT '-': any message), and stderr must name the error in text.
Prints one line saying why it failed; exit 0 when the case passes.
"""
import json
import sys

out, err, code, want_code, want_error, want_text = sys.argv[1:7]
stderr = open(err, encoding="utf-8", errors="replace").read()
try:
    doc = json.load(open(out, encoding="utf-8"))
except ValueError as e:
    print("output is not JSON (%s); exit %s; stderr: %r" % (e, code, stderr[:600]))
    sys.exit(1)
if code != want_code:
    print("exit %s, want %s" % (code, want_code))
    sys.exit(1)
if want_error == "-":
    if not doc.get("ok"):
        print("not ok: %s" % json.dumps(doc, ensure_ascii=False)[:400])
        sys.exit(1)
    if want_text != "-" and want_text not in stderr + json.dumps(doc, ensure_ascii=False):
        print("'%s' not in the output" % want_text)
        sys.exit(1)
    sys.exit(0)
if doc.get("ok"):
    print("accepted, want %s" % want_error)
    sys.exit(1)
places = [doc["index"]] if doc.get("index") else []
places += doc.get("items", [])
hits = [p for p in places if p.get("error") == want_error]
if not hits:
    print("no %s; errors: %s" % (want_error, [(p.get("name"), p.get("error"), p.get("message"))
                                                for p in places if p.get("error")]))
    sys.exit(1)
if want_text != "-" and not any(want_text in (p.get("message") or "") for p in hits):
    print("%s without '%s' in: %s" % (want_error, want_text, [p.get("message") for p in hits]))
    sys.exit(1)
if "error" not in stderr and "错误" not in stderr:
    print("stderr does not report the error: %r" % stderr[:200])
    sys.exit(1)
sys.exit(0)
