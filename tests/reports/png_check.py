"""Reads a PNG screenshot (8-bit RGB or RGBA, as Chromium writes them) and prints its width and
how many pixels in its top `rows` rows are the report's "guilty" red (#c62828), so a test can tell
a rendered page with the guilty device marked from a blank or broken one. No imaging library:
Debian's python3 alone."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    at, idat, header = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, color = header[:4]
    if depth != 8 or color not in (2, 6):
        raise SystemExit(f"{path}: PNG depth {depth} color type {color}: expected 8-bit RGB(A)")
    channels = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    previous, rows = bytearray(stride), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    path, limit = sys.argv[1], int(sys.argv[2])
    width, height, channels, rows = pixels(path)
    red = 0
    for line in rows[:limit]:
        for x in range(0, len(line), channels):
            if abs(line[x] - 0xC6) < 8 and abs(line[x + 1] - 0x28) < 8 and abs(line[x + 2] - 0x28) < 8:
                red += 1
    print(width, height, red)


main()
