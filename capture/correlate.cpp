#include "capture/correlate.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "capture/packet.h"
#include "probe/wire/message.h"

namespace dnspath::capture {
namespace {

constexpr std::size_t kMaxStreamBuffer = 1 << 17;
constexpr std::size_t kMaxPendingDatagrams = 4096;  // bounded memory under a fragment flood

struct PendingDatagram {
    std::map<std::uint32_t, wire::Bytes> pieces;  // offset → fragment payload
    std::optional<std::uint32_t> total;
};

std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::optional<wire::Bytes> reassemble(const PendingDatagram& pending) {
    if (!pending.total) return std::nullopt;
    wire::Bytes whole;
    std::uint32_t next = 0;
    for (const auto& [offset, piece] : pending.pieces) {
        if (offset != next) return std::nullopt;  // a hole (or an overlap): not complete
        whole.insert(whole.end(), piece.begin(), piece.end());
        next = offset + static_cast<std::uint32_t>(piece.size());
    }
    if (next != *pending.total) return std::nullopt;
    return whole;
}

std::string describe(const Sighting& s) {
    std::string text = std::string(s.answer ? "answer" : "query") + " frame " + std::to_string(s.frame) + " (" +
                       std::to_string(s.dns_size) + " octets" + (s.tcp ? ", TCP" : "");
    if (s.fragments > 1) text += ", " + std::to_string(s.fragments) + " fragments";
    if (s.tc) text += ", TC=1";
    text += s.opt ? ", bufsize " + std::to_string(s.udp_size) + (s.dnssec_ok ? " DO=1" : " DO=0") : ", no OPT";
    if (s.rrsigs > 0) text += ", " + std::to_string(s.rrsigs) + " RRSIG";
    return text + ")";
}

}  // namespace

TapSightings observe(const TapCapture& capture, const wire::Name& zone) {
    TapSightings out;
    out.tap = capture.name;
    out.lost_packets = capture.lost_packets();
    out.frames = capture.frames.size();
    std::map<std::string, PendingDatagram> fragments;
    std::map<std::string, wire::Bytes> streams;

    auto consider = [&](wire::ByteView dns, std::uint64_t frame, bool tcp, int pieces, const std::string& source) {
        auto message = wire::decode(dns);
        if (!message) {
            ++out.undecodable;
            return;
        }
        if (message->questions.empty()) return;
        const auto& name = message->questions.front().name;
        if (!name.is_subdomain_of(zone)) return;
        Sighting sighting;
        // Apex questions (DNSKEY, SOA) carry no probe id; their DNS id stands in for it.
        sighting.probe_id = name.labels().size() > zone.labels().size() ? lower(name.labels().front())
                                                                         : "#" + std::to_string(message->header.id);
        sighting.answer = message->header.qr;
        sighting.frame = frame;
        sighting.dns_size = dns.size();
        sighting.tcp = tcp;
        sighting.tc = message->header.tc;
        sighting.opt = message->edns.has_value();
        if (message->edns) {
            sighting.udp_size = message->edns->udp_size;
            sighting.dnssec_ok = message->edns->dnssec_ok;
        }
        sighting.rrsigs = static_cast<int>(std::count_if(message->answers.begin(), message->answers.end(),
                                                         [](const auto& r) { return r.type == wire::rr_type::rrsig; }));
        sighting.fragments = pieces;
        sighting.source = source;
        out.by_probe.emplace(sighting.probe_id, sighting);
    };

    for (const auto& frame : capture.frames) {
        Packet packet = dissect(frame.data, capture.link_type);
        if (!packet.anomaly.empty()) continue;
        if (packet.is_fragment && packet.ip_protocol == 17) {
            std::string key = packet.source + ">" + packet.destination + "#" + std::to_string(packet.fragment_id);
            if (fragments.size() > kMaxPendingDatagrams) fragments.clear();
            auto& pending = fragments[key];
            pending.pieces[packet.fragment_offset].assign(packet.ip_payload.begin(), packet.ip_payload.end());
            if (!packet.more_fragments)
                pending.total = packet.fragment_offset + static_cast<std::uint32_t>(packet.ip_payload.size());
            if (auto datagram = reassemble(pending); datagram && datagram->size() >= 8) {
                consider(wire::ByteView(*datagram).subspan(8), frame.number, false,
                         static_cast<int>(pending.pieces.size()),
                         packet.source + ":" + std::to_string(wire::load_u16(datagram->data())));
                fragments.erase(key);
            }
            continue;
        }
        if (packet.transport == Transport::udp) {
            consider(packet.payload, frame.number, false, 1, packet.source + ":" + std::to_string(packet.source_port));
        }
        if (packet.transport == Transport::tcp) {
            constexpr std::uint8_t kSyn = 0x02, kRst = 0x04, kAck = 0x10;
            const std::uint8_t flags = packet.tcp_flags;
            if ((flags & kSyn) && !(flags & kAck)) {
                out.handshakes[packet.tcp_seq].syn_frame = frame.number;
                out.isn_by_client[packet.source + ":" + std::to_string(packet.source_port)] = packet.tcp_seq;
            } else if ((flags & kSyn) && (flags & kAck)) {
                if (auto it = out.handshakes.find(packet.tcp_ack - 1); it != out.handshakes.end())
                    it->second.syn_ack_frame = frame.number;
            } else if ((flags & kRst) && (flags & kAck)) {
                if (auto it = out.handshakes.find(packet.tcp_ack - 1); it != out.handshakes.end() && !it->second.syn_ack_frame)
                    it->second.reset_frame = frame.number;
            }
        }
        if (packet.transport == Transport::tcp && !packet.payload.empty()) {
            // DNS over TCP: length-prefixed messages, possibly across segments (RFC 7766).
            std::string key = packet.source + ":" + std::to_string(packet.source_port) + ">" + packet.destination +
                              ":" + std::to_string(packet.destination_port);
            auto& stream = streams[key];
            stream.insert(stream.end(), packet.payload.begin(), packet.payload.end());
            while (stream.size() >= 2) {
                std::size_t length = wire::load_u16(stream.data());
                if (stream.size() < 2 + length) break;
                consider(wire::ByteView(stream.data() + 2, length), frame.number, true, 1,
                         packet.source + ":" + std::to_string(packet.source_port));
                stream.erase(stream.begin(), stream.begin() + 2 + static_cast<std::ptrdiff_t>(length));
            }
            if (stream.size() > kMaxStreamBuffer) stream.clear();
        }
    }
    return out;
}

std::vector<Attribution> attribute(const std::vector<DeviceTaps>& path, const std::vector<TapSightings>& taps,
                                   const std::vector<reports::ProbeRecord>& probes) {
    struct Point {
        std::size_t tap;
        std::string device;
        bool probe_side;
    };
    std::vector<Point> points;
    for (const auto& device : path) {
        if (device.in) points.push_back({*device.in, device.device, true});
        if (device.out) points.push_back({*device.out, device.device, false});
    }
    auto find = [&](const Point& point, const std::string& key, bool answer) -> const Sighting* {
        auto [first, last] = taps[point.tap].by_probe.equal_range(key);
        const Sighting* found = nullptr;
        for (auto it = first; it != last; ++it)
            if (it->second.answer == answer && (found == nullptr || answer)) found = &it->second;  // last answer
        return found;
    };
    // The box between two consecutive points, if they are the two sides of one device.
    auto between = [&](std::size_t a, std::size_t b) -> std::optional<std::string> {
        const Point& first = points[std::min(a, b)];
        const Point& second = points[std::max(a, b)];
        if (first.device == second.device && first.probe_side && !second.probe_side) return first.device;
        return std::nullopt;
    };
    auto place = [&](std::size_t a, std::size_t b) {
        const Point& first = points[std::min(a, b)];
        const Point& second = points[std::max(a, b)];
        return taps[first.tap].tap + " and " + taps[second.tap].tap;
    };

    std::vector<Attribution> found;
    for (const auto& probe : probes) {
        Attribution attribution;
        attribution.probe_id = probe.id;
        const std::string& key = probe.capture_key.empty() ? probe.id : probe.capture_key;
        for (const auto& point : points) {
            std::string line = taps[point.tap].tap + ": ";
            const Sighting* query = find(point, key, false);
            const Sighting* answer = find(point, key, true);
            line += query ? describe(*query) : "no query";
            line += "; ";
            line += answer ? describe(*answer) : "no answer";
            attribution.evidence.push_back(line);
        }
        auto blame = [&](std::size_t a, std::size_t b, const std::string& what) {
            if (taps[points[a].tap].lost_packets || taps[points[b].tap].lost_packets) {
                attribution.finding = what + " between " + place(a, b) + ", but a tap lost packets: not blaming";
                return;
            }
            attribution.device = between(a, b);
            attribution.finding = attribution.device ? what : what + " between " + place(a, b) + " (no device tapped there)";
        };
        // The query, toward the server.
        std::optional<std::size_t> last_seen;
        bool decided = false;
        for (std::size_t i = 0; i < points.size() && !decided; ++i) {
            const Sighting* query = find(points[i], key, false);
            if (query && last_seen) {
                const Sighting* before = find(points[*last_seen], key, false);
                std::string change;
                if (before->opt && !query->opt) change = "removed the OPT record from the query";
                else if (before->opt && query->opt && before->udp_size != query->udp_size)
                    change = "rewrote the query's EDNS buffer size " + std::to_string(before->udp_size) + " → " +
                             std::to_string(query->udp_size);
                else if (before->dnssec_ok && !query->dnssec_ok) change = "cleared DO in the query";
                if (!change.empty()) {
                    blame(*last_seen, i, change);
                    decided = true;
                }
            }
            if (query && last_seen && !attribution.translated_by) {
                const Sighting* before = find(points[*last_seen], key, false);
                if (before->source != query->source) attribution.translated_by = between(*last_seen, i);
            }
            if (query) {
                last_seen = i;
            } else if (last_seen) {
                blame(*last_seen, i, "dropped the query");
                decided = true;
            }
        }
        if (!decided && !last_seen && !points.empty() && probe.outcome == "timeout" && probe.transport != "tcp") {
            attribution.finding = "the query never reached the first tap (" + taps[points.front().tap].tap + ")";
            decided = true;
        }
        // The answer, back toward the probe.
        std::optional<std::size_t> seen_from;
        for (std::size_t k = points.size(); k-- > 0 && !decided;) {
            const Sighting* answer = find(points[k], key, true);
            if (answer && seen_from) {
                const Sighting* after = find(points[*seen_from], key, true);
                std::string change;
                if (!after->tc && answer->tc) change = "truncated the answer (TC=1)";
                else if (answer->dns_size < after->dns_size && !answer->tc)
                    change = "cut the answer from " + std::to_string(after->dns_size) + " to " +
                             std::to_string(answer->dns_size) + " octets without TC";
                else if (answer->rrsigs < after->rrsigs) change = "stripped RRSIGs from the answer";
                else if (after->opt && !answer->opt) change = "removed the OPT record from the answer";
                if (!change.empty()) {
                    blame(k, *seen_from, change);
                    decided = true;
                }
            }
            if (answer) {
                seen_from = k;
            } else if (seen_from) {
                blame(k, *seen_from, "dropped the answer");
                decided = true;
            }
        }
        // A TCP probe that never got its answer: follow its handshake by the client's ISN.
        if (!decided && probe.transport == "tcp" && probe.outcome != "answer" && !points.empty() && !probe.source.empty()) {
            std::string client = probe.source;
            if (client.front() == '[') client = client.substr(1, client.find(']') - 1) + client.substr(client.find(']') + 1);
            auto isn = taps[points.front().tap].isn_by_client.find(client);
            if (isn != taps[points.front().tap].isn_by_client.end()) {
                auto handshake = [&](std::size_t i) -> const TcpHandshake* {
                    auto it = taps[points[i].tap].handshakes.find(isn->second);
                    return it == taps[points[i].tap].handshakes.end() ? nullptr : &it->second;
                };
                attribution.evidence.clear();
                for (std::size_t i = 0; i < points.size(); ++i) {
                    const TcpHandshake* h = handshake(i);
                    std::string line = taps[points[i].tap].tap + ": ";
                    line += h && h->syn_frame ? "SYN frame " + std::to_string(h->syn_frame) : "no SYN";
                    if (h && h->syn_ack_frame) line += ", SYN-ACK frame " + std::to_string(h->syn_ack_frame);
                    if (h && h->reset_frame) line += ", RST frame " + std::to_string(h->reset_frame);
                    attribution.evidence.push_back(line);
                }
                for (std::size_t i = 0; i + 1 < points.size() && !decided; ++i) {
                    const TcpHandshake* here = handshake(i);
                    const TcpHandshake* next = handshake(i + 1);
                    if (!here || !here->syn_frame) break;
                    if (!next || !next->syn_frame) {
                        blame(i, i + 1, here->reset_frame ? "answered the TCP SYN with a reset" : "dropped the TCP SYN");
                        decided = true;
                    } else if (!here->syn_ack_frame && next->syn_ack_frame) {
                        blame(i, i + 1, "dropped the TCP SYN-ACK");
                        decided = true;
                    }
                }
            }
        }
        if (decided || attribution.translated_by) found.push_back(std::move(attribution));
    }
    return found;
}

void apply_attributions(reports::RunResult& result, const std::vector<Attribution>& attributions) {
    std::map<std::string, const Attribution*> by_probe;
    for (const auto& attribution : attributions) by_probe[attribution.probe_id] = &attribution;
    // Probe ids cited in evidence lines: "probe p0001a3f2c1 (…)".
    auto cited = [](const std::string& line) {
        std::vector<std::string> ids;
        for (std::size_t at = line.find("probe p"); at != std::string::npos; at = line.find("probe p", at + 1)) {
            const std::size_t start = at + 6;  // the 'p'
            std::size_t end = start + 1;
            while (end < line.size() && std::isxdigit(static_cast<unsigned char>(line[end]))) ++end;
            if (end > start + 1) ids.push_back(line.substr(start, end - start));
        }
        return ids;
    };
    for (auto& verdict : result.verdicts) {
        if (verdict.status != reports::Status::fail && verdict.status != reports::Status::warn) continue;
        std::map<std::string, int> devices;
        std::vector<std::string> notes;
        int unattributed = 0;
        for (const auto& line : verdict.evidence) {
            for (const auto& id : cited(line)) {
                auto found = by_probe.find(id);
                if (found == by_probe.end()) continue;
                const Attribution& attribution = *found->second;
                if (verdict.checkpoint == "nat") {
                    if (attribution.translated_by) ++devices[*attribution.translated_by];
                    continue;
                }
                if (attribution.finding.empty()) continue;
                if (attribution.device) ++devices[*attribution.device];
                else ++unattributed;
                if (notes.size() < 3)
                    notes.push_back("capture: probe " + attribution.probe_id + ": " +
                                    (attribution.device ? *attribution.device + " " : std::string()) + attribution.finding +
                                    " [" + [&] {
                                        std::string taps;
                                        for (const auto& e : attribution.evidence) taps += (taps.empty() ? "" : " | ") + e;
                                        return taps;
                                    }() + "]");
            }
        }
        if (devices.size() == 1 && unattributed == 0) {
            verdict.device = devices.begin()->first;
        } else if (devices.size() > 1) {
            std::string list;
            for (const auto& [device, count] : devices) list += (list.empty() ? "" : ", ") + device + " (" + std::to_string(count) + ")";
            notes.push_back("capture: the failing probes point at several devices: " + list);
        } else if (devices.size() == 1) {
            verdict.device = devices.begin()->first;
            notes.push_back("capture: " + std::to_string(unattributed) + " probe(s) not attributable from the taps");
        }
        verdict.evidence.insert(verdict.evidence.end(), notes.begin(), notes.end());
    }
}

}  // namespace dnspath::capture
