// Correlation and attribution: find each probe's query and answer at every tap (by the probe id in
// the query name, so NAT and proxies that rewrite addresses, ports and DNS ids do not hide it;
// IP fragments reassembled per tap, TCP per flow), then blame the first segment of the path where
// a message went missing or changed on the device between those two taps.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capture/tap.h"
#include "probe/wire/name.h"
#include "reports/report.h"

namespace dnspath::capture {

// One DNS message of a probe as one tap saw it.
struct Sighting {
    std::string probe_id;  // the query name's first label
    bool answer = false;
    std::uint64_t frame = 0;  // the frame that completed it (the last fragment or segment)
    std::size_t dns_size = 0;
    bool tcp = false;
    bool tc = false;
    bool opt = false;
    std::uint16_t udp_size = 0;
    bool dnssec_ok = false;
    int rrsigs = 0;
    int fragments = 1;
    std::string source;  // address:port as seen at this tap (a NAT changes it)
};

// A TCP connection's handshake as one tap saw it, keyed by the client's initial sequence number,
// which NAT keeps (ports and addresses it does not).
struct TcpHandshake {
    std::uint64_t syn_frame = 0, syn_ack_frame = 0, reset_frame = 0;
};

struct TapSightings {
    std::string tap;
    bool lost_packets = false;
    std::size_t frames = 0;
    std::size_t undecodable = 0;  // DNS-port payloads that did not decode (counted, never fatal)
    std::multimap<std::string, Sighting> by_probe;
    std::map<std::uint32_t, TcpHandshake> handshakes;        // by the client's ISN
    std::map<std::string, std::uint32_t> isn_by_client;      // "address:port" of a SYN's sender → ISN
};

// Every probe message a tap saw. Only names below `zone` count.
TapSightings observe(const TapCapture& capture, const wire::Name& zone);

// A device on the path and its two taps (probe side, server side); either may be missing.
struct DeviceTaps {
    std::string device;
    std::optional<std::size_t> in;   // index into the sightings list
    std::optional<std::size_t> out;
};

struct Attribution {
    std::string probe_id;
    std::optional<std::string> device;  // null when the loss is between devices or outside the taps
    std::string finding;                // "dropped the answer", "cleared DO", … ("" if nothing went wrong)
    std::optional<std::string> translated_by;  // the device where the query's source address changed (NAT)
    std::vector<std::string> evidence;  // which taps saw what, with frame numbers
};

// Attributes the fate of each probe in `probes` (a run's records). `taps` holds the sightings of
// every tap named in `path`.
std::vector<Attribution> attribute(const std::vector<DeviceTaps>& path, const std::vector<TapSightings>& taps,
                                   const std::vector<reports::ProbeRecord>& probes);

// Names devices in the result's failing and warning verdicts from the attributions of the probes
// their evidence cites (for the nat checkpoint: the device that translated), and adds the capture
// evidence. A verdict whose probes point at different
// devices, or at none, keeps device = null and says why.
void apply_attributions(reports::RunResult& result, const std::vector<Attribution>& attributions);

}  // namespace dnspath::capture
