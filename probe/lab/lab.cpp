#include "probe/lab/lab.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

namespace dnspath::lab {
namespace {

constexpr int kPrefixLength = 24;
constexpr int kPrefixLength6 = 64;

std::vector<std::string> in_namespace(const std::string& ns, std::vector<std::string> argv) {
    std::vector<std::string> full{"ip", "netns", "exec", ns};
    full.insert(full.end(), argv.begin(), argv.end());
    return full;
}

// Not every device kind is built yet; say so instead of building something else.
bool kind_supported(const std::string& kind) {
    return kind == "router" || kind == "nat" || kind == "cgn" || kind == "firewall";
}

bool is_nat(const std::string& kind) { return kind == "nat" || kind == "cgn" || kind == "cpe"; }

std::vector<std::string> existing_namespaces() {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/run/netns", error))
        names.push_back(entry.path().filename().string());
    return names;
}

Result<void> build(const Layout& layout) {
    for (const auto& node : layout.nodes) {
        DNSPATH_TRY_VOID(run_checked({"ip", "netns", "add", node.namespace_name}));
        DNSPATH_TRY_VOID(run_checked(in_namespace(node.namespace_name, {"ip", "link", "set", "lo", "up"})));
        // No duplicate address detection: link-local addresses would stay tentative for a second
        // or two, and IPv6 neighbour discovery with them.
        for (const char* setting : {"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"})
            DNSPATH_TRY_VOID(run_checked(in_namespace(node.namespace_name, {"sysctl", "-q", "-w", setting})));
    }
    for (const auto& segment : layout.segments) {
        DNSPATH_TRY_VOID(run_checked({"ip", "link", "add", segment.left_interface, "netns", segment.left_namespace,
                                      "type", "veth", "peer", "name", segment.right_interface, "netns",
                                      segment.right_namespace}));
        for (const auto& [ns, interface, v4, v6] :
             {std::tuple{segment.left_namespace, segment.left_interface, segment.left_ipv4, segment.left_ipv6},
              std::tuple{segment.right_namespace, segment.right_interface, segment.right_ipv4, segment.right_ipv6}}) {
            if (layout.ipv4)
                DNSPATH_TRY_VOID(run_checked(in_namespace(
                    ns, {"ip", "addr", "add", v4 + "/" + std::to_string(kPrefixLength), "dev", interface})));
            if (layout.ipv6)
                DNSPATH_TRY_VOID(run_checked(in_namespace(
                    ns, {"ip", "addr", "add", v6 + "/" + std::to_string(kPrefixLength6), "dev", interface, "nodad"})));
            // Offloads off so captures look like the wire (no 64 KiB GSO super-packets).
            DNSPATH_TRY_VOID(run_checked(in_namespace(
                ns, {"ethtool", "-K", interface, "tx", "off", "rx", "off", "gso", "off", "gro", "off", "tso", "off"})));
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
    DNSPATH_TRY_VOID(default_route(layout.server().namespace_name, last.left_ipv4, last.left_ipv6));
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
        if (device.faults.mtu)
            // The probe-side interface: a router that cannot forward big packets toward the probe,
            // which is where a PMTU black hole bites answers (see shared lab notes).
            DNSPATH_TRY_VOID(run_checked(
                in_namespace(ns, {"ip", "link", "set", "in", "mtu", std::to_string(*device.faults.mtu)})));
        auto rules = device_ruleset(device);
        if (!rules.empty()) DNSPATH_TRY_VOID(run_checked(in_namespace(ns, {"nft", "-f", "-"}), rules));
    }
    return Ok{};
}

}  // namespace

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
    layout.nodes.push_back({"probe", layout.prefix + "-probe", nullptr});
    for (const auto& device : profile.devices) {
        if (!kind_supported(device.kind))
            return fail(profile.source + ": device '" + device.name + "' is of kind '" + device.kind +
                        "', which the lab cannot build yet (router, nat, cgn and firewall work)");
        layout.nodes.push_back({device.name, layout.prefix + "-" + device.name, &device});
    }
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
    return layout;
}

std::string device_ruleset(const profile::Device& device) {
    const auto& faults = device.faults;
    std::ostringstream early, forward, output, nat;
    // Fragment rules run before conntrack (priority -400) would reassemble the fragments.
    if (faults.drop_ipv4_fragments == "non-first") early << "    ip frag-off & 0x1fff != 0 drop\n";
    if (faults.drop_ipv4_fragments == "all") early << "    ip frag-off & 0x3fff != 0 drop\n";
    if (faults.drop_ipv6_fragments) early << "    exthdr frag exists drop\n";
    if (faults.udp_size_cap) forward << "    udp sport 53 udp length > " << *faults.udp_size_cap + 8 << " drop\n";
    if (faults.tcp53 == "drop") forward << "    tcp dport 53 drop\n";
    if (faults.tcp53 == "reset") forward << "    tcp dport 53 reject with tcp reset\n";
    if (faults.loss_percent) forward << "    numgen random mod 100 < " << *faults.loss_percent << " drop\n";
    if (faults.state_limit) forward << "    meta l4proto udp ct state new ct count over " << *faults.state_limit << " drop\n";
    if (faults.drop_icmp_too_big) {
        for (auto* chain : {&forward, &output}) {
            *chain << "    icmp type destination-unreachable icmp code frag-needed drop\n";
            *chain << "    icmpv6 type packet-too-big drop\n";
        }
    }
    if (is_nat(device.kind)) nat << "    oifname \"out\" masquerade\n";
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
    if (!nat.str().empty())
        out += "table inet dnspath_nat {\n  chain postrouting {\n    type nat hook postrouting priority 100; policy accept;\n" +
               nat.str() + "  }\n}\n";
    return out;
}

// Waits until the probe reaches the server over each family, so the first probes are not spent on
// neighbour discovery (IPv6 takes a retransmit, about a second, on fresh veths).
void wait_until_connected(const Layout& layout) {
    std::vector<std::vector<std::string>> pings;
    if (layout.ipv4) pings.push_back({"ping", "-4", "-c", "1", "-W", "1", layout.server_ipv4()});
    if (layout.ipv6) pings.push_back({"ping", "-6", "-c", "1", "-W", "1", layout.server_ipv6()});
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
    auto built = build(layout);
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
    for (const auto& name : existing_namespaces()) {
        if (name.rfind(mark, 0) != 0) continue;
        // Stop what runs inside first, or the namespace lingers until those processes exit.
        if (auto pids = run_command({"ip", "netns", "pids", name}); pids && pids->exit_code == 0) {
            std::istringstream list(pids->output);
            for (pid_t pid; list >> pid;) kill(pid, SIGTERM);
            std::istringstream again(pids->output);
            for (pid_t pid; again >> pid;) {
                for (int i = 0; i < 50 && kill(pid, 0) == 0; ++i) usleep(20000);
                kill(pid, SIGKILL);
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
