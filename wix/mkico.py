#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes zhushou's icon (the MSI's Add/Remove Programs and Start-menu icon) from code, so no
# binary asset is checked in: a 32x32, 32-bit ICO holding one BMP image, a red rounded square
# with a white check mark. Usage: mkico.py OUT.ico
import struct
import sys

N = 32


def pixel(x, y):
    """BGRA of the pixel at (x, y), y = 0 at the top."""
    r = 6  # corner radius
    cx = min(max(x, r), N - 1 - r)
    cy = min(max(y, r), N - 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return (0, 0, 0, 0)  # transparent outside the rounded square
    # The check mark: two strokes, (7,16)-(13,22) and (13,22)-(25,9), 3 px wide.
    for (x0, y0, x1, y1) in ((7, 16, 13, 22), (13, 22, 25, 9)):
        dx, dy = x1 - x0, y1 - y0
        t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / float(dx * dx + dy * dy)))
        px, py = x0 + t * dx, y0 + t * dy
        if (x - px) ** 2 + (y - py) ** 2 <= 2.25:
            return (255, 255, 255, 255)
    return (0x2c, 0x2c, 0xc8, 255)  # B, G, R: portal red


def main():
    rows = []
    for y in range(N - 1, -1, -1):  # BMP rows run bottom-up
        rows.append(b"".join(struct.pack("4B", *pixel(x, y)) for x in range(N)))
    xor = b"".join(rows)
    mask = b"\0" * (N // 8 * N)  # the AND mask: all opaque, alpha decides
    # BITMAPINFOHEADER: height counts the XOR and the AND image together.
    bmp = struct.pack("<IiiHHIIiiII", 40, N, 2 * N, 1, 32, 0, len(xor) + len(mask), 0, 0, 0, 0)
    image = bmp + xor + mask
    head = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", N, N, 0, 0, 1, 32, len(image), 6 + 16)
    with open(sys.argv[1], "wb") as f:
        f.write(head + entry + image)


main()
