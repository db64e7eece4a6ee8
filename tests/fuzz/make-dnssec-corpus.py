#!/usr/bin/python3
"""Seeds tests/fuzz/corpus/dnssec from real servers: the answers `dnspath diagnose` asks for
(DNSKEY, SOA, NSEC3PARAM, NSEC, DS at the apex, a nonexistent name; DS and the referral at the
parent), each behind a two-octet length, as fuzz_dnssec reads them. Run inside the lab's probe
namespace while tests/lab/diagnose-zones.sh's zones are served, e.g.
  ip netns exec ddg-probe tests/fuzz/make-dnssec-corpus.py 198.18.1.4 198.18.1.3 sub.dpd.test NAME
"""
import os, random, socket, struct, sys

child, parent, zone, label = sys.argv[1:5]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "dnssec")
os.makedirs(out, exist_ok=True)

def query(server, name, qtype):
    wire = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0"
    opt = b"\0" + struct.pack(">HHIH", 41, 4096, 0x8000, 0)  # DO=1
    message = struct.pack(">HHHHHH", random.randrange(65536), 0, 1, 0, 0, 1) + wire + struct.pack(">HH", qtype, 1) + opt
    with socket.create_connection((server, 53), timeout=3) as tcp:  # TCP: whole answers
        tcp.sendall(struct.pack(">H", len(message)) + message)
        length = struct.unpack(">H", tcp.recv(2))[0]
        data = b""
        while len(data) < length:
            data += tcp.recv(length - len(data))
    return data

answers = [query(child, zone, 48), query(child, zone, 6), query(child, zone, 51), query(child, zone, 47),
           query(child, zone, 43), query(child, "nx-%06x.%s" % (random.randrange(1 << 24), zone), 1),
           query(parent, zone, 43), query(parent, zone, 2)]
# Each lookup's UDP and TCP copy: the same answer twice, as fuzz_dnssec pairs them.
paired = [a for answer in answers for a in (answer, answer)]
with open(os.path.join(out, label), "wb") as f:
    f.write(b"".join(struct.pack(">H", len(a)) + a for a in paired))
with open(os.path.join(out, label + "-parent"), "wb") as f:
    f.write(b"".join(struct.pack(">H", len(a)) + a for a in [answers[0], answers[0]] + answers[6:] * 3))
