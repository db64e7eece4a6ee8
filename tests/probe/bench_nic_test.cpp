// Whether the bench may take a NIC, on `ip -j` output as a Debian host shows it: what the DUT on
// the cable handed it (SLAAC from its RA, a DHCP lease) does not make it "in use"; an address or a
// route set by hand does.
#include <gtest/gtest.h>

#include "probe/lab/bench.h"

namespace dnspath::lab {
namespace {

// A NIC cabled to a home router's LAN port, as the kernel left it after the router's RA and a
// DHCP client's lease (dhclient-script adds its default route with protocol boot).
const char* kAutoconfigured = R"([{"ifname":"enp1s0","addr_info":[
  {"family":"inet","local":"192.168.1.23","prefixlen":24,"scope":"global","dynamic":true,"valid_life_time":86380,"preferred_life_time":86380},
  {"family":"inet6","local":"fd00:77::5054:ff:fe12:3456","prefixlen":64,"scope":"global","dynamic":true,"mngtmpaddr":true,"valid_life_time":86395,"preferred_life_time":14395},
  {"family":"inet6","local":"fe80::5054:ff:fe12:3456","prefixlen":64,"scope":"link","valid_life_time":4294967295,"preferred_life_time":4294967295}]}])";
const char* kAutoconfiguredRoutes = R"([
  {"dst":"default","gateway":"192.168.1.1","protocol":"boot","flags":[]},
  {"dst":"192.168.1.0/24","protocol":"kernel","scope":"link","prefsrc":"192.168.1.23","flags":[]},
  {"dst":"fd00:77::/64","protocol":"ra","metric":100,"flags":[]},
  {"dst":"fe80::/64","protocol":"kernel","metric":256,"flags":[]},
  {"dst":"default","gateway":"fe80::1","protocol":"ra","metric":1024,"flags":[]}])";

TEST(BenchNic, WhatTheDutHandedTheNicLeavesItFree) {
    EXPECT_EQ(configured_by_hand(kAutoconfigured, kAutoconfiguredRoutes), "");
}

TEST(BenchNic, AnAddressOrARouteSetByHandMakesItInUse) {
    const char* by_hand = R"([{"ifname":"enp1s0","addr_info":[
      {"family":"inet","local":"198.18.250.1","prefixlen":24,"scope":"global","valid_life_time":4294967295,"preferred_life_time":4294967295}]}])";
    EXPECT_EQ(configured_by_hand(by_hand, "[]"), "198.18.250.1/24");
    // A route over another gateway than the lease's router, on a NIC that is otherwise the DUT's.
    const char* other = R"([{"dst":"10.0.0.0/8","gateway":"192.168.7.1","protocol":"static","flags":[]}])";
    EXPECT_EQ(configured_by_hand(kAutoconfigured, other), "route 10.0.0.0/8 via 192.168.7.1 proto static");
    // Output that cannot be read is no licence to take the NIC.
    EXPECT_EQ(configured_by_hand("not json", "[]"), "its addresses and routes could not be read");
}

}  // namespace
}  // namespace dnspath::lab
