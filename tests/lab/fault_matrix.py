#!/usr/bin/env python3
"""The fault matrix: every lab fault, placed on each device of a two-device path (probe - edge -
core - responder, taps on both sides of both), at 0, 5 and 10 % random loss on the other device,
both families in each run. Each case states the causes and device the run must give; one checker
judges every case. Nothing is tuned per case: the table below is the data, the cases are its
product.

Usage: fault_matrix.py DNSPATH [--full | --subset] [--markdown FILE] [--only FAULT] [--case FAULT/DEVICE/LOSS ...]
                        [--repeat N]

--subset (CI, the default) runs a fixed spread of cases, the issue's five cases twice; --full runs
the whole product and, with --markdown, writes the table of cases and pass counts; --repeat N
passes `--repeat N` to every run (what an inconclusive verdict asks for). Needs root (lab
namespaces); exits 77 without it. Exit 0 when every case held, 1 otherwise.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

PREFIX = "dtfm"
HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = ["198.18.2.2", "fd00:2::2"]
DEVICES = ["edge", "core"]
LAN = {"edge": ("198.18.0.2", "fd00::2"), "core": ("198.18.1.2", "fd00:1::2")}
WAN = {"edge": ("198.18.1.1", "fd00:1::1"), "core": ("198.18.2.1", "fd00:2::1")}  # a fault's dnsmasq may say {wan4}, {wan6}
# The link after each device, both ends (namespace, interface): lowering both keeps it an MTU with ICMP.
NEXT_LINK = {"edge": [("edge", "out"), ("core", "in")], "core": [("core", "out"), ("server", "eth0")]}
LOSS_LEVELS = [0, 5, 10]
OK = {"ok"}
BOTH = ("ipv4", "ipv6")

ICMP_TOO_BIG = "icmp type destination-unreachable icmp code frag-needed drop; icmpv6 type packet-too-big drop"


def F(name, probes, expect, early="", forward="", output="", postrouting="", prerouting="", mtu=False,
      dnsmasq=None, proxy=False, families=BOTH, sessions=None, nat_everywhere=False, positions=DEVICES,
      loss_is_the_fault=False, params=None):
    """One fault: nft rules on the faulty device by chain, what else it needs, and per checkpoint the
    causes allowed per family ("*": either). A checkpoint the plan decides and `expect` omits must
    pass (or, on a lossy path, be random loss)."""
    return dict(name=name, probes=probes, expect=expect, early=early, forward=forward, output=output,
                postrouting=postrouting, prerouting=prerouting, mtu=mtu, dnsmasq=dnsmasq, proxy=proxy,
                families=families, sessions=sessions, nat_everywhere=nat_everywhere, positions=positions,
                loss_is_the_fault=loss_is_the_fault, params=params or {})


UDP_CAP_ANSWERS = "udp sport 53 udp length > 1308 drop"
UDP_CAP_QUERIES = "udp dport 53 udp length > 1308 drop"
IP_CAP_ANSWERS = "ip saddr 198.18.2.2 ip length > 1336 drop; ip6 saddr fd00:2::2 ip6 length > 1296 drop"
IP_CAP_QUERIES = "ip daddr 198.18.2.2 ip length > 1336 drop; ip6 daddr fd00:2::2 ip6 length > 1296 drop"
SIZES = "edns-size,pmtu,fragments,tcp"

FAULTS = [
    # Size caps on the UDP length (first fragments carry the whole length, so fragmented datagrams
    # die too) and on the IP length, per direction.
    F("udp-cap-answers", SIZES, {"udp-large": {"*": {"size-cap"}}, "udp-fragments": {"*": {"size-cap"}},
                                 "pmtu": {"*": {"size-cap"}}},
      early=UDP_CAP_ANSWERS, params={"udp-large": {"limit": "udp-length"}}),
    F("udp-cap-queries", SIZES, {"udp-fragments": {"*": {"size-cap"}}, "pmtu": {"*": {"size-cap"}}},
      early=UDP_CAP_QUERIES),
    F("udp-cap-both", SIZES, {"udp-large": {"*": {"size-cap"}}, "udp-fragments": {"*": {"size-cap"}},
                              "pmtu": {"*": {"size-cap"}}},
      early=UDP_CAP_ANSWERS + "; " + UDP_CAP_QUERIES, params={"udp-large": {"limit": "udp-length"}}),
    F("ip-cap-answers", SIZES, {"udp-large": {"*": {"pmtud-blackhole"}}, "udp-fragments": {"*": {"pmtud-blackhole"}},
                                "pmtu": {"*": {"pmtud-blackhole"}}, "tcp-direct": {"*": {"pmtud-blackhole"}},
                                "tcp-fallback": {"*": {"pmtud-blackhole"}}},
      early=IP_CAP_ANSWERS),
    F("ip-cap-queries", SIZES, {"pmtu": {"*": {"pmtud-blackhole"}}}, early=IP_CAP_QUERIES),
    # An MTU of 1400 on the link after the device (both ends), its ICMP working or dropped there.
    F("mtu-icmp", SIZES, {"pmtu": {"*": {"mtu"}}}, mtu=True),
    F("mtu-no-icmp", SIZES, {"pmtu": {"*": {"pmtud-blackhole"}}}, mtu=True, forward=ICMP_TOO_BIG, output=ICMP_TOO_BIG),
    # Fragments dropped per family and direction, the first or the later ones.
    F("frag4-answers-later", "edns-size,fragments", {"udp-large": {"ipv4": {"fragment-filter"}},
                                                     "udp-fragments": {"ipv4": {"fragment-filter"}}},
      early='iifname "out" ip frag-off & 0x1fff != 0 drop', params={"udp-fragments": {"direction": "answers"}}),
    F("frag4-answers-first", "edns-size,fragments", {"udp-large": {"ipv4": {"fragment-filter"}},
                                                     "udp-fragments": {"ipv4": {"fragment-filter"}}},
      early='iifname "out" ip frag-off & 0x3fff == 0x2000 drop', params={"udp-fragments": {"direction": "answers"}}),
    F("frag4-queries", "edns-size,fragments", {"udp-fragments": {"ipv4": {"fragment-filter"}}},
      early='iifname "in" ip frag-off & 0x1fff != 0 drop', params={"udp-fragments": {"direction": "queries"}}),
    F("frag6-answers-later", "edns-size,fragments", {"udp-large": {"ipv6": {"fragment-filter"}},
                                                     "udp-fragments": {"ipv6": {"fragment-filter"}}},
      early='iifname "out" frag frag-off != 0 drop', params={"udp-fragments": {"direction": "answers"}}),
    F("frag6-answers-first", "edns-size,fragments", {"udp-large": {"ipv6": {"fragment-filter"}},
                                                     "udp-fragments": {"ipv6": {"fragment-filter"}}},
      early='iifname "out" frag frag-off 0 frag more-fragments 1 drop', params={"udp-fragments": {"direction": "answers"}}),
    F("frag6-queries", "edns-size,fragments", {"udp-fragments": {"ipv6": {"fragment-filter"}}},
      early='iifname "in" exthdr frag exists drop', params={"udp-fragments": {"direction": "queries"}}),
    # TCP/53 dropped, reset, or its MSS clamped (which breaks nothing).
    F("tcp-drop", "tcp", {"tcp-direct": {"*": {"tcp-filter"}}, "tcp-fallback": {"*": {"tcp-filter"}}},
      forward="tcp dport 53 drop", params={"tcp-direct": {"action": "drop"}}),
    F("tcp-reset", "tcp", {"tcp-direct": {"*": {"tcp-filter"}}, "tcp-fallback": {"*": {"tcp-filter"}}},
      forward="tcp dport 53 reject with tcp reset", params={"tcp-direct": {"action": "reset"}}),
    F("mss-clamp", "tcp", {}, forward="tcp flags syn tcp option maxseg size set 536"),
    # Address translation: one NAT, two NATs, and a NAT whose state table holds 120 UDP flows.
    F("nat", "nat", {"nat": {"*": {"nat"}}}, postrouting='oifname "out" masquerade'),
    F("double-nat", "nat", {"nat": {"*": {"nat"}}}, postrouting='oifname "out" masquerade', nat_everywhere=True,
      positions=["edge"]),
    F("state-table", "sessions", {"udp-sessions": {"ipv4": {"state-table-full"}}},
      postrouting='oifname "out" masquerade', forward="meta l4proto udp ct state new ct count over 120 drop",
      families=("ipv4",), sessions=256),
    # A DNS interceptor, a DNS proxy that caps the buffer, a rate limit.
    F("interception", "edns-size,dnssec,interception",
      {"dns-interception": {"*": {"interception"}}, "udp-large": {"*": {"ok", "interception", "edns-buffer-cap"}},
       "udp-no-edns": {"*": {"ok", "interception", "truncated-without-tc"}},
       "edns-truncation": {"*": {"ok", "interception", "proxy-rewrite"}},
       "dnssec-passthrough": {"*": {"ok", "interception", "edns-buffer-cap"}}},
      prerouting='iifname "in" meta l4proto { udp, tcp } th dport 53 redirect to :53', dnsmasq=[]),
    # Its rewrite of the EDNS buffer size changes a signed query too: the responder rejects the
    # query's TSIG (BADSIG), as it should.
    F("proxy-cap", "proxy", {"dns-proxy": {"*": {"edns-buffer-cap", "proxy-rewrite"}}, "tsig (proxy)": {"*": {"tsig-broken"}}},
      dnsmasq=["--edns-packet-max=1000"], proxy=True),
    F("rate-limit", "sessions", {"udp-sessions": {"ipv4": {"rate-limit"}}},
      forward="udp dport 53 limit rate over 2000/second drop", families=("ipv4",), sessions=256),
    # A DNS-aware filter that drops opcodes other than QUERY (the opcode: bits 1-4 of the DNS
    # header's third octet, after the 8-octet UDP header). It drops the non-dns-53 datagram too,
    # whose third octet reads as opcode 12: a DNS-aware filter, rightly named.
    F("opcode-drop", "options", {"unknown-opcode": {"*": {"no-answer"}}, "non-dns-53": {"*": {"dns-aware-filter"}}},
      forward="udp dport 53 @th,81,4 != 0 drop"),
    # A DNS ALG that clears AD (the header's fourth octet, bit 0x20) in queries or in answers, and
    # one that lowercases the name's second label (its first letter, at a fixed offset behind the
    # 11-letter probe id), over IPv4 only: nft rewrites the payload but not the UDP checksum, which
    # IPv4 may zero and IPv6 may not. The IPv6 verdicts must pass. The AD rewrite also flips a bit
    # of the non-dns-53 datagram (its fourth octet), which the responder then does not know: a
    # DNS-aware box mangling what is not DNS, named as one.
    *[F(f"{name}{'' if direction == 'query' else '-answers'}", "options",
        {checkpoint: {"ipv4": {cause}}, **({"non-dns-53": {"ipv4": {"dns-aware-filter"}}} if name == "ad-clear" else {})},
        forward=f"meta nfproto ipv4 udp {'dport' if direction == 'query' else 'sport'} 53 {rewrite} udp checksum set 0",
        params={checkpoint: {"direction": direction}})
      for name, checkpoint, cause, rewrite in (
          ("ad-clear", "header-bits", "header-bit-changed", "@th,90,1 1 @th,90,1 set 0"),
          ("case-lower", "case-0x20", "name-case-changed", "@th,266,1 0 @th,266,1 set 1"))
      for direction in ("query", "answer")],
    # DNS over TLS blocked: TCP to 853 reset or dropped (the lab's tcp853 fault, as nftables writes it).
    F("dot-reset", "tcp", {"dot-853": {"*": {"dot-blocked"}}}, forward="tcp dport 853 reject with tcp reset",
      params={"dot-853": {"stage": "connect", "outcome": "refused"}}),
    F("dot-drop", "tcp", {"dot-853": {"*": {"dot-blocked"}}}, forward="tcp dport 853 drop",
      params={"dot-853": {"stage": "connect"}}),
    # A DNS ALG that sets AD in messages carrying two additional records (OPT and a TSIG: only the
    # tsig probe's) over IPv4: the signed query then fails at the responder (NOTAUTH, BADSIG), the
    # signed answer at the probe; the taps see AD changed in place.
    *[F(f"tsig-mangle{'' if direction == 'query' else '-answers'}", "options", {"tsig": {"ipv4": {"tsig-broken"}}},
        forward=f"meta nfproto ipv4 udp {'dport' if direction == 'query' else 'sport'} 53 @th,144,16 2 @th,90,1 set 1 udp checksum set 0",
        params={"tsig": {"what": "query-rejected" if direction == "query" else "answer-bad-sig"}})
      for direction in ("query", "answer")],
    # A DNS-aware filter that drops questions for types it does not know: TYPE65280 and RESINFO
    # (261, RFC 9606) at the fixed offsets of the unknown-type and resinfo probes' QTYPE (their
    # names: an 11-letter id, the token, the zone, and from the second try an r<n> label: 3 octets
    # more up to r9, 4 from r10).
    F("type-drop", "options", {"unknown-type": {"*": {"no-answer"}}, "resinfo": {"*": {"no-answer"}}},
      forward="; ".join(f"udp dport 53 @th,{bit},16 {qtype} drop" for bit in (560, 584, 592) for qtype in (65280, 261))),
    # A DNS-aware filter that drops queries with EDNS flags it does not know: the edns-flags probe's
    # OPT (TYPE 41) and its flag 0x4000 at their offsets behind the probe's name (an 11-letter id,
    # echo, the token, the zone; r<n> from the second try moves them by 3 or 4 octets).
    F("edns-flag-drop", "options", {"edns-flags": {"*": {"no-answer"}}},
      forward="; ".join(f"udp dport 53 @th,{640 + shift},16 41 @th,{689 + shift},1 1 drop" for shift in (0, 24, 32))),
    # NXDOMAIN rewritten: an IPv4 DNS ALG turning the answer's RCODE 3 into 0 (the header's fourth
    # octet, low nibble; the IPv6 verdict must pass), and a DNS proxy answering names that do not
    # exist with an address of its own (dnsmasq --address on the probe's nx label, next to the zone).
    F("nxdomain-rcode", "options", {"nxdomain-rewrite": {"ipv4": {"nxdomain-rewritten"}}},
      forward="meta nfproto ipv4 udp sport 53 @th,92,4 3 @th,92,4 set 0 udp checksum set 0",
      params={"nxdomain-rewrite": {"to": "nodata"}}),
    F("nxdomain-address", "proxy", {"nxdomain-rewrite (proxy)": {"*": {"nxdomain-rewritten"}}},
      dnsmasq=["--address=/nx.probe.dnspath.test/198.18.99.1", "--address=/nx.probe.dnspath.test/fd00:99::1"], proxy=True,
      params={"nxdomain-rewrite (proxy)": {"to": "address"}}),
    # A DNS-aware firewall that passes on 53/udp only what looks like DNS (here: QDCOUNT, the DNS
    # header's third 16-bit word, at most 2: the non-dns-53 probe's datagram claims thousands of
    # questions), and one that passes DNS on 53 only (the responder's second port dropped).
    F("non-dns-drop", "options", {"non-dns-53": {"*": {"dns-aware-filter"}}}, forward="udp dport 53 @th,96,16 > 2 drop",
      params={"non-dns-53": {"what": "non-dns-on-53"}}),
    F("dns-port-only", "options", {"non-dns-53": {"*": {"dns-aware-filter"}}}, forward="udp dport 8053 drop",
      params={"non-dns-53": {"what": "dns-off-53"}}),
    # A DNS proxy that answers its WAN side too: an open resolver, found by the responder asking it
    # from outside.
    F("wan-open", "proxy", {"proxy-wan-open (proxy)": {"*": {"open-resolver"}}},
      dnsmasq=["--listen-address={wan4}", "--listen-address={wan6}"], proxy=True),
    # The same proxy behind a firewall that drops DNS from the WAN side: silent, no open resolver.
    # Under loss a silence must outnumber what loss could swallow before it passes.
    F("wan-filtered", "proxy", {}, early='iifname "out" udp dport 53 drop',
      dnsmasq=["--listen-address={wan4}", "--listen-address={wan6}"], proxy=True),
    # A DNS proxy whose cache keeps every record 600 s, whatever its TTL (raised TTLs, stale records).
    F("cache-ttl", "proxy", {"proxy-cache (proxy)": {"*": {"cache-rule-broken"}}},
      dnsmasq=["--cache-size=150", "--min-cache-ttl=600"], proxy=True),
    # Random loss and nothing else: no cause may be claimed but loss.
    F("loss", "edns-size,pmtu,fragments,tcp,sessions", {}, loss_is_the_fault=True),
]

# The CI subset: the five cases (twice each where a run decides them) and one of each
# family of faults, spread over positions and loss levels.
SUBSET = [
    ("udp-cap-both", "core", 0), ("udp-cap-both", "core", 0),
    ("loss", "core", 10), ("loss", "core", 10),
    ("state-table", "edge", 0), ("state-table", "edge", 0),
    ("frag4-answers-later", "core", 10),
    ("ip-cap-answers", "edge", 5), ("mtu-no-icmp", "core", 0), ("frag6-answers-first", "edge", 5),
    ("frag4-queries", "edge", 0), ("udp-cap-queries", "core", 5), ("tcp-drop", "edge", 5), ("tcp-reset", "core", 0),
    ("double-nat", "edge", 0), ("interception", "edge", 0), ("rate-limit", "core", 0), ("opcode-drop", "core", 0),
    ("ad-clear", "core", 0), ("case-lower-answers", "edge", 5), ("type-drop", "edge", 0), ("edns-flag-drop", "core", 5),
    ("nxdomain-rcode", "edge", 0), ("nxdomain-address", "core", 5), ("cache-ttl", "edge", 0),
    ("non-dns-drop", "core", 5), ("wan-open", "edge", 0), ("dot-reset", "edge", 0), ("tsig-mangle", "core", 5),
    ("wan-filtered", "edge", 5), ("proxy-cap", "edge", 10),
]


def sh(*argv, check=False, quiet=True):
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise RuntimeError(" ".join(argv) + ": " + result.stderr.strip()[-400:])
    return result


def ns(device):
    return f"{PREFIX}-{device}"


def nft_table(fault):
    chains = []
    for chain, hook, priority, kind in (("early", "prerouting", -500, "filter"), ("forward", "forward", 0, "filter"),
                                        ("output", "output", 0, "filter"), ("prerouting", "prerouting", -100, "nat"),
                                        ("postrouting", "postrouting", 100, "nat")):
        rules = fault[chain]
        if rules:
            body = "\n    ".join(rule.strip() for rule in rules.split(";") if rule.strip())
            chains.append(f"  chain {chain} {{\n    type {kind} hook {hook} priority {priority}; policy accept;\n    {body}\n  }}")
    return "table inet fault {\n" + "\n".join(chains) + "\n}\n" if chains else ""


def loss_table(percent):
    return ("table inet loss {\n  chain forward {\n    type filter hook forward priority -10; policy accept;\n"
            f"    numgen random mod 100 < {percent} drop\n  }}\n}}\n")


def wait_until_answers(address, seconds=10.0):
    """Until a DNS server at `address` answers a query from the probe's namespace (a deadline,
    then an error naming the address)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        asked = subprocess.run(["ip", "netns", "exec", ns("probe"), "dig", "+tries=1", "+time=1", "+short",
                                "@" + address, "probe.dnspath.test.", "SOA"], capture_output=True, text=True)
        if asked.returncode == 0 and asked.stdout.strip():
            return
        time.sleep(0.1)
    raise RuntimeError(f"the DNS proxy on {address} did not answer within {seconds:.0f} s")


class Lab:
    def __init__(self, binary, work, repeat=None):
        self.binary, self.work, self.dnsmasq, self.repeat = binary, work, [], repeat

    def up(self):
        sh(self.binary, "lab", "down", "--prefix", PREFIX)
        sh(self.binary, "lab", "up", "--profile", os.path.join(HERE, "fault-matrix.toml"), check=True)

    def down(self):
        self.reset()
        sh(self.binary, "lab", "down", "--prefix", PREFIX)

    def reset(self):
        for process in self.dnsmasq:
            process.kill()
            process.wait()
        self.dnsmasq = []
        for device in DEVICES:
            for table in ("fault", "loss"):
                sh("ip", "netns", "exec", ns(device), "nft", "delete", "table", "inet", table)
            sh("ip", "netns", "exec", ns(device), "conntrack", "-F")
        for pairs in NEXT_LINK.values():
            for namespace, interface in pairs:
                sh("ip", "-n", ns(namespace), "link", "set", interface, "mtu", "1500")
        # Path MTUs a previous case taught the kernels (IPv6 keeps them as route exceptions).
        for namespace in ("probe", "edge", "core", "server"):
            for family in ("-4", "-6"):
                sh("ip", "netns", "exec", ns(namespace), "ip", family, "route", "flush", "cache")

    def apply(self, fault, device, loss):
        other = "core" if device == "edge" else "edge"
        for target in (DEVICES if fault["nat_everywhere"] else [device]):
            table = nft_table(fault)
            if table:
                subprocess.run(["ip", "netns", "exec", ns(target), "nft", "-f", "-"], input=table, text=True, check=True)
        if fault["mtu"]:
            for namespace, interface in NEXT_LINK[device]:
                sh("ip", "-n", ns(namespace), "link", "set", interface, "mtu", "1400", check=True)
        if fault["dnsmasq"] is not None:
            v4, v6 = LAN[device]
            argv = ["ip", "netns", "exec", ns(device), "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
                    "--port=53", "--bind-interfaces", "--user=root", "--proxy-dnssec",
                    "--pid-file=" + os.path.join(self.work, device + ".dnsmasq.pid"),
                    f"--listen-address={v4}", f"--listen-address={v6}", "--server=198.18.2.2"]
            argv += [arg.format(wan4=WAN[device][0], wan6=WAN[device][1]) for arg in fault["dnsmasq"]]
            # No cache unless the fault has one (dnsmasq refuses a repeated option).
            if not any(arg.startswith("--cache-size") for arg in fault["dnsmasq"]):
                argv.append("--cache-size=0")
            self.dnsmasq.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            # The run asks the proxy within a second of starting (kinds run side by side): it must
            # serve on both addresses first, not merely have been started.
            for address in (v4, v6):
                wait_until_answers(address)
        percent = loss if not fault["loss_is_the_fault"] else 0
        if fault["loss_is_the_fault"]:
            subprocess.run(["ip", "netns", "exec", ns(device), "nft", "-f", "-"], input=loss_table(loss), text=True, check=True)
        elif percent:
            subprocess.run(["ip", "netns", "exec", ns(other), "nft", "-f", "-"], input=loss_table(percent), text=True, check=True)

    def run(self, fault, device, out):
        argv = ["ip", "netns", "exec", ns("probe"), self.binary, "run", "--port", "53", "--key-file",
                f"/run/dnspath-{PREFIX}/key", "--probes", fault["probes"], "--families", ",".join(fault["families"]),
                "--out", out, "--device", f"edge=netns:{ns('edge')}/in,netns:{ns('edge')}/out",
                "--device", f"core=netns:{ns('core')}/in,netns:{ns('core')}/out"]
        for target in TARGETS:
            argv += ["--target", target]
        if self.repeat:
            argv += ["--repeat", self.repeat]
        if fault["proxy"]:
            for address in LAN[device]:
                argv += ["--proxy", address]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=600)
        path = os.path.join(out, "result.json")
        if not os.path.exists(path):
            raise RuntimeError("no result.json: " + (result.stderr or result.stdout)[-600:])
        with open(path) as handle:
            return json.load(handle)


def check(fault, device, loss, result):
    """The problems with one case's result (empty: it held)."""
    problems = []
    other = "core" if device == "edge" else "edge"
    lossy = other if (loss and not fault["loss_is_the_fault"]) else device if fault["loss_is_the_fault"] else None
    nat_devices = set(DEVICES) if fault["nat_everywhere"] else {device} if fault["postrouting"] else set()
    undecided_ok = loss >= 10
    expect = fault["expect"]

    def allowed(checkpoint, family):
        codes = expect.get(checkpoint, {})
        return codes.get(family, codes.get("*"))

    for verdict in result["verdicts"]:
        # A proxy's own verdicts are expected under "CHECKPOINT (proxy)" (reports name them so).
        checkpoint, family = verdict["checkpoint"], verdict["family"]
        if verdict.get("via", "path") == "proxy":
            checkpoint += " (proxy)"
        code, params = verdict["cause"]["code"], verdict["cause"]["params"]
        wanted = allowed(checkpoint, family)
        where = f"{checkpoint}/{family}"
        if checkpoint == "path-trace":
            continue
        # The cause.
        if wanted is None:
            good = verdict["status"] in ("pass", "na") or code in ("ok", "not-measured")
            good = good or (lossy is not None and code == "random-loss")
        else:
            good = code in wanted or (verdict["status"] == "pass" and "ok" in wanted)
        if not good and code == "inconclusive":
            good = undecided_ok and (wanted is None or bool(set(params.get("candidates", [])) & (wanted | {"random-loss"})))
        if not good:
            problems.append(f"{where}: {code} (wanted {sorted(wanted) if wanted else 'a pass'})")
            continue
        for key, value in fault["params"].get(checkpoint, {}).items():
            if code in (wanted or set()) - OK and params.get(key) != value:
                problems.append(f"{where}: {code} with {key}={params.get(key)} (wanted {value})")
        # The devices: the faulty one for its cause, the lossy one for loss only, NATs for NAT.
        for blame in verdict["blame"]:
            blamed, blamed_code = blame["device"], blame["cause"]["code"]
            if blamed_code == "nat" and blamed in nat_devices:
                continue
            if blamed == lossy and blamed_code in ("random-loss", "inconclusive"):
                continue
            if blamed == device and wanted is not None and (blamed_code in wanted or (undecided_ok and blamed_code == "inconclusive")):
                continue
            if fault["loss_is_the_fault"] and blamed == device and blamed_code in ("random-loss", "inconclusive"):
                continue
            problems.append(f"{where}: {blamed} blamed for {blamed_code}")
        failing = verdict["status"] in ("fail", "warn") and code not in ("random-loss", "inconclusive", "ok")
        # A working MTU (its ICMP arrives) is no device's fault; every other cause names its device.
        if failing and wanted is not None and code in wanted and code != "mtu" and not verdict["blame"] and checkpoint != "dns-proxy":
            problems.append(f"{where}: {code} but nobody blamed")
    # Every expected verdict is there.
    decided = {(v["checkpoint"] + (" (proxy)" if v.get("via", "path") == "proxy" else ""), v["family"]) for v in result["verdicts"]}
    for checkpoint, families in expect.items():
        for family in fault["families"]:
            if (families.get(family) or families.get("*")) and (checkpoint, family) not in decided:
                problems.append(f"{checkpoint}/{family}: not decided")
    return problems


def cases(full, only, picked=()):
    if picked:
        chosen = [(name, device, int(loss)) for name, device, loss in (case.split("/") for case in picked)]
    elif not full:
        chosen = [(name, device, loss) for name, device, loss in SUBSET]
    else:
        chosen = []
        for fault in FAULTS:
            for device in fault["positions"]:
                for loss in LOSS_LEVELS:
                    if fault["loss_is_the_fault"] and loss == 0:
                        continue
                    chosen.append((fault["name"], device, loss))
    if only:
        chosen = [case for case in chosen if case[0] == only]
    by_name = {fault["name"]: fault for fault in FAULTS}
    return [(by_name[name], device, loss) for name, device, loss in chosen]


def markdown(outcomes):
    lines = ["| fault | device | loss | causes given | held |", "| --- | --- | --- | --- | --- |"]
    for fault, device, loss, result, problems in outcomes:
        given = sorted({f"{v['checkpoint']}/{v['family']}: {v['cause']['code']}" for v in result.get("verdicts", [])
                        if v["status"] in ("fail", "warn") and v["checkpoint"] != "path-trace"})
        lines.append(f"| `{fault['name']}` | {device} | {loss} % | {'; '.join(given) or 'all pass'} | "
                     f"{'yes' if not problems else 'no: ' + '; '.join(problems)} |")
    held = sum(1 for outcome in outcomes if not outcome[4])
    lines.append("")
    lines.append(f"{held} of {len(outcomes)} cases held.")
    return "\n".join(lines) + "\n"


def main():
    if os.geteuid() != 0:
        print("skipped: needs root for network namespaces")
        return 77
    args = sys.argv[1:]
    binary = os.path.abspath(args[0])
    full = "--full" in args
    only = args[args.index("--only") + 1] if "--only" in args else None
    report = args[args.index("--markdown") + 1] if "--markdown" in args else None
    # --case FAULT/DEVICE/LOSS (repeatable): just those cases, e.g. to run again the ones a full run failed.
    picked = [args[i + 1] for i, arg in enumerate(args) if arg == "--case"]
    work = tempfile.mkdtemp(prefix="fault-matrix-")
    lab = Lab(binary, work, args[args.index("--repeat") + 1] if "--repeat" in args else None)
    outcomes = []
    started = time.time()
    try:
        lab.up()
        todo = cases(full, only, picked)
        for number, (fault, device, loss) in enumerate(todo, 1):
            lab.reset()
            out = os.path.join(work, f"{number:03d}-{fault['name']}-{device}-{loss}")
            try:
                lab.apply(fault, device, loss)
                result = lab.run(fault, device, out)
                problems = check(fault, device, loss, result)
            except (RuntimeError, subprocess.SubprocessError, OSError, json.JSONDecodeError) as error:
                result, problems = {}, [f"could not run: {error}"]
            outcomes.append((fault, device, loss, result, problems))
            state = "ok  " if not problems else "FAIL"
            print(f"{state} {fault['name']} on {device} at {loss} % loss ({number}/{len(todo)}, "
                  f"{time.time() - started:.0f} s){': ' + '; '.join(problems) if problems else ''}", flush=True)
    finally:
        lab.down()
        if report:
            with open(report, "w") as handle:
                handle.write(markdown(outcomes))
        if os.environ.get("DNSPATH_KEEP_MATRIX"):
            print("results kept in " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    failed = sum(1 for outcome in outcomes if outcome[4])
    print(f"{len(outcomes) - failed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
