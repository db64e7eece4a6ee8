// Lab mode: a profile's path built from network namespaces — probe host, each device in order,
// responder host — with real faults (nftables), MTUs and NAT. Planning is pure; building runs
// ip/nft/ethtool through probe/lab/process.h.
#pragma once

#include <string>
#include <vector>

#include "probe/lab/process.h"
#include "probe/profile/profile.h"

namespace dnspath::lab {

// One veth link between two neighbours on the path; index 0 is the probe's link.
struct Segment {
    int index = 0;
    std::string left_namespace, right_namespace;    // left is toward the probe
    std::string left_interface, right_interface;
    std::string left_ipv4, right_ipv4;              // without prefix length (/24)
    std::string left_ipv6, right_ipv6;              // without prefix length (/64)
};

// One namespace on the path and what runs in it.
struct Node {
    std::string name;       // "probe", a device name, or "server"
    std::string namespace_name;
    const profile::Device* device = nullptr;  // null for probe and server
};

struct Layout {
    std::string prefix;
    bool ipv4 = true, ipv6 = true;
    std::vector<Node> nodes;        // probe, devices..., server
    std::vector<Segment> segments;  // nodes.size() - 1 of them
    std::string state_dir;          // /run/dnspath-<prefix>: key, logs

    const Node& probe() const { return nodes.front(); }
    const Node& server() const { return nodes.back(); }
    std::string server_ipv4() const { return segments.back().right_ipv4; }
    std::string server_ipv6() const { return segments.back().right_ipv6; }
    // Taps for a device: its probe-side and server-side interfaces, as netns:NS/IFACE.
    std::string tap_in(std::size_t node_index) const;
    std::string tap_out(std::size_t node_index) const;
};

// Plans addresses, interfaces and namespaces for a profile; fails if it has no [lab] section.
// The layout points into `profile`'s devices, so it must not outlive the profile.
Result<Layout> plan_lab(const profile::Profile& profile);

// The nftables ruleset that gives a device its personality and faults ("" when it needs none).
std::string device_ruleset(const profile::Device& device);

// Builds the planned lab; on any failure everything already built is removed again.
Result<void> lab_up(const Layout& layout);
// Removes every namespace named <prefix>-* (and so every veth and nftables table in them) after
// stopping the processes inside. Idempotent: removing nothing is success.
Result<int> lab_down(const std::string& prefix);

}  // namespace dnspath::lab
