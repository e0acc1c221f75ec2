#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hostile corpus of the pack tests, generated fresh by every run (no binary is committed).

Every case is a pack (or a bundle) that breaks one rule of docs/formats.md, correctly signed
by the test publisher unless the signature is the point, next to the good pack it was made
from. expect.tsv says what `zhushou verify CASE --json --extract DIR` must answer:

    name  file  args  env  exit  error  text

args are extra verify arguments (space-separated, '-' for none, {GOOD_SHA} is replaced by the
good index's SHA-256), env a ZHUSHOU_NOW value or '-', exit the Linux exit status, error the
ZH_E* code the JSON must carry (index.error or an item's error, '-' for success) and text a
substring its message must contain (the entry or bundle it names).

Usage: mkcorpus.py OUTDIR PKIDIR ZHUSHOU_NATIVE
"""
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib

OUT, PKI, NATIVE = sys.argv[1], sys.argv[2], sys.argv[3]
CASES = os.path.join(OUT, "cases")
os.makedirs(CASES, exist_ok=True)
NOW = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
LATER = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 30 * 86400))
expect = []


def sha(b):
    return hashlib.sha256(b).hexdigest()


def sign(data, who="pub"):
    """A detached CMS signature (DER) by the test certificate `who`, chain carried."""
    src = os.path.join(OUT, "tosign.bin")
    dst = os.path.join(OUT, "sig.der")
    with open(src, "wb") as f:
        f.write(data)
    cmd = ["openssl", "cms", "-sign", "-binary", "-md", "sha256", "-nosmimecap", "-outform",
           "DER", "-signer", os.path.join(PKI, who + ".pem"), "-inkey",
           os.path.join(PKI, who + ".key"), "-in", src, "-out", dst]
    if who != "untrusted":
        cmd[cmd.index("-in"):cmd.index("-in")] = ["-certfile", os.path.join(PKI, "inter.pem")]
    subprocess.run(cmd, check=True)
    with open(dst, "rb") as f:
        return f.read()


# xl extra field (0x6c78): "version made by" unix and the mode 0120777 (a symlink) in the local
# header, where libarchive's streaming reader looks (libarchive's own zip writer emits it).
XL_SYMLINK = bytes([0x78, 0x6C, 0x07, 0x00, 0x05, 0x1E, 0x03, 0x00, 0x00, 0xFF, 0xA1])


class Unseekable:
    """A write-only stream: zipfile then writes data descriptors (sizes after the data)."""

    def __init__(self):
        self.buf = io.BytesIO()

    def write(self, b):
        return self.buf.write(b)

    def flush(self):
        pass


def make_zip(entries, unseekable=False):
    """entries: (name str or raw bytes, data, opts). opts: store, symlink, dir, utf8_flag."""
    sink = Unseekable() if unseekable else io.BytesIO()
    patches = []
    with zipfile.ZipFile(sink, "w") as z:
        for i, (name, data, opts) in enumerate(entries):
            if isinstance(name, bytes):
                # Raw name bytes without the UTF-8 flag: write an ASCII stand-in of the same
                # length, patched afterwards in both headers.
                stand_in = ("~%d~" % i).ljust(len(name), "Q")
                patches.append((stand_in.encode(), name, opts.get("utf8_flag", False)))
                name = stand_in
            zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_STORED if opts.get("store") else zipfile.ZIP_DEFLATED
            if opts.get("symlink"):
                zi.extra = XL_SYMLINK
                zi.create_system = 3
                zi.external_attr = 0o120777 << 16
                zi.compress_type = zipfile.ZIP_STORED
            if opts.get("dir"):
                zi.external_attr = (0o40755 << 16) | 0x10
            if unseekable:
                with z.open(zi, "w") as w:
                    w.write(data)
            else:
                z.writestr(zi, data)
    out = bytearray((sink.buf if unseekable else sink).getvalue())
    for old, new, flag in patches:
        assert out.count(old) == 2, old
        for sig, name_at, flag_at in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):
            at = out.find(old)
            while out[at - name_at:at - name_at + 4] != sig:
                at = out.find(old, at + 1)
            out[at:at + len(old)] = new
            if flag:  # claim UTF-8 (general-purpose bit 11) for bytes that are not
                fl = struct.unpack_from("<H", out, at - name_at + flag_at)[0] | 0x800
                struct.pack_into("<H", out, at - name_at + flag_at, fl)
    return bytes(out)


def manifest(files, id="demo", version="1.0", sizes=None):
    return json.dumps({
        "format": 1, "id": id, "version": version, "publisher": "zhushou tests",
        "name": {"zh": "测试组件", "en": "test component"}, "created": NOW,
        "files": [{"path": p, "size": (sizes or {}).get(p, len(d)), "sha256": sha(d)}
                  for p, d in files],
        "install": [],
    }, ensure_ascii=False, indent=1).encode()


GOOD_FILES = [("payload/readme.txt", b"read me\n"),
              ("payload/config/demo.ini", "[demo]\ngreeting=你好\n".encode())]


def bundle(files=GOOD_FILES, entries=None, man=None, who="pub", sig=None, id="demo",
           version="1.0"):
    """A bundle zip: bundle.json, its signature, then entries (default: the listed files)."""
    man = man if man is not None else manifest(files, id, version)
    sig = sig if sig is not None else sign(man, who)
    if entries is None:
        entries = [(p, d, {}) for p, d in files]
    return make_zip([("bundle.json", man, {}), ("bundle.json.sig", sig, {"store": True})] +
                    entries)


def index(bundles, serial=100, created=NOW, expires=LATER):
    return json.dumps({
        "format": 1, "serial": serial, "created": created, "expires": expires,
        "publisher": "zhushou tests",
        "catalog": {"profile": "changjiang", "version": "test"},
        "bundles": [{"path": "bundles/%s-%s.zip" % (i, v), "id": i, "version": v,
                     "size": len(b), "sha256": sha(b)} for i, v, b in bundles],
    }, indent=1).encode()


def pack(bundles, serial=100, idx=None, who="pub", idx_sig=None, entries=None,
         unseekable=False, listed=None):
    """A pack: index.json, its signature, then the bundles (stored)."""
    idx = idx if idx is not None else index(listed or bundles, serial)
    idx_sig = idx_sig if idx_sig is not None else sign(idx, who)
    if entries is None:
        entries = [("bundles/%s-%s.zip" % (i, v), b, {"store": not unseekable})
                   for i, v, b in bundles]
    return make_zip([("index.json", idx, {}), ("index.json.sig", idx_sig, {"store": True})] +
                    entries, unseekable)


def case(name, data, error, text, args="-", env="-", exit_code=None):
    path = os.path.join(CASES, name + ".zip")
    with open(path, "wb") as f:
        f.write(data)
    if exit_code is None:
        exit_code = 0 if error == "-" else 1
    expect.append("\t".join([name, path, args, env, str(exit_code), error, text]))


def flip(b, at):
    b = bytearray(b)
    b[at] ^= 0x01
    return bytes(b)


def hostile_entry(name, data=b"x", opts=None):
    """The good bundle with one more entry; the manifest stays the good, signed one."""
    entries = [(p, d, {}) for p, d in GOOD_FILES]
    entries.insert(1, (name, data, opts or {}))
    return pack([("demo", "1.0", bundle(entries=entries))])


# ---- The good packs, built by `zhushou pack build` itself -----------------------------------

def pack_build(out, serial, readme, expires="+30"):
    rec = os.path.join(OUT, "recipes", "demo")
    os.makedirs(os.path.join(rec, "files", "config"), exist_ok=True)
    with open(os.path.join(rec, "recipe.json"), "w", encoding="utf-8") as f:
        json.dump({"format": 1, "id": "demo", "version": "1.0", "publisher": "zhushou tests",
                   "name": {"zh": "测试组件", "en": "test component"},
                   "files": [{"src": "files/readme.txt", "path": "payload/readme.txt"},
                             {"src": "files/config/demo.ini",
                              "path": "payload/config/demo.ini"}],
                   "install": [{"op": "copy", "src": "payload/readme.txt", "dst_root": "app",
                                "dst": "demo/readme.txt"}]}, f, ensure_ascii=False)
    with open(os.path.join(rec, "files", "readme.txt"), "wb") as f:
        f.write(readme)
    with open(os.path.join(rec, "files", "config", "demo.ini"), "wb") as f:
        f.write(GOOD_FILES[1][1])
    subprocess.run([NATIVE, "--lang", "en", "pack", "build", os.path.dirname(rec), "-o", out,
                    "--key", os.path.join(PKI, "pub.key"), "--cert",
                    os.path.join(PKI, "pub-chain.pem"), "--serial", str(serial), "--expires",
                    expires], check=True, stdout=subprocess.DEVNULL)
    with open(out, "rb") as f:
        return f.read()


def entries_of(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


good = pack_build(os.path.join(OUT, "good-build.zip"), 10, b"read me\n")
case("good", good, "-", "-")
good_entries = entries_of(good)
good_index = good_entries[0][1]
with open(os.path.join(OUT, "good-index.sha256"), "w") as f:
    f.write(sha(good_index) + "\n")
other = pack_build(os.path.join(OUT, "other-build.zip"), 11, b"another release\n")
lower = pack_build(os.path.join(OUT, "lower-build.zip"), 9, b"an older release\n")
same_serial = pack_build(os.path.join(OUT, "same-build.zip"), 10, b"same serial, other text\n")
short_lived = pack_build(os.path.join(OUT, "short-build.zip"), 12, b"short-lived\n", "+1")

# ---- Paths ------------------------------------------------------------------------------------

case("dotdot", hostile_entry("../evil.txt"), "ZH_EUNSAFE", "../evil.txt")
case("dotdot-backslash", hostile_entry("payload\\..\\..\\evil.txt"), "ZH_EUNSAFE", "'..'")
case("absolute", hostile_entry("/etc/evil.txt"), "ZH_EUNSAFE", "absolute")
case("absolute-backslash", hostile_entry("\\Windows\\evil.txt"), "ZH_EUNSAFE", "absolute")
case("drive", hostile_entry("C:evil.txt"), "ZH_EUNSAFE", "drive")
case("drive-root", hostile_entry("C:/Windows/evil.txt"), "ZH_EUNSAFE", "drive")
case("unc", hostile_entry("\\\\server\\share\\evil.txt"), "ZH_EUNSAFE", "UNC")
case("unc-slash", hostile_entry("//server/share/evil.txt"), "ZH_EUNSAFE", "UNC")
case("long-prefix", hostile_entry("\\\\?\\C:\\evil.txt"), "ZH_EUNSAFE", "prefix")
case("ads", hostile_entry("payload/readme.txt:evil"), "ZH_EUNSAFE", "alternate data stream")
case("device-con", hostile_entry("CON"), "ZH_EUNSAFE", "device")
case("device-nul-ext", hostile_entry("payload/nul.txt"), "ZH_EUNSAFE", "device")
case("device-com1", hostile_entry("payload/COM1.log"), "ZH_EUNSAFE", "device")
case("device-lpt9", hostile_entry("payload/lpt9"), "ZH_EUNSAFE", "device")
case("trailing-dot", hostile_entry("payload/evil."), "ZH_EUNSAFE", "dot or a space")
case("trailing-space", hostile_entry("payload/evil "), "ZH_EUNSAFE", "dot or a space")
case("symlink", hostile_entry("payload/link", b"../../../Windows/System32",
                              {"symlink": True}), "ZH_ELINK", "payload/link")
case("directory-entry", hostile_entry("payload/dir/", b"", {"dir": True}), "ZH_EUNSAFE",
     "directory")
case("gbk-name", hostile_entry("payload/中文.txt".encode("gbk")), "ZH_ENAME", "UTF-8")
case("bad-utf8-flagged", hostile_entry(b"payload/\xed\xb3\xbf\xff.txt", b"x", {"utf8_flag": True}),
     "ZH_ENAME", "UTF-8")

# ---- Entries against the listing -----------------------------------------------------------------

case("unlisted", hostile_entry("payload/extra.exe"), "ZH_EUNLISTED", "payload/extra.exe")
case("duplicate", hostile_entry("payload/readme.txt", b"read me\n"), "ZH_EDUP",
     "payload/readme.txt")
case("case-collision", hostile_entry("PAYLOAD/README.TXT", b"read me\n"), "ZH_EDUP",
     "PAYLOAD/README.TXT")
listed_twice = [GOOD_FILES[0], ("payload/README.txt", b"read me\n")]
case("case-collision-listed", pack([("demo", "1.0", bundle(files=listed_twice))]), "ZH_EDUP",
     "listed twice")
case("missing", pack([("demo", "1.0", bundle(entries=[(GOOD_FILES[0][0], GOOD_FILES[0][1],
                                                          {})]))]),
     "ZH_EMISSING", "payload/config/demo.ini")
case("size-mismatch", pack([("demo", "1.0", bundle(
    man=manifest(GOOD_FILES, sizes={"payload/readme.txt": 7})))]), "ZH_ESIZE",
    "payload/readme.txt")
case("payload-flipped", pack([("demo", "1.0", bundle(entries=[
    ("payload/readme.txt", b"read mE\n", {"store": True}),
    (GOOD_FILES[1][0], GOOD_FILES[1][1], {})]))]), "ZH_EHASH", "payload/readme.txt")
big = [("payload/%d.bin" % i, b"") for i in range(3)]
huge = manifest(big, sizes={p: 4 << 30 for p, _ in big})
case("total-over-limit", pack([("demo", "1.0", bundle(files=big, man=huge))]), "ZH_ETOOBIG",
     "more than")
zeros = bytes(100 << 20)
case("zip-bomb", pack([("demo", "1.0", bundle(files=[("payload/zeros.bin", zeros)]))]),
     "ZH_ERATIO", "payload/zeros.bin")
del zeros

# ---- Signatures --------------------------------------------------------------------------------

good_bundle = entries_of(good)[2][1]
b_entries = entries_of(good_bundle)
b_man, b_sig = b_entries[0][1], b_entries[1][1]
case("bundle-json-flipped", pack([("demo", "1.0", bundle(man=flip(b_man, 40), sig=b_sig))]),
     "ZH_ESIG", "signature of bundle.json")
case("bundle-sig-flipped", pack([("demo", "1.0", bundle(man=b_man, sig=flip(b_sig,
                                                                           len(b_sig) - 3)))]),
     "ZH_ESIG", "signature of bundle.json")
case("bundle-untrusted", pack([("demo", "1.0", bundle(who="untrusted"))]), "ZH_EUNTRUSTED",
     "signature of bundle.json")
case("bundle-expired-cert", pack([("demo", "1.0", bundle(who="expired"))]), "ZH_ECERTTIME",
     "signature of bundle.json")
case("bundle-wrong-eku", pack([("demo", "1.0", bundle(who="noeku"))]), "ZH_ECERTUSE",
     "signature of bundle.json")
good_sig = good_entries[1][1]
case("index-flipped", pack([], idx=flip(good_index, 30), idx_sig=good_sig,
                           entries=[(n, d, {"store": True}) for n, d in good_entries[2:]]),
     "ZH_ESIG", "signature of index.json")
case("index-sig-flipped", pack([], idx=good_index, idx_sig=flip(good_sig, len(good_sig) - 3),
                               entries=[(n, d, {"store": True}) for n, d in good_entries[2:]]),
     "ZH_ESIG", "signature of index.json")
case("index-untrusted", pack([("demo", "1.0", bundle())], who="untrusted"), "ZH_EUNTRUSTED",
     "signature of index.json")
case("index-expired-cert", pack([("demo", "1.0", bundle())], who="expired"), "ZH_ECERTTIME",
     "signature of index.json")
case("index-wrong-eku", pack([("demo", "1.0", bundle())], who="noeku"), "ZH_ECERTUSE",
     "signature of index.json")

# ---- Replay, freeze, expiry --------------------------------------------------------------------------

case("replay-lower-serial", lower, "ZH_EREPLAY", "lower than 10", "--seen 10:{GOOD_SHA}")
case("replay-same-index", good, "-", "-", "--seen 10:{GOOD_SHA}")
case("freeze-same-serial-other-content", same_serial, "ZH_ESERIAL", "other content",
     "--seen 10:{GOOD_SHA}")
case("expired-online", short_lived, "ZH_EEXPIRED", "online", "--online", "+2d")
case("expired-offline", short_lived, "ZH_EEXPIRED", "--allow-expired", "-", "+2d")
case("expired-offline-allowed", short_lived, "-", "EXPIRED", "--allow-expired", "+2d")

# ---- Bundles against the index --------------------------------------------------------------------------

other_entries = entries_of(other)
case("bundle-from-other-pack", make_zip([(n, d, {"store": True}) for n, d in good_entries[:2]] +
                                        [(other_entries[2][0], other_entries[2][1],
                                          {"store": True})]),
     "ZH_ESIZE", "bundles/demo-1.0.zip")
same_size = bytearray(good_bundle)
same_size[-30] ^= 1  # in the bundle's central directory: only the hash can tell
case("bundle-altered-same-size", make_zip(
    [(n, d, {"store": True}) for n, d in good_entries[:2]] +
    [(good_entries[2][0], bytes(same_size), {"store": True})]), "ZH_EHASH",
    "bundles/demo-1.0.zip")
case("bundle-longer-declared", make_zip(
    [(n, d, {"store": True}) for n, d in good_entries[:2]] +
    [(good_entries[2][0], good_bundle + bytes(4096), {"store": True})]), "ZH_ESIZE",
    "bundles/demo-1.0.zip")
# Sizes after the data (data descriptors): the reader learns nothing up front and must stop at
# the listed size by itself.
case("bundle-longer-streamed", make_zip(
    [(n, d, {}) for n, d in good_entries[:2]] +
    [(good_entries[2][0], good_bundle + os.urandom(1 << 20), {})], unseekable=True),
    "ZH_ESIZE", "longer than")
case("bundle-unlisted-in-pack", make_zip(
    [(n, d, {"store": True}) for n, d in good_entries] +
    [("bundles/extra-1.zip", good_bundle, {"store": True})]), "ZH_EUNLISTED",
    "bundles/extra-1.zip")
case("bundle-missing-from-pack", make_zip(
    [(n, d, {"store": True}) for n, d in good_entries[:2]]), "ZH_EMISSING",
    "bundles/demo-1.0.zip")
case("index-not-first", make_zip(
    [(n, d, {"store": True}) for n, d in [good_entries[2], good_entries[0],
                                           good_entries[1]]]), "ZH_EMISSING", "index.json")
case("truncated", good[: len(good) * 2 // 3], "ZH_EARCHIVE", "truncated.zip")
case("not-a-zip", b"MZ\x90\x00" + os.urandom(3000), "ZH_EARCHIVE", "-")
# A hard link cannot be expressed in a zip; a tar with one is refused as not a zip at all.
tar = io.BytesIO()
import tarfile  # noqa: E402

with tarfile.open(fileobj=tar, mode="w") as t:
    ti = tarfile.TarInfo("payload/readme.txt")
    ti.size = 8
    t.addfile(ti, io.BytesIO(b"read me\n"))
    hl = tarfile.TarInfo("payload/hardlink")
    hl.type = tarfile.LNKTYPE
    hl.linkname = "payload/readme.txt"
    t.addfile(hl)
case("hardlink-tar", tar.getvalue(), "ZH_EARCHIVE", "-")

# ---- A long path that works (over 260 characters below the staging directory) ------------------

deep = "payload/" + "/".join("level-%02d-abcdefghijklmnopqrstuvwxyz" % i for i in range(7)) + \
    "/最后的文件.txt"
deep_files = [(deep, b"deep\n")] + GOOD_FILES
case("long-path-ok", pack([("demo", "1.0", bundle(files=deep_files))]), "-", "-")

with open(os.path.join(OUT, "expect.tsv"), "w", encoding="utf-8") as f:
    f.write("\n".join(expect) + "\n")
print("%d cases in %s" % (len(expect), CASES))
