#include "capture/correlate.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "capture/dns_scan.h"

namespace dnspath::capture {
namespace {

std::string describe(const Sighting& s) {
    if (s.partial)
        return std::string(s.answer ? "answer" : "query") + " incomplete: " + std::to_string(s.fragments) +
               " fragment(s), the last frame " + std::to_string(s.frame);
    std::string text = std::string(s.answer ? "answer" : "query") + " frame " + std::to_string(s.frame) + " (" +
                       std::to_string(s.dns_size) + " octets" + (s.tcp ? ", TCP" : "");
    if (s.fragments > 1) text += ", " + std::to_string(s.fragments) + " fragments";
    if (s.tc) text += ", TC=1";
    text += s.opt ? ", bufsize " + std::to_string(s.udp_size) + (s.dnssec_ok ? " DO=1" : " DO=0") : ", no OPT";
    if (s.rrsigs > 0) text += ", " + std::to_string(s.rrsigs) + " RRSIG";
    return text + ")";
}

}  // namespace

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
    // A probe's query at a tap is its first (retries repeat it); its answer the last one.
    auto find = [&](const Point& point, const std::string& key, bool answer, bool partial = false) -> const Sighting* {
        auto group = taps[point.tap].by_probe.find(key);
        if (group == taps[point.tap].by_probe.end()) return nullptr;
        const Sighting* found = nullptr;
        for (std::uint32_t index : group->second) {
            const Sighting& sighting = taps[point.tap].messages[index];
            if (sighting.answer != answer || sighting.partial != partial) continue;
            if (found == nullptr || (answer ? sighting.frame > found->frame : sighting.frame < found->frame))
                found = &sighting;
        }
        return found;
    };
    // An ICMP error about the probe's query (or answer) seen at a tap.
    auto icmp_about = [&](const Point& point, const std::string& key, bool answer) -> const IcmpSighting* {
        auto [first, last] = taps[point.tap].icmp_by_probe.equal_range(key);
        for (auto it = first; it != last; ++it)
            if (it->second.about_answer == answer) return &it->second;
        return nullptr;
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
            const Sighting* partial_query = query ? nullptr : find(point, key, false, true);
            const Sighting* partial_answer = answer ? nullptr : find(point, key, true, true);
            line += query ? describe(*query) : partial_query ? describe(*partial_query) : "no query";
            line += "; ";
            line += answer ? describe(*answer) : partial_answer ? describe(*partial_answer) : "no answer";
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
        // A message that went missing at a device which said so with ICMP: too big and time
        // exceeded are the network working (PMTUD, TTL-limited probes); unreachable is a refusal.
        auto dropped = [&](std::size_t a, std::size_t b, bool answer) {
            const std::string what = answer ? "the answer" : "the query";
            const IcmpSighting* icmp = icmp_about(points[answer ? b : a], key, answer);
            // Some of its fragments made it across: the box dropped the rest.
            const std::size_t far = answer ? a : b, near = answer ? b : a;
            if (const Sighting* part = find(points[far], key, answer, true); part && icmp == nullptr) {
                const Sighting* whole = find(points[near], key, answer);
                return blame(a, b, "let " + std::to_string(part->fragments) + " of " +
                                       std::to_string(whole ? whole->fragments : 0) + " fragments of " + what +
                                       " through and dropped the rest");
            }
            if (icmp == nullptr) return blame(a, b, "dropped " + what);
            switch (icmp->kind) {
                case IcmpSighting::Kind::too_big: {
                    // PMTUD works only if the ICMP reaches the sender: follow it tap by tap toward
                    // the server (about an answer) or the probe (about a query). A box that drops it
                    // is the black hole, not the one that said so.
                    const std::size_t from = answer ? b : a;
                    const std::string sender = between(a, b).value_or("a box");
                    if (answer) {
                        for (std::size_t j = from + 1; j < points.size(); ++j)
                            if (icmp_about(points[j], key, true) == nullptr)
                                return blame(j - 1, j, "dropped the ICMP too big " + sender +
                                                           " sent about the answer (a PMTUD black hole: the server "
                                                           "never learns the MTU " + std::to_string(icmp->mtu) + ")");
                    } else {
                        for (std::size_t j = from; j-- > 0;)
                            if (icmp_about(points[j], key, false) == nullptr)
                                return blame(j, j + 1, "dropped the ICMP too big " + sender +
                                                           " sent about the query (a PMTUD black hole: the probe "
                                                           "never learns the MTU " + std::to_string(icmp->mtu) + ")");
                    }
                    blame(a, b, "refused " + what + " as too big for MTU " + std::to_string(icmp->mtu) +
                                    " and said so (ICMP frame " + std::to_string(icmp->frame) + " from " +
                                    icmp->from.to_string() + ")");
                    attribution.signalled = true;
                    return;
                }
                case IcmpSighting::Kind::time_exceeded:
                    blame(a, b, "expired " + what + "'s TTL and said so (ICMP frame " + std::to_string(icmp->frame) + ")");
                    attribution.signalled = true;
                    return;
                case IcmpSighting::Kind::unreachable:
                    return blame(a, b, "rejected " + what + " with ICMP unreachable code " + std::to_string(icmp->code) +
                                           " (frame " + std::to_string(icmp->frame) + ")");
            }
        };
        auto note = [&](std::size_t a, std::size_t b, const std::string& what) {
            if (auto device = between(a, b)) attribution.notes.push_back(*device + " " + what);
        };
        // What a device did to a message that crossed it intact: recorded, not blamed.
        auto crossing = [&](std::size_t near, std::size_t far, const Sighting& before, const Sighting& after,
                            const char* what) {
            // near: the tap the message reached the device at; far: where it left.
            if (before.dns_id != after.dns_id)
                note(near, far, std::string("re-originated the ") + what + " as a DNS proxy (DNS id " +
                                    std::to_string(before.dns_id) + " → " + std::to_string(after.dns_id) + ")");
            else if (before.ttl > after.ttl + 1)
                note(near, far, std::string("took ") + std::to_string(before.ttl - after.ttl) + " off the " + what +
                                    "'s TTL (hops hidden inside it)");
            else if (after.ttl > before.ttl)
                note(near, far, std::string("raised the ") + what + "'s TTL " + std::to_string(before.ttl) + " → " +
                                    std::to_string(after.ttl) + " (it re-sent the packet itself)");
            if (before.fragments != after.fragments && !before.tcp)
                note(near, far, std::string(after.fragments == 1 ? "reassembled the " : "re-fragmented the ") + what +
                                    " (" + std::to_string(before.fragments) + " → " + std::to_string(after.fragments) +
                                    " fragments)");
            if (!before.answer && before.destination.ip != after.destination.ip)
                note(near, far, "sent the query on to " + after.destination.ip.to_string() + " instead of " +
                                    before.destination.ip.to_string() + " (DNAT or interception)");
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
                // Options are hop by hop for a proxy that re-originates the query (it sends its own
                // Cookie, its own Padding); stripped in place, with the same DNS id, they are lost.
                else if (before->dns_id == query->dns_id && (before->options & ~query->options))
                    change = "stripped EDNS options from the query: " + option_names(before->options & ~query->options);
                if (!change.empty()) {
                    blame(*last_seen, i, change);
                    decided = true;
                }
                crossing(*last_seen, i, *before, *query, "query");
                if (!attribution.translated_by && before->source != query->source)
                    attribution.translated_by = between(*last_seen, i);
            }
            if (query) {
                last_seen = i;
            } else if (last_seen) {
                // Answered from where the query stopped: a cache or an interceptor spoke for the server.
                // (Not for apex probes, keyed by a DNS id a proxy would have changed.)
                if (key.front() == '#' && find(points[*last_seen], key, true) != nullptr) {
                    decided = true;
                    break;
                }
                if (find(points[*last_seen], key, true) != nullptr) {
                    blame(*last_seen, i, "answered the query itself; the server never saw it (a cache or interception)");
                    attribution.signalled = probe.outcome == "answer";  // harmless when the answer was good
                } else {
                    dropped(*last_seen, i, false);
                }
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
                else if (after->dns_id == answer->dns_id && (after->options & ~answer->options))
                    change = "stripped EDNS options from the answer: " + option_names(after->options & ~answer->options);
                if (!change.empty()) {
                    blame(k, *seen_from, change);
                    decided = true;
                }
                crossing(*seen_from, k, *after, *answer, "answer");
            }
            if (answer) {
                seen_from = k;
            } else if (seen_from) {
                dropped(k, *seen_from, true);
                decided = true;
            }
        }
        // A TCP probe that never got its answer: follow its handshake by the client's ISN.
        if (!decided && probe.transport == "tcp" && probe.outcome != "answer" && !points.empty() && !probe.source.empty()) {
            std::string client = probe.source;
            if (client.front() == '[') client = client.substr(1, client.find(']') - 1) + client.substr(client.find(']') + 1);
            // The client's SYN, at the first tap that saw it (normally the first tap of all).
            std::optional<std::uint32_t> client_isn;
            for (std::size_t i = 0; i < points.size() && !client_isn; ++i) {
                auto found_isn = taps[points[i].tap].isn_by_client.find(client);
                if (found_isn != taps[points[i].tap].isn_by_client.end()) client_isn = found_isn->second;
            }
            if (client_isn) {
                auto handshake = [&](std::size_t i) -> const TcpHandshake* {
                    auto it = taps[points[i].tap].handshakes.find(*client_isn);
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
                    if (!here || !here->syn_frame) continue;  // not yet seen: it starts further on
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
        if (decided || attribution.translated_by || !attribution.notes.empty()) found.push_back(std::move(attribution));
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
        const bool failing = verdict.status == reports::Status::fail || verdict.status == reports::Status::warn;
        std::map<std::string, int> devices;
        std::vector<std::string> notes;
        std::set<std::string> seen_notes;
        int unattributed = 0;
        auto add_note = [&](const std::string& text) {
            if (notes.size() < 6 && seen_notes.insert(text).second) notes.push_back(text);
        };
        for (const auto& line : verdict.evidence) {
            for (const auto& id : cited(line)) {
                auto found = by_probe.find(id);
                if (found == by_probe.end()) continue;
                const Attribution& attribution = *found->second;
                for (const auto& change : attribution.notes) add_note("capture: " + change + " (probe " + id + ")");
                if (!failing) continue;
                if (verdict.checkpoint == "nat") {
                    if (attribution.translated_by) ++devices[*attribution.translated_by];
                    continue;
                }
                if (attribution.finding.empty()) continue;
                if (attribution.signalled) {
                    add_note("capture: probe " + attribution.probe_id + ": " +
                             (attribution.device ? *attribution.device + " " : std::string()) + attribution.finding);
                    continue;
                }
                if (attribution.device) ++devices[*attribution.device];
                else ++unattributed;
                std::string taps;
                for (const auto& e : attribution.evidence) taps += (taps.empty() ? "" : " | ") + e;
                add_note("capture: probe " + attribution.probe_id + ": " +
                         (attribution.device ? *attribution.device + " " : std::string()) + attribution.finding + " [" +
                         taps + "]");
            }
        }
        if (devices.size() == 1) {
            verdict.device = devices.begin()->first;
            if (unattributed > 0)
                notes.push_back("capture: " + std::to_string(unattributed) + " probe(s) not attributable from the taps");
        } else if (devices.size() > 1) {
            std::string list;
            for (const auto& [device, count] : devices) {
                list += (list.empty() ? "" : ", ") + device + " (" + std::to_string(count) + ")";
                verdict.devices.push_back(device);
            }
            notes.push_back("capture: the failing probes point at several devices: " + list);
        }
        verdict.evidence.insert(verdict.evidence.end(), notes.begin(), notes.end());
    }
}

}  // namespace dnspath::capture
