// pmtu: the path MTU in both directions with DF set — queries of stepped sizes toward the server
// (an ICMP too-big, read from the socket's error queue, shows PMTUD works) and DF answers of stepped
// sizes back. Packets that vanish with no ICMP are a PMTUD black hole (JPRS common-4).
#include <algorithm>

#include "probe/kinds/judges.h"
#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

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

// Why a DF answer was lost at the smallest lost size. It is an MTU only if the same size without
// DF gets through: over IPv4 a router fragments it; over IPv6 the server fragments it once an
// ICMPv6 Packet Too Big has taught it the MTU. If that is lost too: over IPv4 something drops
// answers by size, whatever their DF bit; over IPv6 either the Packet Too Big never reached the
// server (a black hole) or a size filter — the same answer in 1280-octet fragments tells which.

LostAnswer explain_lost_answer(Session& session, Family family, const Direction& reverse, int overhead,
                               std::vector<std::string>& probes) {
    if (!reverse.smallest_lost) return LostAnswer::none;
    auto size = static_cast<std::uint32_t>(*reverse.smallest_lost - overhead);
    auto delivered = [size](const QueryOutcome& outcome) {
        return outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size;
    };
    wire::Edns edns;
    edns.udp_size = 4096;
    auto plain = session.ask(family, {.kind = "pmtu", .size = size, .edns = edns});
    probes.push_back(plain.probe_id);
    if (delivered(plain)) return LostAnswer::mtu;
    if (family != Family::ipv6) return LostAnswer::size_filter;
    auto fragmented = session.ask(family, {.kind = "pmtu", .size = size, .edns = edns, .small_fragments_answer = true});
    probes.push_back(fragmented.probe_id);
    return delivered(fragmented) ? LostAnswer::black_hole : LostAnswer::size_filter;
}

}  // namespace

// The pmtu verdict from both directions' figures (pure: the probe's view; probe/judge adds the taps').
void judge_pmtu(model::RunResult& result, Family family, const Direction& forward, const Direction& reverse,
                LostAnswer lost_answer, int ceiling, const std::vector<std::string>& probes) {
    auto figure = [](const std::optional<int>& value) { return value ? model::Params(*value) : model::Params(); };
    model::Params figures{{"forward", figure(forward.largest)}, {"back", figure(reverse.largest)}, {"ceiling", ceiling}};
    auto with = [&](model::Params extra) {
        extra.update(figures);
        return extra;
    };
    if (!forward.largest && !reverse.largest) {
        add_verdict(result, Checkpoint::pmtu, family, Status::fail, cause(CauseCode::no_answer, with({{"what", "df"}})), probes);
    } else if (forward.smallest_lost && !forward.icmp_mtu) {
        add_verdict(result, Checkpoint::pmtu, family, Status::fail,
                    cause(CauseCode::pmtud_blackhole, with({{"direction", "queries"}, {"transports", {"udp-df"}}})),
                    probes);
    } else if (lost_answer == LostAnswer::black_hole) {
        add_verdict(result, Checkpoint::pmtu, family, Status::fail,
                    cause(CauseCode::pmtud_blackhole,
                          with({{"direction", "answers"}, {"transports", {"udp-df"}}, {"fragments_pass", true}})),
                    probes);
    } else if (reverse.smallest_lost && lost_answer == LostAnswer::size_filter) {
        add_verdict(result, Checkpoint::pmtu, family, Status::pass,
                    cause(CauseCode::size_cap, with({{"size", *reverse.smallest_lost}, {"direction", "answers"}})), probes);
    } else if (reverse.smallest_lost) {
        // The ICMP for a lost answer goes to the server, so from here a black hole and a working
        // PMTUD look alike; a DF answer lost is what a DF-setting server or TCP meets.
        add_verdict(result, Checkpoint::pmtu, family, Status::warn, cause(CauseCode::mtu, with({{"direction", "answers"}})),
                    probes);
    } else if (forward.smallest_lost) {
        add_verdict(result, Checkpoint::pmtu, family, Status::pass,
                    cause(CauseCode::mtu, with({{"direction", "queries"}, {"icmp_from", forward.icmp_from},
                                                {"icmp_mtu", *forward.icmp_mtu}})),
                    probes);
    } else {
        add_verdict(result, Checkpoint::pmtu, family, Status::pass, cause(CauseCode::ok, figures), probes);
    }
}

void run_pmtu(Session& session, Family family, model::RunResult& result) {
    const auto& server = session.config().targets.at(family);
    const int overhead = family == Family::ipv6 ? 48 : 28;
    const int ceiling = std::min(net::route_mtu(server).value_or(1500), 1500);
    std::vector<int> steps;
    for (int size : {1280, 1400, 1420, 1440, 1454, 1460, 1472, 1480, 1492, 1500})
        if (size <= ceiling) steps.push_back(size);
    if (steps.empty() || steps.back() != ceiling) steps.push_back(ceiling);
    std::vector<std::string> probes;

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
        if (!arrived) probes.push_back(outcome.probe_id);
        return arrived;
    });
    // Back toward the probe: answers sent with DF, sized to the packet.
    auto reverse = measure(steps, [&](int packet, Direction&) {
        if (session.stopped()) return false;
        auto size = static_cast<std::uint32_t>(packet - overhead);
        auto outcome = session.ask(family, {.kind = "pmtu", .size = size, .edns = edns,
                                            .df_answer = true});
        bool arrived = outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size;
        if (!arrived) probes.push_back(outcome.probe_id);
        return arrived;
    });
    if (session.stopped()) return;

    const auto lost_answer = explain_lost_answer(session, family, reverse, overhead, probes);
    auto& summary = summary_for(result, family);
    if (forward.largest && reverse.largest && lost_answer != LostAnswer::size_filter)
        summary.path_mtu = std::min(*forward.largest, *reverse.largest);
    else if (forward.largest)
        summary.path_mtu = forward.largest;

    judge_pmtu(result, family, forward, reverse, lost_answer, ceiling, probes);
}

}  // namespace dnspath::probe
