// Reading taps: every frame dissected, IP fragments reassembled and TCP streams followed per tap,
// each DNS message of the run scanned once (capture/dns_scan.h) and kept as a Sighting under its
// probe id; ICMP errors kept under the probe id of the packet they quote.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "capture/capture_file.h"
#include "capture/correlate.h"
#include "capture/dns_scan.h"
#include "capture/pcap_file.h"

namespace dnspath::capture {
namespace {

constexpr std::size_t kMaxStreamBuffer = 1 << 17;  // per direction, reassembled and waiting together
constexpr std::size_t kMaxPendingDatagrams = 4096;  // bounded memory under a fragment flood
constexpr std::size_t kRecentQueries = 1024;
constexpr std::size_t kMaxMessages = std::size_t{1} << 31;

std::size_t mix(std::size_t seed, std::size_t value) {
    return seed ^ (value + 0x9e3779b97f4a7c15ull + (seed << 6) + (seed >> 2));
}

std::size_t hash_address(const IpAddress& address) {
    std::size_t h = address.length;
    for (std::size_t i = 0; i < address.length; i += 4)
        h = mix(h, static_cast<std::size_t>(address.bytes[i]) << 24 | address.bytes[i + 1] << 16 |
                       address.bytes[i + 2] << 8 | address.bytes[i + 3]);
    return h;
}

// One IP datagram being reassembled: source, destination, identification and protocol.
struct DatagramKey {
    IpAddress source, destination;
    std::uint32_t id = 0;
    std::uint8_t protocol = 0;
    bool operator==(const DatagramKey&) const = default;
};
struct DatagramKeyHash {
    std::size_t operator()(const DatagramKey& key) const {
        return mix(mix(hash_address(key.source), hash_address(key.destination)), key.id << 8 | key.protocol);
    }
};

// One direction of a TCP connection, or one DNS client's query awaiting its answer.
struct FlowKey {
    Address from, to;
    std::uint16_t dns_id = 0;
    bool operator==(const FlowKey&) const = default;
};
struct FlowKeyHash {
    std::size_t operator()(const FlowKey& key) const {
        return mix(mix(mix(hash_address(key.from.ip), key.from.port), mix(hash_address(key.to.ip), key.to.port)),
                   key.dns_id);
    }
};

// A datagram being reassembled. Fragments nearly always arrive in order, so they are appended in
// place; one that arrives early waits in `early` until the gap before it closes.
struct PendingDatagram {
    wire::Bytes data;
    std::map<std::uint32_t, wire::Bytes> early;  // offset → payload, for out-of-order fragments
    std::optional<std::uint32_t> total;
    int pieces = 0;
    // For a datagram never completed here: the first fragment's TTL and the last fragment seen.
    std::uint8_t ttl = 0;
    std::uint64_t last_frame = 0;
    std::string key;  // the probe it belongs to, read from the first fragment's question

    void add(std::uint32_t offset, wire::ByteView payload) {
        ++pieces;
        if (offset == data.size()) {
            data.insert(data.end(), payload.begin(), payload.end());
            for (auto next = early.find(static_cast<std::uint32_t>(data.size())); next != early.end();
                 next = early.find(static_cast<std::uint32_t>(data.size()))) {
                data.insert(data.end(), next->second.begin(), next->second.end());
                early.erase(next);
            }
        } else if (offset > data.size()) {
            early[offset].assign(payload.begin(), payload.end());
        }
        // (An offset inside what is already here is an overlap: ignored, as the first copy stands.)
    }
    bool complete() const { return total && data.size() == *total; }
};

// One direction of a TCP connection, reassembled by sequence number: bytes in order from `next`,
// segments ahead of it waiting until the gap closes. A retransmission or an overlap adds only what
// is new, so DNS framing survives loss, retries and reordering.
struct TcpStream {
    wire::Bytes data;  // in order, not yet consumed as messages
    std::optional<std::uint32_t> next;  // the sequence number of the byte after `data`
    std::map<std::uint32_t, wire::Bytes> ahead;  // by sequence number
    std::size_t buffered = 0;

    // Adds a segment; false when it would exceed the buffer (the stream is then reset).
    bool add(std::uint32_t seq, wire::ByteView payload) {
        if (!next) next = seq;
        const auto offset = static_cast<std::int32_t>(seq - *next);
        if (offset > 0) {
            auto& slot = ahead[seq];
            if (payload.size() > slot.size()) {
                buffered += payload.size() - slot.size();
                slot.assign(payload.begin(), payload.end());
            }
        } else if (static_cast<std::int64_t>(payload.size()) + offset > 0) {
            append(payload.subspan(static_cast<std::size_t>(-offset)));
        }
        // Segments the stream has caught up with.
        for (auto it = ahead.begin(); it != ahead.end();) {
            const auto gap = static_cast<std::int32_t>(it->first - *next);
            if (gap > 0) break;
            buffered -= it->second.size();
            if (static_cast<std::int64_t>(it->second.size()) + gap > 0)
                append(wire::ByteView(it->second).subspan(static_cast<std::size_t>(-gap)));
            it = ahead.erase(it);
        }
        if (data.size() + buffered <= kMaxStreamBuffer) return true;
        *this = TcpStream{};
        return false;
    }
    void append(wire::ByteView bytes) {
        data.insert(data.end(), bytes.begin(), bytes.end());
        *next += static_cast<std::uint32_t>(bytes.size());
    }
};

// Probe ids are compared lowercased (a resolver may randomize case): lowered into `buffer`.
std::string_view lower(std::string_view text, char (&buffer)[64]) {
    const std::size_t length = std::min(text.size(), sizeof buffer);
    for (std::size_t i = 0; i < length; ++i) {
        const char c = text[i];
        buffer[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c;
    }
    return std::string_view(buffer, length);
}

// A raw probe (wire::read_raw_probe) as the facts of a message below the zone: a query, or the
// responder's reply, under the probe id it carries.
DnsFacts raw_probe_facts(const wire::RawProbe& raw) {
    DnsFacts facts;
    facts.ok = true;
    facts.id = raw.id;
    facts.qr = raw.ack;
    facts.in_zone = true;
    facts.first_label = raw.probe_id;
    return facts;
}

}  // namespace

struct TapObserver::State {
    State(std::string tap, const wire::Name& zone_name, int link, const std::vector<wire::Name>& names)
        : zone(zone_name), link_type(link) {
        out.tap = std::move(tap);
        for (const auto& name : names) watched.emplace_back(name);
    }
    ZoneSuffix zone;
    std::vector<ZoneSuffix> watched;  // exact names followed by DNS id

    bool is_watched(const DnsFacts& facts) const {
        if (facts.question_name.empty()) return false;
        return std::any_of(watched.begin(), watched.end(),
                           [&](const ZoneSuffix& name) { return name.equals(facts.question_name); });
    }
    int link_type;
    TapSightings out;
    std::string frame_key;  // the probe the frame being read belongs to ("" for none)
    std::unordered_map<DatagramKey, PendingDatagram, DatagramKeyHash> fragments;
    std::unordered_map<FlowKey, TcpStream, FlowKeyHash> streams;
    // The latest queries by (client, server, DNS id): an answer without a question (a FORMERR to
    // QDCOUNT 2) is matched to its query this way. A ring, so reading allocates nothing for it;
    // such an answer follows its query within milliseconds.
    struct RecentQuery {
        FlowKey flow;
        const std::string* probe_id = nullptr;  // a by_probe key (nodes do not move on rehash)
    };
    std::array<RecentQuery, kRecentQueries> recent{};
    std::size_t recent_next = 0;

    const std::string* query_for(const FlowKey& flow) const {
        for (const auto& query : recent)
            if (query.probe_id != nullptr && query.flow.dns_id == flow.dns_id && query.flow == flow) return query.probe_id;
        return nullptr;
    }

    // The key a message about the run is kept under: its probe id (lowercased into `lowered`), or
    // "#<DNS id>" (into `scratch`) for the apex and the watched names; nothing for other traffic.
    std::optional<std::string_view> run_key(const DnsFacts& facts, char (&lowered)[64], std::string& scratch) const {
        if (facts.in_zone && !facts.apex) return lower(facts.first_label, lowered);
        if (facts.in_zone || (!watched.empty() && is_watched(facts))) {
            scratch = "#" + std::to_string(facts.id);
            return std::string_view(scratch);
        }
        return std::nullopt;
    }

    // A DNS message seen at this tap (a whole datagram, a reassembled one, or one off a TCP stream).
    void consider(wire::ByteView dns, std::uint64_t frame, bool tcp, int pieces, const Packet& packet,
                  std::uint16_t source_port, std::uint16_t destination_port, bool partial = false) {
        // A datagram whose later fragments never came: only its question can be read. The
        // non-dns-53 probe's datagram is not DNS; it is followed by the probe id it carries.
        const auto raw = tcp ? std::nullopt : wire::read_raw_probe(dns);
        DnsFacts facts = raw ? raw_probe_facts(*raw) : scan_dns(dns, zone, partial);
        if (!facts.ok) {
            ++out.undecodable;
            return;
        }
        Address source{packet.source, source_port}, destination{packet.destination, destination_port};
        char lowered[64];
        std::string scratch;
        std::string_view probe_id;
        if (auto key = run_key(facts, lowered, scratch)) {
            probe_id = *key;
        } else if (facts.qdcount > 0 && !facts.qr) {
            return;  // someone else's query
        } else if (facts.qr) {
            const std::string* asked = query_for(FlowKey{destination, source, facts.id});
            if (asked == nullptr) return;
            probe_id = *asked;
        } else {
            return;
        }
        if (frame_key.empty()) frame_key.assign(probe_id);
        if (out.messages.size() >= kMaxMessages) return;  // indices are 32-bit; no capture gets near
        Sighting sighting;
        sighting.answer = facts.qr;
        sighting.frame = frame;
        sighting.dns_size = static_cast<std::uint32_t>(dns.size());
        sighting.tcp = tcp;
        sighting.tc = facts.tc;
        sighting.opt = facts.opt;
        sighting.udp_size = facts.udp_size;
        sighting.dnssec_ok = facts.dnssec_ok;
        sighting.rrsigs = static_cast<std::uint16_t>(facts.rrsigs);
        sighting.fragments = static_cast<std::uint16_t>(pieces);
        sighting.dns_id = facts.id;
        if (pieces > 1) sighting.fragment_id = packet.fragment_id;
        sighting.options = facts.options;
        sighting.header_bits = facts.header_bits;
        sighting.rcode = facts.rcode;
        sighting.name = name_hash(facts.question_name, false);
        sighting.name_case = name_hash(facts.question_name, true);
        sighting.partial = partial;
        sighting.ttl = packet.ttl;
        sighting.source = source;
        sighting.destination = destination;
        auto group = out.by_probe.find(probe_id);
        if (group == out.by_probe.end())
            group = out.by_probe.emplace(std::string(probe_id), std::vector<std::uint32_t>{}).first;
        group->second.push_back(static_cast<std::uint32_t>(out.messages.size()));
        out.messages.push_back(sighting);
        if (!facts.qr) {
            recent[recent_next] = RecentQuery{FlowKey{source, destination, facts.id}, &group->first};
            recent_next = (recent_next + 1) % kRecentQueries;
        }
    }

    // An ICMP error: which probe's packet it quotes, and what it says about it.
    void consider_icmp(const Packet& packet, std::uint64_t frame) {
        auto error = wire::read_icmp_error(packet.payload, packet.transport == Transport::icmpv6);
        if (!error) return;
        IcmpSighting sighting;
        sighting.code = error->code;
        sighting.frame = frame;
        sighting.from = packet.source;
        sighting.mtu = error->mtu;
        sighting.kind = error->kind == wire::IcmpError::Kind::too_big        ? IcmpSighting::Kind::too_big
                        : error->kind == wire::IcmpError::Kind::time_exceeded ? IcmpSighting::Kind::time_exceeded
                                                                               : IcmpSighting::Kind::unreachable;
        const Packet& quoted = error->quoted;
        if (quoted.transport != Transport::udp || (quoted.is_fragment && quoted.fragment_offset != 0)) return;
        // The quote may end anywhere after the question: only the question is read.
        DnsFacts facts = scan_dns(quoted.payload, zone, true);
        if (!facts.ok) return;
        char lowered[64];
        std::string scratch;
        auto key = run_key(facts, lowered, scratch);
        if (!key) return;
        sighting.probe_id = std::string(*key);
        frame_key = sighting.probe_id;
        sighting.about_answer = facts.qr;
        out.icmp_by_probe.emplace(sighting.probe_id, std::move(sighting));
    }

    // The probe a datagram's first fragment asks or answers about, from its question (a packet
    // comment for each of its fragments; the datagram is counted when it completes).
    std::string fragment_key(wire::ByteView udp) const {
        if (udp.size() <= 8) return {};
        const DnsFacts facts = scan_dns(udp.subspan(8), zone, true);
        if (!facts.ok) return {};
        char lowered[64];
        std::string scratch;
        if (auto key = run_key(facts, lowered, scratch)) return std::string(*key);
        return {};
    }

    void add(std::uint64_t number, wire::ByteView frame) {
        frame_key.clear();
        ++out.frames;
        Packet packet = dissect(frame, link_type);
        if (!packet.anomaly.empty()) {
            ++out.malformed;
            return;
        }
        if (packet.is_fragment && packet.ip_protocol == 17) {
            DatagramKey key{packet.source, packet.destination, packet.fragment_id, packet.ip_protocol};
            if (fragments.size() > kMaxPendingDatagrams) overflow_fragments();
            auto& pending = fragments[key];
            pending.add(packet.fragment_offset, packet.ip_payload);
            pending.last_frame = number;
            if (packet.fragment_offset == 0) {
                pending.ttl = packet.ttl;
                pending.key = fragment_key(packet.ip_payload);
            }
            frame_key = pending.key;
            if (!packet.more_fragments)
                pending.total = packet.fragment_offset + static_cast<std::uint32_t>(packet.ip_payload.size());
            if (pending.complete()) {
                frame_key.clear();  // the reassembled message says whose it is
                if (pending.data.size() >= 8)
                    consider(wire::ByteView(pending.data).subspan(8), number, false, pending.pieces, packet,
                             wire::load_u16(pending.data.data()), wire::load_u16(pending.data.data() + 2));
                if (frame_key.empty()) frame_key = pending.key;
                fragments.erase(key);
            }
            return;
        }
        switch (packet.transport) {
            case Transport::udp:
                consider(packet.payload, number, false, 1, packet, packet.source_port, packet.destination_port);
                return;
            case Transport::icmp:
            case Transport::icmpv6:
                consider_icmp(packet, number);
                return;
            case Transport::tcp:
                break;
            default:
                return;
        }
        constexpr std::uint8_t kSyn = 0x02, kRst = 0x04, kAck = 0x10;
        const std::uint8_t flags = packet.tcp_flags;
        FlowKey key{{packet.source, packet.source_port}, {packet.destination, packet.destination_port}, 0};
        if (flags & kSyn) {
            // A new connection: its data starts after the SYN's sequence number.
            auto& fresh = streams[key];
            fresh = TcpStream{};
            fresh.next = packet.tcp_seq + 1;
        }
        if ((flags & kSyn) && !(flags & kAck)) {
            out.handshakes[packet.tcp_seq].syn_frame = number;
            out.isn_by_client[Address{packet.source, packet.source_port}.to_string()] = packet.tcp_seq;
        } else if ((flags & kSyn) && (flags & kAck)) {
            if (auto it = out.handshakes.find(packet.tcp_ack - 1); it != out.handshakes.end())
                it->second.syn_ack_frame = number;
        } else if ((flags & kRst) && (flags & kAck)) {
            if (auto it = out.handshakes.find(packet.tcp_ack - 1); it != out.handshakes.end() && !it->second.syn_ack_frame)
                it->second.reset_frame = number;
        }
        // DoT's payload is TLS: only its handshake is followed (the DNS inside cannot be read).
        if (packet.payload.empty() || packet.source_port == model::kDotPort || packet.destination_port == model::kDotPort) return;
        // DNS over TCP: length-prefixed messages, possibly across segments (RFC 7766), in
        // sequence order whatever order the segments came in.
        auto& stream = streams[key];
        if (!stream.add(packet.tcp_seq, packet.payload)) {
            ++out.stream_overflows;
            // The client is whichever end talks to port 53.
            const Address client = packet.destination_port == 53 ? key.from : key.to;
            out.overflowed_clients.insert(client.to_string());
            return;
        }
        auto& bytes = stream.data;
        std::size_t used = 0;
        while (bytes.size() - used >= 2) {
            std::size_t length = wire::load_u16(bytes.data() + used);
            if (bytes.size() - used < 2 + length) break;
            consider(wire::ByteView(bytes.data() + used + 2, length), number, true, 1, packet, packet.source_port,
                     packet.destination_port);
            used += 2 + length;
        }
        bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(used));
    }

    // The fragment table is full (a flood, or a capture far longer than a run): emptied, and the
    // probes whose fragments it held are marked so that what the tap missed blames nobody.
    void overflow_fragments() {
        ++out.fragment_overflows;
        for (const auto& [key, pending] : fragments)
            if (!pending.key.empty()) out.overflowed_probes.insert(pending.key);
        fragments.clear();
    }
};

TapObserver::TapObserver(std::string tap, const wire::Name& zone, int link_type, const std::vector<wire::Name>& names)
    : state_(std::make_unique<State>(std::move(tap), zone, link_type, names)) {}
TapObserver::TapObserver(TapObserver&&) noexcept = default;
TapObserver& TapObserver::operator=(TapObserver&&) noexcept = default;
TapObserver::~TapObserver() = default;

std::string_view TapObserver::add(std::uint64_t frame_number, wire::ByteView frame) {
    state_->add(frame_number, frame);
    return state_->frame_key;
}

TapSightings TapObserver::finish(bool lost_packets) {
    // Datagrams still incomplete at the end: their first fragment came, some later one did not.
    for (const auto& [key, pending] : state_->fragments) {
        if (pending.data.empty() && !pending.early.empty()) state_->out.orphan_fragment_ids.insert(key.id);
        if (pending.data.size() < 8 + 12) continue;  // no first fragment: nothing to name it by
        Packet packet;
        packet.source = key.source;
        packet.destination = key.destination;
        packet.fragment_id = key.id;
        packet.ttl = pending.ttl;
        state_->consider(wire::ByteView(pending.data).subspan(8), pending.last_frame, false, pending.pieces, packet,
                         wire::load_u16(pending.data.data()), wire::load_u16(pending.data.data() + 2), true);
    }
    TapSightings out = std::move(state_->out);
    out.lost_packets = lost_packets;
    return out;
}

TapSightings observe(const TapCapture& capture, const wire::Name& zone, const std::vector<wire::Name>& names) {
    TapObserver observer(capture.name, zone, capture.link_type, names);
    for (const auto& frame : capture.frames) observer.add(frame.number, frame.data);
    return observer.finish(capture.lost_packets());
}

Result<TapSightings> observe_file(const std::string& tap, const std::string& path, const wire::Name& zone,
                                  const std::vector<wire::Name>& names) {
    DNSPATH_TRY(MappedFile mapped, MappedFile::open(path));
    if (is_walkable_capture(mapped.bytes())) {
        std::optional<TapObserver> observer;
        auto walked = walk_capture(
            mapped.bytes(), [&](int link_type) { observer.emplace(tap, zone, link_type, names); },
            [&](const Frame& frame) { observer->add(frame.number, frame.data); });
        if (!walked) return fail("cannot read capture " + path + ": " + walked.error().message);
        if (!observer) observer.emplace(tap, zone, walked->link_type, names);
        TapSightings sightings = observer->finish(walked->interface_drops + walked->kernel_drops > 0);
        sightings.interface_drops = walked->interface_drops;
        sightings.kernel_drops = walked->kernel_drops;
        return sightings;
    }
    // Anything else libpcap reads (it names what it cannot).
    DNSPATH_TRY(PcapFile file, PcapFile::open(path));
    TapObserver observer(tap, zone, file.link_type(), names);
    DNSPATH_TRY_VOID(file.for_each([&](const Frame& frame) { observer.add(frame.number, frame.data); }));
    return observer.finish(false);
}

}  // namespace dnspath::capture

namespace dnspath::capture {

std::vector<wire::Name> names_without_probe_id(const std::vector<model::ProbeRecord>& probes) {
    std::vector<wire::Name> names;
    std::set<std::string> seen;
    for (const auto& probe : probes) {
        if (probe.id_in_qname || !seen.insert(probe.qname).second) continue;
        if (auto name = wire::Name::parse(probe.qname)) names.push_back(*name);
    }
    return names;
}

}  // namespace dnspath::capture
