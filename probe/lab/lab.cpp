#include "probe/lab/lab.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

namespace dnspath::lab {
namespace {

constexpr int kPrefixLength = 24;
constexpr int kPrefixLength6 = 64;

bool is_nat(const std::string& kind) { return kind == "nat" || kind == "cgn" || kind == "cpe"; }

std::vector<std::string> existing_namespaces() {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/run/netns", error))
        names.push_back(entry.path().filename().string());
    return names;
}

Result<void> add_namespace(const std::string& name) {
    DNSPATH_TRY_VOID(run_checked({"ip", "netns", "add", name}));
    DNSPATH_TRY_VOID(run_checked(in_namespace(name, {"ip", "link", "set", "lo", "up"})));
    // No duplicate address detection: link-local addresses would stay tentative for a second
    // or two, and IPv6 neighbour discovery with them.
    for (const char* setting : {"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"})
        DNSPATH_TRY_VOID(run_checked(in_namespace(name, {"sysctl", "-q", "-w", setting})));
    return Ok{};
}

// Offloads off so captures look like the wire (no 64 KiB GSO super-packets).
Result<void> offloads_off(const std::string& ns, const std::string& interface) {
    return run_checked(in_namespace(
        ns, {"ethtool", "-K", interface, "tx", "off", "rx", "off", "gso", "off", "gro", "off", "tso", "off"}));
}

Result<void> add_addresses(const Layout& layout, const std::string& ns, const std::string& interface,
                           const std::string& v4, const std::string& v6) {
    if (layout.ipv4)
        DNSPATH_TRY_VOID(run_checked(
            in_namespace(ns, {"ip", "addr", "add", v4 + "/" + std::to_string(kPrefixLength), "dev", interface})));
    if (layout.ipv6)
        DNSPATH_TRY_VOID(run_checked(in_namespace(
            ns, {"ip", "addr", "add", v6 + "/" + std::to_string(kPrefixLength6), "dev", interface, "nodad"})));
    return Ok{};
}

// The LAN behind a load balancer: its "out" is a bridge (the L2 switch of the DNSSEC Japan lab),
// one port per responder host, so a tap on "out" sees the traffic to every backend.
Result<void> build_backend_lan(const Layout& layout, const Segment& segment) {
    const auto& lb = segment.left_namespace;
    DNSPATH_TRY_VOID(run_checked(in_namespace(lb, {"ip", "link", "add", "out", "type", "bridge"})));
    DNSPATH_TRY_VOID(add_addresses(layout, lb, "out", segment.left_ipv4, segment.left_ipv6));
    DNSPATH_TRY_VOID(offloads_off(lb, "out"));
    DNSPATH_TRY_VOID(run_checked(in_namespace(lb, {"ip", "link", "set", "out", "up"})));
    for (const auto& server : layout.servers) {
        DNSPATH_TRY_VOID(run_checked({"ip", "link", "add", server.port_interface, "netns", lb, "type", "veth", "peer",
                                      "name", "eth0", "netns", server.namespace_name}));
        DNSPATH_TRY_VOID(run_checked(in_namespace(lb, {"ip", "link", "set", server.port_interface, "master", "out"})));
        DNSPATH_TRY_VOID(offloads_off(lb, server.port_interface));
        DNSPATH_TRY_VOID(run_checked(in_namespace(lb, {"ip", "link", "set", server.port_interface, "up"})));
        DNSPATH_TRY_VOID(add_addresses(layout, server.namespace_name, "eth0", server.ipv4, server.ipv6));
        DNSPATH_TRY_VOID(offloads_off(server.namespace_name, "eth0"));
        DNSPATH_TRY_VOID(run_checked(in_namespace(server.namespace_name, {"ip", "link", "set", "eth0", "up"})));
    }
    // The virtual service address lives on the balancer itself, as on a real one.
    if (layout.ipv4)
        DNSPATH_TRY_VOID(run_checked(in_namespace(lb, {"ip", "addr", "add", std::string(kServiceIpv4) + "/32", "dev", "lo"})));
    if (layout.ipv6)
        DNSPATH_TRY_VOID(run_checked(
            in_namespace(lb, {"ip", "addr", "add", std::string(kServiceIpv6) + "/128", "dev", "lo", "nodad"})));
    return Ok{};
}

Result<void> build(const Layout& layout) {
    for (const auto& node : layout.nodes) DNSPATH_TRY_VOID(add_namespace(node.namespace_name));
    for (std::size_t i = 1; i < layout.servers.size(); ++i) DNSPATH_TRY_VOID(add_namespace(layout.servers[i].namespace_name));
    for (const auto& segment : layout.segments) {
        if (layout.load_balanced && &segment == &layout.segments.back()) {
            DNSPATH_TRY_VOID(build_backend_lan(layout, segment));
            continue;
        }
        DNSPATH_TRY_VOID(run_checked({"ip", "link", "add", segment.left_interface, "netns", segment.left_namespace,
                                      "type", "veth", "peer", "name", segment.right_interface, "netns",
                                      segment.right_namespace}));
        for (const auto& [ns, interface, v4, v6] :
             {std::tuple{segment.left_namespace, segment.left_interface, segment.left_ipv4, segment.left_ipv6},
              std::tuple{segment.right_namespace, segment.right_interface, segment.right_ipv4, segment.right_ipv6}}) {
            DNSPATH_TRY_VOID(add_addresses(layout, ns, interface, v4, v6));
            DNSPATH_TRY_VOID(offloads_off(ns, interface));
            DNSPATH_TRY_VOID(run_checked(in_namespace(ns, {"ip", "link", "set", interface, "up"})));
        }
    }
    // Routes: the probe and server point at their neighbours; a device sends everything toward
    // the server and the probe-side subnets back toward the probe.
    const auto& first = layout.segments.front();
    const auto& last = layout.segments.back();
    auto default_route = [&](const std::string& ns, const std::string& v4, const std::string& v6) -> Result<void> {
        if (layout.ipv4) DNSPATH_TRY_VOID(run_checked(in_namespace(ns, {"ip", "route", "add", "default", "via", v4})));
        if (layout.ipv6)
            DNSPATH_TRY_VOID(run_checked(in_namespace(ns, {"ip", "-6", "route", "add", "default", "via", v6})));
        return Ok{};
    };
    DNSPATH_TRY_VOID(default_route(layout.probe().namespace_name, first.right_ipv4, first.right_ipv6));
    for (const auto& server : layout.servers)
        DNSPATH_TRY_VOID(default_route(server.namespace_name, last.left_ipv4, last.left_ipv6));
    for (std::size_t k = 1; k + 1 < layout.nodes.size(); ++k) {
        const auto& ns = layout.nodes[k].namespace_name;
        const auto& left = layout.segments[k - 1];
        const auto& right = layout.segments[k];
        DNSPATH_TRY_VOID(default_route(ns, right.right_ipv4, right.right_ipv6));
        for (std::size_t j = 0; j + 1 < k; ++j) {
            if (layout.ipv4)
                DNSPATH_TRY_VOID(run_checked(in_namespace(
                    ns, {"ip", "route", "add", "198.18." + std::to_string(j) + ".0/24", "via", left.left_ipv4})));
            if (layout.ipv6)
                DNSPATH_TRY_VOID(run_checked(in_namespace(
                    ns, {"ip", "-6", "route", "add", "fd00:" + std::to_string(j) + "::/64", "via", left.left_ipv6})));
        }
        // Forwarding on; ICMP errors unlimited so a lab answers every probe the same way.
        for (const char* setting : {"net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                                    "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0"})
            DNSPATH_TRY_VOID(run_checked(in_namespace(ns, {"sysctl", "-q", "-w", setting})));
        const auto& device = *layout.nodes[k].device;
        if (device.faults.mtu) {
            // The MTU of the device's probe-side link. Its own end makes it the router that cannot
            // forward big answers toward the probe, which is where a PMTU black hole bites (see
            // the shared lab notes). The far end too when that is another router, as on a real
            // PPPoE or tunnel link, so big queries meet an ICMP error there instead of vanishing
            // on receive; the probe host keeps its 1500 so it measures the path, not its own NIC.
            const auto mtu = std::to_string(*device.faults.mtu);
            DNSPATH_TRY_VOID(run_checked(in_namespace(ns, {"ip", "link", "set", "in", "mtu", mtu})));
            if (k > 1)
                DNSPATH_TRY_VOID(run_checked(in_namespace(layout.nodes[k - 1].namespace_name,
                                                          {"ip", "link", "set", left.left_interface, "mtu", mtu})));
        }
        // A dnsdist balancer is a process (started with the responders), not a ruleset.
        const bool balances = layout.load_balanced && k + 2 == layout.nodes.size() && device.balancer == "nftables";
        auto rules = device_ruleset(device, balances ? layout.servers : std::vector<Server>{});
        if (!rules.empty()) DNSPATH_TRY_VOID(run_checked(in_namespace(ns, {"nft", "-f", "-"}), rules));
        if (device.faults.udp_timeout) {
            // Conntrack's sysctls are per namespace once the ruleset above loaded conntrack.
            for (const char* key : {"net.netfilter.nf_conntrack_udp_timeout", "net.netfilter.nf_conntrack_udp_timeout_stream"})
                DNSPATH_TRY_VOID(run_checked(in_namespace(
                    ns, {"sysctl", "-q", "-w", std::string(key) + "=" + std::to_string(*device.faults.udp_timeout)})));
        }
    }
    return Ok{};
}

// Starts each cpe's dnsmasq, detached (it lives until `lab down`), and waits until it serves.
Result<void> start_proxies(const Layout& layout) {
    for (const auto& proxy : layout.proxies) {
        const std::string& name = proxy.device->name;
        auto argv = in_namespace(proxy.namespace_name,
                                 proxy_command(proxy, layout.ipv4 ? layout.server_ipv4() : layout.server_ipv6(), layout));
        const std::string log = layout.state_dir + "/" + name + ".dnsmasq.log";
        DNSPATH_TRY(Process dnsmasq, Process::spawn(argv, {log, true}));
        bool listening = false;
        for (int i = 0; i < 100 && !listening; ++i) {
            listening = listens_on_udp_53(proxy.namespace_name).value_or(false);
            if (!listening) {
                if (!dnsmasq.running()) return fail("dnsmasq in " + name + " exited (log: " + log + ")");
                usleep(50000);
            }
        }
        if (!listening) return fail("dnsmasq in " + name + " did not listen within 5 s (log: " + log + ")");
        dnsmasq.release();
    }
    return Ok{};
}

}  // namespace

std::string Layout::server_ipv4() const { return load_balanced ? kServiceIpv4 : servers.front().ipv4; }
std::string Layout::server_ipv6() const { return load_balanced ? kServiceIpv6 : servers.front().ipv6; }

std::string Layout::tap_in(std::size_t node_index) const {
    return "netns:" + nodes[node_index].namespace_name + "/" + segments[node_index - 1].right_interface;
}

std::string Layout::tap_out(std::size_t node_index) const {
    return "netns:" + nodes[node_index].namespace_name + "/" + segments[node_index].left_interface;
}

Result<Layout> plan_lab(const profile::Profile& profile) {
    if (!profile.lab) return fail(profile.source + ": no [lab] section, so there is no lab to build");
    if (profile.devices.size() > 8) return fail(profile.source + ": a lab holds at most 8 devices");
    Layout layout;
    layout.prefix = profile.lab->prefix;
    layout.ipv4 = profile.lab->ipv4;
    layout.ipv6 = profile.lab->ipv6;
    layout.state_dir = "/run/dnspath-" + layout.prefix;
    layout.zone = profile.target.zone;
    layout.resolvers = plan_resolvers(profile.lab->resolvers);
    layout.nodes.push_back({"probe", layout.prefix + "-probe", nullptr});
    for (const auto& device : profile.devices) {
        if (device.kind == "lb" && &device != &profile.devices.back())
            return fail(profile.source + ": the load balancer '" + device.name + "' must be the last device");
        layout.nodes.push_back({device.name, layout.prefix + "-" + device.name, &device});
    }
    layout.load_balanced = !profile.devices.empty() && profile.devices.back().kind == "lb";
    layout.nodes.push_back({"server", layout.prefix + "-server", nullptr});
    for (std::size_t i = 0; i + 1 < layout.nodes.size(); ++i) {
        Segment segment;
        segment.index = static_cast<int>(i);
        segment.left_namespace = layout.nodes[i].namespace_name;
        segment.right_namespace = layout.nodes[i + 1].namespace_name;
        segment.left_interface = i == 0 ? "eth0" : "out";
        segment.right_interface = i + 2 == layout.nodes.size() ? "eth0" : "in";
        segment.left_ipv4 = "198.18." + std::to_string(i) + ".1";
        segment.right_ipv4 = "198.18." + std::to_string(i) + ".2";
        segment.left_ipv6 = "fd00:" + std::to_string(i) + "::1";
        segment.right_ipv6 = "fd00:" + std::to_string(i) + "::2";
        layout.segments.push_back(std::move(segment));
    }
    const auto& last = layout.segments.back();
    const int backends = layout.load_balanced ? profile.devices.back().backends : 1;
    for (int j = 0; j < backends; ++j) {
        Server server;
        server.namespace_name = layout.prefix + "-server" + (j == 0 ? std::string() : std::to_string(j + 1));
        server.ipv4 = "198.18." + std::to_string(last.index) + "." + std::to_string(j + 2);
        server.ipv6 = "fd00:" + std::to_string(last.index) + "::" + std::to_string(j + 2);
        server.port_interface = "b" + std::to_string(j + 1);
        layout.servers.push_back(std::move(server));
    }
    for (std::size_t k = 1; k + 1 < layout.nodes.size(); ++k)
        if (layout.nodes[k].device->kind == "cpe")
            layout.proxies.push_back({layout.nodes[k].device, layout.nodes[k].namespace_name,
                                      layout.segments[k - 1].right_ipv4, layout.segments[k - 1].right_ipv6,
                                      layout.segments[k].left_ipv4, layout.segments[k].left_ipv6});
    return layout;
}

std::vector<std::string> proxy_command(const Proxy& proxy, const std::string& upstream, const Layout& layout) {
    const profile::Device& device = *proxy.device;
    const std::string& state_dir = layout.state_dir;
    std::vector<std::string> argv{"dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--port=53",
                                  "--bind-interfaces", "--user=root", "--log-facility=-",
                                  "--pid-file=" + state_dir + "/" + device.name + ".dnsmasq.pid",
                                  "--server=" + upstream,
                                  device.proxy_cache || device.min_cache_ttl ? "--cache-size=150" : "--cache-size=0"};
    // Copies the upstream's AD bit through, as a transparent proxy does; without it dnsmasq clears
    // AD (the header-bits fault SAC035 found in home routers).
    if (device.proxy_dnssec) argv.push_back("--proxy-dnssec");
    argv.push_back("--listen-address=" + proxy.ipv4);
    argv.push_back("--listen-address=" + proxy.ipv6);
    // An open resolver: the proxy answers the Internet side as well (what proxy-wan-open finds).
    if (device.proxy_wan_open) {
        argv.push_back("--listen-address=" + proxy.wan_ipv4);
        argv.push_back("--listen-address=" + proxy.wan_ipv6);
    }
    if (device.edns_packet_max) argv.push_back("--edns-packet-max=" + std::to_string(*device.edns_packet_max));
    // A cache that keeps records longer than their TTL (raised TTLs, stale records).
    if (device.min_cache_ttl) argv.push_back("--min-cache-ttl=" + std::to_string(*device.min_cache_ttl));
    // An NXDOMAIN rewriter: the probe's names that do not exist (the nx label, next to the zone)
    // answered with this address by dnsmasq itself, as an ISP's "search helper" answers typos.
    if (!device.nxdomain_address.empty()) {
        std::string zone = layout.zone;
        if (!zone.empty() && zone.back() == '.') zone.pop_back();
        argv.push_back("--address=/nx." + zone + "/" + device.nxdomain_address);
    }
    return argv;
}

std::string device_ruleset(const profile::Device& device, const std::vector<Server>& backends) {
    const auto& faults = device.faults;
    std::ostringstream early, forward, output, nat;
    // Fragment rules run before conntrack (priority -400) would reassemble the fragments.
    if (faults.drop_ipv4_fragments == "non-first") early << "    ip frag-off & 0x1fff != 0 drop\n";
    if (faults.drop_ipv4_fragments == "all") early << "    ip frag-off & 0x3fff != 0 drop\n";
    if (faults.drop_ipv6_fragments) early << "    exthdr frag exists drop\n";
    // Faults for one family only match its packets (a DNS guard configured for IPv4 alone).
    const std::string only = faults.family == "ipv4" ? "meta nfproto ipv4 " : faults.family == "ipv6" ? "meta nfproto ipv6 " : "";
    if (faults.udp_size_cap) forward << "    " << only << "udp sport 53 udp length > " << *faults.udp_size_cap + 8 << " drop\n";
    if (faults.tcp53 == "drop") forward << "    " << only << "tcp dport 53 drop\n";
    if (faults.tcp53 == "reset") forward << "    " << only << "tcp dport 53 reject with tcp reset\n";
    if (faults.tcp853 == "drop") forward << "    " << only << "tcp dport 853 drop\n";
    if (faults.tcp853 == "reset") forward << "    " << only << "tcp dport 853 reject with tcp reset\n";
    if (faults.loss_percent) forward << "    " << only << "numgen random mod 100 < " << *faults.loss_percent << " drop\n";
    if (faults.state_limit)
        forward << "    " << only << "meta l4proto udp ct state new ct count over " << *faults.state_limit << " drop\n";
    if (faults.rate_limit) forward << "    " << only << "udp dport 53 limit rate over " << *faults.rate_limit << "/second drop\n";
    if (faults.drop_icmp_too_big) {
        const auto& family = faults.drop_icmp_too_big_family;
        for (auto* chain : {&forward, &output}) {
            if (family != "ipv6") *chain << "    icmp type destination-unreachable icmp code frag-needed drop\n";
            if (family != "ipv4") *chain << "    icmpv6 type packet-too-big drop\n";
        }
    }
    if (is_nat(device.kind)) nat << "    oifname \"out\" masquerade\n";
    std::ostringstream prerouting;
    // A CPE that intercepts DNS: every port-53 query from the LAN lands on its own dnsmasq,
    // whatever server the client asked.
    if (device.kind == "cpe" && device.intercept_dns)
        prerouting << "    iifname \"in\" meta l4proto { udp, tcp } th dport 53 redirect to :53\n";
    std::ostringstream chains;
    auto chain = [&](const char* name, const char* hook, int priority, const std::ostringstream& body) {
        if (body.str().empty()) return;
        chains << "  chain " << name << " {\n    type filter hook " << hook << " priority " << priority
              << "; policy accept;\n"
              << body.str() << "  }\n";
    };
    chain("early", "prerouting", -500, early);
    chain("forward", "forward", 0, forward);
    chain("output", "output", 0, output);
    std::string filter_chains = chains.str();
    std::string out;
    if (!filter_chains.empty()) out += "table inet dnspath {\n" + filter_chains + "}\n";
    if (!nat.str().empty() || !prerouting.str().empty()) {
        out += "table inet dnspath_nat {\n";
        if (!prerouting.str().empty())
            out += "  chain prerouting {\n    type nat hook prerouting priority -100; policy accept;\n" +
                   prerouting.str() + "  }\n";
        if (!nat.str().empty())
            out += "  chain postrouting {\n    type nat hook postrouting priority 100; policy accept;\n" + nat.str() +
                   "  }\n";
        out += "}\n";
    }
    if (!backends.empty()) {
        // A stateful L4 balancer as kube-proxy's nftables mode builds one: DNAT of each new flow
        // to the next backend (numgen inc), conntrack keeps a flow on its backend and un-NATs the
        // answers. The client's address is kept, so the servers see who asked.
        for (const auto& [family, vip, is_v6] :
             {std::tuple{"ip", kServiceIpv4, false}, std::tuple{"ip6", kServiceIpv6, true}}) {
            out += std::string("table ") + family + " dnspath_lb {\n  chain prerouting {\n"
                   "    type nat hook prerouting priority -100; policy accept;\n    " + family + " daddr " + vip +
                   " meta l4proto { udp, tcp } th dport 53 dnat to numgen inc mod " + std::to_string(backends.size()) +
                   " map { ";
            for (std::size_t j = 0; j < backends.size(); ++j)
                out += (j ? ", " : "") + std::to_string(j) + " : " + (is_v6 ? backends[j].ipv6 : backends[j].ipv4);
            out += " }\n  }\n}\n";
        }
    }
    return out;
}

std::string dnsdist_config(const Layout& layout) {
    std::ostringstream out;
    out << "-- dnspath lab: a DNS-aware load balancer in front of the responders\n";
    if (layout.ipv4) out << "setLocal(\"" << kServiceIpv4 << ":53\")\n";
    if (layout.ipv6) out << (layout.ipv4 ? "addLocal" : "setLocal") << "(\"[" << kServiceIpv6 << "]:53\")\n";
    out << "setACL({\"0.0.0.0/0\", \"::/0\"})\n";
    for (std::size_t i = 0; i < layout.servers.size(); ++i) {
        const auto& server = layout.servers[i];
        const std::string address = layout.ipv4 ? server.ipv4 + ":53" : "[" + server.ipv6 + "]:53";
        out << "newServer({address=\"" << address << "\", name=\"server" << i + 1 << "\", checkInterval=1})\n";
    }
    out << "setServerPolicy(roundrobin)\n";
    return out.str();
}

// Waits until the probe reaches the server over each family, so the first probes are not spent on
// neighbour discovery (IPv6 takes a retransmit, about a second, on fresh veths).
void wait_until_connected(const Layout& layout) {
    std::vector<std::vector<std::string>> pings;
    std::vector<std::pair<std::string, std::string>> addresses;
    for (const auto& server : layout.servers) addresses.emplace_back(server.ipv4, server.ipv6);
    for (const auto& [v4, v6] : addresses) {
        if (layout.ipv4) pings.push_back({"ping", "-4", "-c", "1", "-W", "1", v4});
        if (layout.ipv6) pings.push_back({"ping", "-6", "-c", "1", "-W", "1", v6});
    }
    for (const auto& ping : pings) {
        for (int attempt = 0; attempt < 5; ++attempt) {
            auto result = run_command(in_namespace(layout.probe().namespace_name, ping));
            if (result && result->exit_code == 0) break;
        }
    }
}

Result<void> lab_up(const Layout& layout) {
    // Leftovers of a crashed run with the same prefix would make `ip netns add` fail.
    DNSPATH_TRY_VOID(lab_down(layout.prefix));
    std::error_code error;
    std::filesystem::create_directories(layout.state_dir, error);
    if (error) return fail("cannot create " + layout.state_dir + ": " + error.message());
    auto built = build(layout);
    if (built) built = start_proxies(layout);
    if (!built) {
        (void)lab_down(layout.prefix);
        return built;
    }
    wait_until_connected(layout);
    return Ok{};
}

Result<int> lab_down(const std::string& prefix) {
    int removed = 0;
    const std::string mark = prefix + "-";
    // A bench's interfaces go home first (after a SIGKILL this is the only way they come back).
    std::ifstream moved("/run/dnspath-" + prefix + "/" + kMovedInterfacesFile);
    for (std::string interface, namespace_name, mtu, state; moved >> interface >> namespace_name >> mtu >> state;) {
        if (namespace_name.rfind(mark, 0) != 0) continue;  // only out of this prefix's namespaces
        (void)run_command({"ip", "-n", namespace_name, "link", "set", interface, "netns", "1"});
        (void)run_command({"ip", "link", "set", interface, "mtu", mtu});
        (void)run_command({"ip", "link", "set", interface, state});
    }
    for (const auto& name : existing_namespaces()) {
        if (name.rfind(mark, 0) != 0) continue;
        // Stop what runs inside first, or the namespace lingers until those processes exit.
        if (auto pids = run_command({"ip", "netns", "pids", name}); pids && pids->exit_code == 0) {
            std::istringstream list(pids->output);
            for (pid_t pid; list >> pid;) kill(pid, SIGTERM);
            std::istringstream again(pids->output);
            // The daemons this process started (and released) are its children: once they exit
            // they must be reaped, or kill(pid, 0) keeps finding the zombie for the whole second.
            auto gone = [](pid_t pid) { return waitpid(pid, nullptr, WNOHANG) == pid || kill(pid, 0) != 0; };
            for (pid_t pid; again >> pid;) {
                for (int i = 0; i < 50 && !gone(pid); ++i) usleep(20000);
                if (gone(pid)) continue;
                kill(pid, SIGKILL);
                waitpid(pid, nullptr, WNOHANG);
            }
        }
        DNSPATH_TRY_VOID(run_checked({"ip", "netns", "del", name}));
        ++removed;
    }
    std::error_code error;
    std::filesystem::remove_all("/run/dnspath-" + prefix, error);
    return removed;
}

}  // namespace dnspath::lab
