#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Recipe of the checked-in seeds in corpus/archive (tiny zips for fuzz_archive.c): the files
its fixed manifest lists, and a few near misses. Run from tests/fuzz to regenerate them."""
import io
import zipfile

A, B, C = b"hello\n", b"Z" * 64, b"c\n"


def z(entries, name):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as f:
        for n, d, method in entries:
            info = zipfile.ZipInfo(n, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = method
            f.writestr(info, d)
    open("corpus/archive/" + name, "wb").write(buf.getvalue())


S, D = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
z([("a.txt", A, S), ("d/b.bin", B, D), ("中文/c.txt", C, S)], "good.zip")
z([("d/b.bin", B, D), ("中文/c.txt", C, D), ("a.txt", A, D)], "good-deflated.zip")
z([("a.txt", A, S), ("../a.txt", A, S)], "dotdot.zip")
z([("a.txt", A, S), ("A.TXT", A, S)], "case.zip")
z([("a.txt", b"hellO\n", S)], "hash.zip")
z([("d/", b"", S)], "dir.zip")
