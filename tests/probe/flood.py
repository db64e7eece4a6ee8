"""A bounded flood against a running responder on loopback: hostile UDP (random bytes, broken
headers, compression loops, queries for large answers without a token) from many 127.x source
addresses, TCP connections left idle or half-sent, and one source far over the rate limit. It
prints the figures as JSON on one line; the calling test judges them.

Usage: flood.py PORT ZONE RATE SECONDS"""
import json
import os
import random
import socket
import struct
import sys
import time

port, zone, rate, seconds = int(sys.argv[1]), sys.argv[2].strip("."), int(sys.argv[3]), float(sys.argv[4])
rng = random.Random(1)


def name(text):
    out = b""
    for label in text.strip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def query(qname, qtype=16, edns=4096, do=False, qid=None):
    header = struct.pack(">HHHHHH", rng.randrange(65536) if qid is None else qid, 0x0100, 1, 0, 0, 1 if edns else 0)
    body = name(qname) + struct.pack(">HH", qtype, 1)
    if edns:
        body += b"\0" + struct.pack(">HHIH", 41, edns, 0x8000 if do else 0, 0)
    return header + body


def hostile(i, qid):
    """One of several kinds of bad or unauthenticated packet, carrying DNS id `qid` where it has one."""
    kind = i % 7
    tag = struct.pack(">H", qid)
    if kind == 0:
        return tag + bytes(rng.randrange(256) for _ in range(rng.randrange(0, 600)))
    if kind == 1:  # shorter than a header
        return (tag + os.urandom(10))[:rng.randrange(0, 12)]
    if kind == 2:  # a name that points at itself
        return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c" + struct.pack(">HH", 16, 1)
    if kind == 3:  # counts far beyond the packet
        return struct.pack(">HHHHHH", qid, 0x0100, 65535, 65535, 65535, 65535) + name(zone)
    if kind == 4:  # a large answer asked for without a token
        return query(f"p{i:010x}.s4000.{zone}", qid=qid)
    if kind == 5:  # DO=1 for the zone's keys: signed answers are large
        return query(zone, qtype=48, do=True, qid=qid)
    return query(f"p{i:010x}.s{rng.randrange(100, 65000)}.echo.{zone}", edns=rng.choice([0, 512, 65535]), qid=qid)


def udp_flood(deadline):
    """Hostile datagrams from 200 source addresses; every answer's size against its query's."""
    sockets = []
    for n in range(200):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((f"127.0.{1 + n // 250}.{1 + n % 250}", 0))
        s.setblocking(False)
        sockets.append(s)
    sent = answers = worst = unmatched = 0
    worst_case = {}
    sizes = {}
    i = 0
    while time.time() < deadline:
        s = sockets[i % len(sockets)]
        packet = hostile(i, (i // len(sockets)) & 0xffff)  # ids unique per source: answers match exactly
        try:
            s.sendto(packet, ("127.0.0.1", port))
            sent += 1
            if len(packet) >= 2:  # an answer carries its query's id
                sizes[(s.getsockname(), packet[:2])] = (len(packet), i % 7)
        except OSError:
            pass
        i += 1
        if i % 50 == 0:
            for r in sockets:
                while True:
                    try:
                        data = r.recv(65535)
                    except OSError:
                        break
                    answers += 1
                    asked = sizes.get((r.getsockname(), data[:2]))
                    if asked is None:
                        unmatched += 1
                    elif len(data) / asked[0] > worst:
                        worst = len(data) / asked[0]
                        worst_case = {"query_kind": asked[1], "query": asked[0], "answer": len(data)}
    for s in sockets:
        s.close()
    return {"udp_sent": sent, "udp_answers": answers, "amplification": round(worst, 3), "worst": worst_case,
            "unmatched_answers": unmatched, "sources": len(sockets)}


def rate_test():
    """One source, 5 x RATE queries in about a second (all small, no token needed): how many answered."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.9.9", 0))
    s.settimeout(0.002)
    count, answered = rate * 5, 0
    start = time.time()
    for i in range(count):
        s.sendto(query(f"p{i:010x}.s0.{zone}", edns=1232), ("127.0.0.1", port))
        try:
            while True:
                s.recv(65535)
                answered += 1
        except OSError:
            pass
    end = time.time() + 0.3
    s.settimeout(0.05)
    while time.time() < end:
        try:
            s.recv(65535)
            answered += 1
        except OSError:
            pass
    return {"rate_sent": count, "rate_answered": answered, "rate_seconds": round(time.time() - start, 2)}


def tcp_hold(count):
    """Connections left open: idle, half a length prefix, a length with half a message."""
    held = []
    for n in range(count):
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=3, source_address=(f"127.0.{5 + n // 250}.{1 + n % 250}", 0))
            if n % 3 == 1:
                c.send(b"\x00")
            elif n % 3 == 2:
                c.send(b"\x01\x00" + b"\x12" * 100)
            held.append(c)
        except OSError:
            pass
    return held


if __name__ == "__main__":
    held = tcp_hold(300)
    figures = {"tcp_held": len(held)}
    figures.update(udp_flood(time.time() + seconds))
    figures.update(rate_test())
    print(json.dumps(figures))
    sys.stdout.flush()
    # Keep the connections open while the caller checks that valid probes still get answers.
    time.sleep(float(os.environ.get("FLOOD_HOLD", "0")))
    for c in held:
        c.close()
