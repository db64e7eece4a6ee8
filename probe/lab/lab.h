// Lab mode: a profile's path built from network namespaces — probe host, each device in order,
// responder host — with real faults (nftables), MTUs and NAT. Planning is pure; building runs
// ip/nft/ethtool through probe/lab/process.h.
#pragma once

#include <string>
#include <vector>

#include "probe/lab/bench.h"
#include "probe/lab/process.h"
#include "probe/lab/reproduce.h"
#include "probe/profile/profile.h"
#include "probe/run/run.h"

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

// A responder host. Behind a load balancer there are several on one bridged LAN.
struct Server {
    std::string namespace_name;
    std::string ipv4, ipv6;
    std::string port_interface;  // behind a load balancer: its bridge port in the lb namespace
};

// A cpe's DNS proxy (dnsmasq), listening on the device's LAN addresses.
struct Proxy {
    const profile::Device* device = nullptr;  // the cpe, in the profile the layout points into
    std::string namespace_name;
    std::string ipv4, ipv6;          // its LAN side, where its proxy listens
    std::string wan_ipv4, wan_ipv6;  // its WAN side: where an outsider would ask it (proxy-wan-open)
};

// A validating resolver in the probe namespace ("unbound", "bind", "knot-resolver", "powerdns"),
// listening on its own loopback address.
struct LabResolver {
    std::string software;
    std::string address;  // 127.0.0.11 .. 127.0.0.14, one per software
};

struct Layout {
    std::string prefix;
    bool ipv4 = true, ipv6 = true;
    std::vector<Node> nodes;        // probe, devices..., server (the first one behind a load balancer)
    std::vector<Segment> segments;  // nodes.size() - 1 of them
    std::vector<Server> servers;    // one, or a load balancer's backends
    std::vector<Proxy> proxies;     // one per cpe device
    std::vector<LabResolver> resolvers;  // [lab] resolvers, beside the probe
    bool load_balanced = false;     // the last device is an lb: the probe asks its virtual address
    std::string state_dir;          // /run/dnspath-<prefix>: key, logs
    std::string zone;               // the responder's zone (a cpe's NXDOMAIN rewriting matches below it)

    const Node& probe() const { return nodes.front(); }
    const Node& server() const { return nodes.back(); }
    // What the probe asks: the server, or the load balancer's virtual service address.
    std::string server_ipv4() const;
    std::string server_ipv6() const;
    // Taps for a device: its probe-side and server-side interfaces, as netns:NS/IFACE.
    std::string tap_in(std::size_t node_index) const;
    std::string tap_out(std::size_t node_index) const;
};

// Plans addresses, interfaces and namespaces for a profile; fails if it has no [lab] section.
// The layout points into `profile`'s devices, so it must not outlive the profile.
Result<Layout> plan_lab(const profile::Profile& profile);

// The virtual service address of a load balancer (on its loopback; the devices route it onward).
inline constexpr const char* kServiceIpv4 = "198.18.100.53";
inline constexpr const char* kServiceIpv6 = "fd00:100::53";

// The nftables ruleset that gives a device its personality and faults ("" when it needs none);
// `backends` are the responders behind a load balancer.
std::string device_ruleset(const profile::Device& device, const std::vector<Server>& backends = {});
// dnsdist's configuration for a load balancer of kind "dnsdist": the service addresses, the
// backends round robin, health checks every second.
std::string dnsdist_config(const Layout& layout);
// The dnsmasq command line of a cpe's proxy, forwarding to `upstream`.
std::vector<std::string> proxy_command(const Proxy& proxy, const std::string& upstream, const Layout& layout);

// The resolvers a profile names, each on its fixed loopback address.
std::vector<LabResolver> plan_resolvers(const std::vector<std::string>& software);
// How a lab resolver starts: the files to write into `dir` (configuration, root hints naming
// `upstream`) and its command line, foreground. `ds_text` is the zone's DS as the responder wrote it.
struct ResolverLaunch {
    std::vector<std::pair<std::string, std::string>> files;  // path, contents
    std::vector<std::string> argv;
};
ResolverLaunch resolver_launch(const LabResolver& resolver, const std::string& dir, const std::string& zone,
                               const std::string& ds_text, const std::string& upstream);
// Starts the layout's resolvers in the probe namespace once the responders serve.
Result<void> start_resolvers(const Layout& layout, const std::string& zone);
// Resolvers started in any namespace (a bench's home side): each on its loopback address there,
// anchored on `state_dir`/ds, every name asked of `upstream` (the responder, across the path).
struct ResolverStart {
    std::string namespace_name;
    std::vector<LabResolver> resolvers;
    std::string state_dir, zone, upstream;
};
Result<void> start_resolvers(const ResolverStart& start);

// Builds the planned lab; on any failure everything already built is removed again.
Result<void> lab_up(const Layout& layout);
// Removes every namespace named <prefix>-* (and so every veth and nftables table in them) after
// stopping the processes inside. Idempotent: removing nothing is success.
Result<int> lab_down(const std::string& prefix);

// A responder started detached in a namespace, sharing the state folder's probe key and zone key.
struct ResponderStart {
    std::string namespace_name;
    std::vector<std::string> listen;  // addresses
    std::string state_dir, zone, executable, id, log;
    // Also answer on model::kAltDnsPort, and DNS over TLS on model::kDotPort (not behind a
    // balancer, which forwards port 53 only).
    bool alt_port = true;
};
Result<void> start_responder(const ResponderStart& start);

// A lab brought up whole for a run: namespaces and faults built, a fresh key in its state folder,
// a responder serving in each server namespace. The destructor tears the lab down unless `keep`
// was called (`lab up` leaves it for `lab down`), so no error path leaves a lab behind.
class LabSession {
public:
    // `executable`: the dnspath binary the responders run as (`respond`).
    static Result<LabSession> start(const profile::Profile& profile, const std::string& executable);
    LabSession(LabSession&& other) noexcept;
    LabSession& operator=(LabSession&&) = delete;
    ~LabSession();

    const Layout& layout() const { return layout_; }
    std::string key_path() const;
    // `request` made to probe this lab: its targets, the first cpe's proxy, the baseline behind a
    // balancer, port, key and resolvers, and taps on both sides of every device.
    run::RunRequest run_request(run::RunRequest request) const;
    void keep() { armed_ = false; }
    // The responders no longer listening on port 53 in their namespace, each as its id
    // ("server1") and its log: a run whose far end died measured nothing after that, and must
    // not be read as the path's doing.
    std::vector<std::pair<std::string, std::string>> responders_gone() const;

private:
    explicit LabSession(Layout layout) : layout_(std::move(layout)) {}
    Layout layout_;
    bool armed_ = true;
};

}  // namespace dnspath::lab

#include "probe/lab/runs.h"
