// A profile: what to probe (target), how (plan), through what (topology), and optionally how to
// build that path in namespaces (lab). Loaded from TOML and validated against one table of limits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/wire/wire.h"

namespace dnspath::profile {

// A name the probe asks about in target mode, where the server is not a dnspath responder.
struct TargetName {
    std::string name;
    std::string type = "TXT";
    bool dnssec = false;
};

struct Target {
    std::vector<std::string> addresses;  // IPv4 and/or IPv6 literals
    std::uint16_t port = 53;
    std::string zone = "probe.dnspath.test.";
    std::optional<std::string> key_file;  // shared HMAC key for large answers; resolved against the profile
    std::string mode = "responder";       // "responder" or "target"
    std::vector<TargetName> names;
    std::vector<std::string> proxies;   // DNS proxies to test (a CPE's LAN address): the proxy kind
    std::vector<std::string> baseline;  // the server without the device in front: the load kind compares
};

struct Plan {
    std::vector<std::string> probes;  // probe kinds, in order
    std::vector<std::uint32_t> sizes;  // answer sizes for edns-size
    std::vector<std::string> families;  // "ipv4", "ipv6"
    int repetitions = 1;
    int timeout_ms = 1500;
    int retries = 2;
    int port_samples = 64;
    int max_ttl = 8;
    // path-trace's answer direction (a keyed responder traces the way back): "auto" when a large
    // answer was lost on its way back, "always" (the answer route shown on a clean path too), "off".
    std::string answer_trace = "auto";
    int sessions = 256;      // sessions kind: fresh UDP flows opened at once, the ramp's first round
    int sessions_max = 16384;  // sessions kind: the ramp doubles the flows held open up to this many
    int sessions_min = 256;    // sessions kind: a state table that fills below this many flows fails
    int load_seconds = 2;    // load kind: seconds of load per address
    int timeout_max_s = 360;         // udp-mapping-timeout: the longest late answer asked for
    int mapping_timeout_min_s = 10;  // udp-mapping-timeout: a mapping that expires sooner fails
    std::string user;        // once taps are open, go on as this user ("": stay; run --user wins)
};

// Faults a lab device applies (issue 5 builds them); every field off by default.
struct Faults {
    std::string drop_ipv4_fragments;  // "", "non-first", "all"
    bool drop_ipv6_fragments = false;
    std::optional<int> udp_size_cap;  // drop UDP/53 answers whose UDP length exceeds this
    std::string tcp53;                 // "", "drop", "reset"
    std::string tcp853;                // "", "drop", "reset": DNS over TLS (dot-853)
    std::optional<int> mtu;            // client-side interface MTU
    bool drop_icmp_too_big = false;
    std::string drop_icmp_too_big_family = "both";  // "ipv4", "ipv6": filter one family's PMTUD messages only
    std::optional<int> loss_percent;
    std::optional<int> state_limit;  // UDP conntrack entries before new flows drop
    std::optional<int> rate_limit;   // DNS queries per second before the rest drop
    std::optional<int> udp_timeout;  // seconds a UDP conntrack entry lives (nat, cgn, cpe)
    // Which family the size cap, TCP/53 block, loss, rate and state limits hit: "both", "ipv4", "ipv6".
    std::string family = "both";
};

struct Device {
    std::string name;
    std::string kind = "router";  // router, nat, cgn, lb, cpe, firewall
    std::string tap_in;           // "" (none), "IFACE", "netns:NS/IFACE", or a pcap file
    std::string tap_out;
    Faults faults;
    std::optional<int> edns_packet_max;  // cpe: dnsmasq --edns-packet-max
    bool intercept_dns = false;          // cpe: redirect all port-53 traffic to its proxy
    int backends = 2;                    // lb: responders behind it
    std::string balancer = "nftables";   // lb: "nftables" (L4 DNAT, conntrack) or "dnsdist" (a DNS-aware proxy)
    // lb: `lab run` builds the lab once per balancer listed, in order, and compares the runs
    // (empty: the one `balancer`). Each pass sets `balancer` to its entry.
    std::vector<std::string> balancers;
    std::string model, firmware;         // which box this is (recorded in the result; a bench's DUT)
    bool proxy_cache = false;            // cpe: dnsmasq caches answers (off: every query goes upstream)
    bool proxy_dnssec = true;            // cpe: dnsmasq copies the upstream's AD (--proxy-dnssec); off clears it
    std::string nxdomain_address;        // cpe: dnsmasq answers names that do not exist with it (an NXDOMAIN rewriter)
    std::optional<int> min_cache_ttl;    // cpe: dnsmasq caches and keeps records at least this long (--min-cache-ttl)
    bool proxy_wan_open = false;         // cpe: dnsmasq answers on its WAN addresses too (an open resolver)
};

struct Lab {
    std::string prefix = "dp";  // namespace and interface prefix; `lab down` removes everything with it
    bool ipv4 = true;
    bool ipv6 = true;
    // Validating resolvers started beside the probe, reaching the responder through the path:
    // "unbound", "bind", "knot-resolver", "powerdns" (Debian's unbound, bind9, knot-resolver,
    // pdns-recursor). After the plan each is asked signed names (`run --resolver`).
    std::vector<std::string> resolvers;
};

struct Profile {
    std::string source;  // the file it came from, or "<embedded>"
    std::string name;
    std::string description;
    Target target;
    Plan plan;
    std::vector<Device> devices;  // in path order, probe side first
    std::optional<Lab> lab;
};

// One problem in a profile, located for the person who wrote it.
// `message` is English; `code` and `args`, when set, let reports word it in another language:
// unknown-key {key, section, expected}, not-one-of {path, choices, value}, out-of-range {path,
// min, max, value}, wrong-type {path, expected, got}, too-many {path, count, limit}; the type
// words are "table", "table-array", "string", "integer", "boolean", "string-array",
// "integer-array", "array", "float", "date", "nothing".
struct ProfileError {
    std::string file;
    int line = 0;
    int column = 0;
    std::string message;
    std::string code;
    std::vector<std::pair<std::string, std::string>> args;
    std::string describe() const;  // "file:line:column: message"
};

// All the problems found, each with its location; `describe()` joins them one per line.
struct ProfileErrors {
    std::vector<ProfileError> errors;
    std::string describe() const;
};

Result<Profile, ProfileErrors> load_profile_file(const std::string& path);
// profiles/default.toml, built into the binary: the lab `dnspath lab run` builds with no --profile.
std::string_view default_profile_text();

Result<Profile, ProfileErrors> parse_profile(std::string_view text, const std::string& source_name);

// The plan used when no profile names one.
Plan default_plan();
std::vector<std::string> known_probe_kinds();

}  // namespace dnspath::profile
