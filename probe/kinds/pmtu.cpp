// pmtu: the path MTU in both directions with DF set — queries of stepped sizes toward the server
// (an ICMP too-big, read from the socket's error queue, shows PMTUD works) and DF answers of stepped
// sizes back. Packets that vanish with no ICMP are a PMTUD black hole (JPRS common-4).
#include <algorithm>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

namespace {

struct Direction {
    std::optional<int> largest;   // largest packet (IP total length) that got through
    std::optional<int> smallest_lost;
    std::optional<int> icmp_mtu;  // what an ICMP too-big said, if one came back
    std::string icmp_from;
};

// Steps up through typical link MTUs (tunnels, PPPoE 1454/1492, Ethernet 1500), then bisects the
// gap to the exact size. `delivered` sends one packet of the given size and says if it arrived.
template <typename Send>
Direction measure(const std::vector<int>& steps, Send&& delivered) {
    Direction direction;
    for (int size : steps) {
        if (delivered(size, direction)) {
            direction.largest = size;
        } else {
            direction.smallest_lost = size;
            break;
        }
    }
    if (direction.largest && direction.smallest_lost) {
        int low = *direction.largest, high = *direction.smallest_lost;
        while (high - low > 1) {
            int middle = low + (high - low) / 2;
            if (delivered(middle, direction))
                low = middle;
            else
                high = middle;
        }
        direction.largest = low;
        direction.smallest_lost = high;
    }
    return direction;
}

}  // namespace

void run_pmtu(Session& session, Family family, reports::RunResult& result) {
    const auto& server = session.config().targets.at(family);
    const int overhead = family == Family::ipv6 ? 48 : 28;
    const int ceiling = std::min(net::route_mtu(server).value_or(1500), 1500);
    std::vector<int> steps;
    for (int size : {1280, 1400, 1420, 1440, 1454, 1460, 1472, 1480, 1492, 1500})
        if (size <= ceiling) steps.push_back(size);
    if (steps.empty() || steps.back() != ceiling) steps.push_back(ceiling);
    std::vector<std::string> evidence;

    wire::Edns edns;
    edns.udp_size = 4096;
    // Toward the server: DF queries padded to the packet size; the answer is small.
    auto forward = measure(steps, [&](int packet, Direction& direction) {
        if (session.stopped()) return false;
        auto outcome = session.ask(family, {.kind = "pmtu", .echo = true, .edns = edns,
                                            .dont_fragment = true,
                                            .query_size = static_cast<std::size_t>(packet - overhead)});
        if (outcome.icmp_mtu) {
            direction.icmp_mtu = outcome.icmp_mtu;
            direction.icmp_from = outcome.icmp_from;
        }
        bool arrived = outcome.answered();
        if (!arrived) evidence.push_back(evidence_line(outcome, "DF query, packet " + std::to_string(packet)));
        return arrived;
    });
    // Back toward the probe: answers sent with DF, sized to the packet.
    auto reverse = measure(steps, [&](int packet, Direction&) {
        if (session.stopped()) return false;
        auto size = static_cast<std::uint32_t>(packet - overhead);
        auto outcome = session.ask(family, {.kind = "pmtu", .size = size, .edns = edns,
                                            .df_answer = true});
        bool arrived = outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size;
        if (!arrived) evidence.push_back(evidence_line(outcome, "DF answer, packet " + std::to_string(packet)));
        return arrived;
    });
    if (session.stopped()) return;

    // A DF answer lost at size Y is an MTU only if the same size without DF gets through: over IPv4
    // a router fragments it; over IPv6 the server fragments it once an ICMPv6 Packet Too Big has
    // taught it the MTU. If that is lost too: over IPv4 something drops answers by size, whatever
    // their DF bit; over IPv6 either the Packet Too Big never reached the server (a black hole) or
    // a size filter — the same answer in 1280-octet fragments tells which.
    bool reverse_is_size_filter = false;
    bool reverse_black_hole = false;
    if (reverse.smallest_lost) {
        auto size = static_cast<std::uint32_t>(*reverse.smallest_lost - overhead);
        auto delivered = [size](const QueryOutcome& outcome) {
            return outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size;
        };
        auto plain = session.ask(family, {.kind = "pmtu", .size = size, .edns = edns});
        evidence.push_back(evidence_line(plain, "same answer without DF"));
        if (!delivered(plain) && family == Family::ipv6) {
            auto fragmented = session.ask(family, {.kind = "pmtu", .size = size, .edns = edns,
                                                   .small_fragments_answer = true});
            evidence.push_back(evidence_line(fragmented, "same answer in 1280-octet fragments"));
            reverse_black_hole = delivered(fragmented);
            reverse_is_size_filter = !reverse_black_hole;
        } else {
            reverse_is_size_filter = !delivered(plain);
        }
    }

    auto& summary = summary_for(result, family);
    if (forward.largest && reverse.largest && !reverse_is_size_filter)
        summary.path_mtu = std::min(*forward.largest, *reverse.largest);
    else if (forward.largest)
        summary.path_mtu = forward.largest;

    auto describe = [](const Direction& direction) {
        return direction.largest ? std::to_string(*direction.largest) : std::string("none");
    };
    const std::string figures = "largest DF packet toward the server " + describe(forward) + ", back " +
                                describe(reverse) + " (tested up to " + std::to_string(ceiling) + ")";
    if (!forward.largest && !reverse.largest) {
        add_verdict(result, "pmtu", family, Status::fail, "no DF packet got through, not even 1280 octets", evidence);
    } else if (forward.smallest_lost && !forward.icmp_mtu) {
        add_verdict(result, "pmtu", family, Status::fail,
                    "PMTUD black hole toward the server: DF packets above " + describe(forward) +
                        " octets vanish and no ICMP too big comes back; " + figures,
                    evidence);
    } else if (reverse_black_hole) {
        add_verdict(result, "pmtu", family, Status::fail,
                    "PMTUD black hole back toward the probe: answer packets above " + describe(reverse) +
                        " octets vanish even after a retry, so the server never hears the ICMPv6 Packet Too Big; the "
                        "same answer in 1280-octet fragments arrives, so it is the MTU, not the size; " + figures,
                    evidence);
    } else if (reverse.smallest_lost && reverse_is_size_filter) {
        add_verdict(result, "pmtu", family, Status::pass,
                    "path MTU at least " + describe(forward) + " toward the server; answer packets of " +
                        std::to_string(*reverse.smallest_lost) +
                        " octets and more vanish with or without DF, which is a size filter (see udp-large), not "
                        "an MTU; " + figures,
                    evidence);
    } else if (reverse.smallest_lost) {
        // The ICMP for a lost answer goes to the server, so from here a black hole and a working
        // PMTUD look alike; a DF answer lost is what a DF-setting server or TCP meets.
        add_verdict(result, "pmtu", family, Status::warn,
                    "answers sent with DF above " + describe(reverse) +
                        " octets vanish on the way back (DF-setting servers and TCP depend on PMTUD here; "
                        "its ICMP goes to the server); " + figures,
                    evidence);
    } else if (forward.smallest_lost) {
        add_verdict(result, "pmtu", family, Status::pass,
                    "path MTU " + describe(forward) + ": an ICMP too big from " + forward.icmp_from + " said MTU " +
                        std::to_string(*forward.icmp_mtu) + ", so PMTUD works; " + figures,
                    evidence);
    } else {
        add_verdict(result, "pmtu", family, Status::pass, "DF packets pass both ways; " + figures, evidence);
    }
}

}  // namespace dnspath::probe
