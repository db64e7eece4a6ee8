// Bench mode: a real device under test (DUT) cabled between two of this machine's interfaces.
// This machine plays the ISP on the WAN side (a namespace with the responder, DHCP from dnsmasq,
// router advertisements from radvd, DHCPv6 with prefix delegation from Kea) and the home on the
// LAN side (a namespace that takes its address from the DUT's DHCP and runs the probe). Included
// through probe/lab/lab.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "probe/lab/process.h"
#include "probe/run/run.h"

namespace dnspath::lab {

struct BenchOptions {
    std::string lan, wan;          // this machine's interfaces; either may be empty (one side only)
    std::string uplink = "dhcp";   // dhcp: dnsmasq hands the DUT an address; static: the DUT is set by hand
    std::optional<int> wan_mtu;    // e.g. 1454, PPPoE's
    bool force = false;            // take interfaces that have addresses or routes
    std::string lan_address;       // "ADDR/LEN": static LAN side instead of the DUT's DHCP
    std::string lan_gateway, lan_dns;
    int delegated_length = 56;     // DHCPv6-PD: the length of the prefix delegated to the DUT
    std::vector<std::string> resolvers;  // validating resolvers on the home side ("unbound", …)
    std::string prefix = "dpb";
    std::string zone = "probe.dnspath.test.";
};

// The bench's fixed ISP-side addresses: the responder and the DUT's gateway and DNS server.
inline constexpr const char* kBenchWanIpv4 = "198.18.200.1";
inline constexpr const char* kBenchWanIpv6 = "fd00:200::1";
// DHCPv6-PD delegates prefixes from this /40, of BenchOptions::delegated_length each.
inline constexpr const char* kBenchDelegationPool = "fd00:7700::";
// A static uplink gives the DUT this WAN address (gateway and DNS kBenchWanIpv4).
inline constexpr const char* kBenchDutStaticIpv4 = "198.18.200.2";

// What the bench learned and built: the facts a report and the run need.
struct BenchFacts {
    std::string wan_namespace, lan_namespace;  // "" for a side not benched
    std::string lan_ipv4;       // the LAN side's address, "ADDR/LEN"
    std::string lan_ipv6;       // a global address the DUT's RA gave the LAN side, or ""
    std::string gateway;        // the DUT's LAN address (its default route)
    std::string dut_dns;        // the DNS server the DUT hands its LAN: its proxy
    std::string dut_wan_lease;  // the address dnsmasq leased to the DUT's WAN, or ""
    std::string dut_wan_ipv6;   // the address Kea leased to the DUT's WAN (IA_NA), or ""
    std::string delegated_prefix, delegated_via;  // the prefix delegated to the DUT (IA_PD), routed via
    std::vector<std::string> resolvers;  // "NAME=ADDRESS", started on the home side, resolving through the DUT
    std::string state_dir;
};

// A bench brought up for one run; the destructor stops everything and moves the interfaces back
// to this namespace with their MTU and link state as they were.
class BenchSession {
public:
    static Result<BenchSession> start(const BenchOptions& options, const std::string& executable);
    BenchSession(BenchSession&& other) noexcept;
    BenchSession& operator=(BenchSession&&) = delete;
    ~BenchSession();

    const BenchFacts& facts() const { return facts_; }
    std::string key_path() const { return facts_.state_dir + "/key"; }
    // `request` made to test the DUT `dut_name`: the responder (route mode), the DUT's DNS (proxy
    // mode), the key, the resolvers in the home, how the bench numbered it, and taps on the LAN and
    // WAN interfaces naming it.
    run::RunRequest run_request(run::RunRequest request, const std::string& dut_name) const;
    // The WAN-side tap as netns:NS/IFACE ("" without a WAN side): `--wan` alone captures on it.
    std::string wan_tap() const;

private:
    explicit BenchSession(BenchOptions options) : options_(std::move(options)) {}
    Result<void> take(const std::string& interface, const std::string& namespace_name);
    Result<void> build_wan(const std::string& executable);
    Result<void> start_ipv6_isp();
    Result<void> build_lan();
    void read_dhcpv6_leases();
    Result<void> route_home_back();
    Result<void> start_home_resolvers();
    void restore();
    BenchOptions options_;
    BenchFacts facts_;
    bool armed_ = true;
};

// The state folder's list of interfaces a bench moved into its namespaces, one "IFACE NAMESPACE
// MTU up|down" line each: `lab down` moves them back with their MTU and link state before it
// removes the namespaces, so a veth is not destroyed with them nor a NIC left without its MTU.
inline constexpr const char* kMovedInterfacesFile = "moved-interfaces";
// The state folder's record of prefixes delegated to the DUT: "PREFIX/LEN VIA" per delegation,
// "PREFIX/LEN -" when one is withdrawn (written by Kea's hook, read by the bench).
inline constexpr const char* kDelegationsFile = "delegations";

// Why an interface may not be taken: its addresses and routes ("" when it is free). What the DUT
// on its cable handed it (SLAAC addresses and routes from its RA, a DHCP lease: addresses with a
// lifetime, routes of protocol ra, dhcp or kernel, a route via the lease's router) does not count:
// every Debian host takes those from a home router's LAN port before the bench starts. An address
// set by hand, or a route over another gateway, does.
std::string interface_in_use(const std::string& interface);
// The same judgement on `ip -j addr show dev IF` and `ip -j route show dev IF` output (both
// families' routes in one array), for tests.
std::string configured_by_hand(const std::string& addresses_json, const std::string& routes_json);

}  // namespace dnspath::lab
