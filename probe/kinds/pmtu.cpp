// pmtu: the path MTU in both directions with DF set — queries of stepped sizes toward the server
// (an ICMP too-big, read from the socket's error queue, shows PMTUD works) and DF answers of stepped
// sizes back (JPRS common-4). A loss counts once confirmed against the path's loss rate; then
// experiments say what limits the packets: the same size without DF (a router fragments it for an
// MTU), in small crafted fragments (a limit on the IP packet lets them through, one on the UDP
// length does not), and a small message in fragments (a fragment filter loses it). IP packets over
// a size that vanish with no ICMP, whatever their DF bit, while the same message in small pieces
// arrives, are a PMTUD black hole (an MTU whose ICMP is dropped, or an MTU mismatch on a link:
// nobody can fragment what is silently refused); a limit on the UDP length is a size cap.
#include <algorithm>

#include "probe/kinds/judges.h"
#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

constexpr std::uint32_t kSmallFragment = 576;

// Steps up through typical link MTUs (tunnels, PPPoE 1454/1492, Ethernet 1500), then bisects the
// gap to the exact size. `delivered(size, direction, confirm)` sends one packet and says if it
// arrived; a step's loss is confirmed, a bisection's is not until the end: the boundary found is
// then confirmed, and bisecting starts again above it when it arrives after all.
template <typename Send>
Direction measure(const std::vector<int>& steps, Send&& delivered) {
    Direction direction;
    for (int size : steps) {
        if (delivered(size, direction, true)) {
            direction.largest = size;
        } else {
            direction.smallest_lost = size;
            break;
        }
    }
    if (!direction.largest || !direction.smallest_lost) return direction;
    int low = *direction.largest, high = *direction.smallest_lost;
    for (;;) {
        int lost = high;
        while (lost - low > 1) {
            int middle = low + (lost - low) / 2;
            if (delivered(middle, direction, false))
                low = middle;
            else
                lost = middle;
        }
        if (lost == high || !delivered(lost, direction, true)) {
            high = lost;
            break;
        }
        low = lost;  // it arrived when asked again: the loss was chance, the boundary lies above
    }
    direction.largest = low;
    direction.smallest_lost = high;
    return direction;
}

// One question asked as a decisive probe, with the tries that rule random loss out (an answer or
// an ICMP ends them); true when it arrived as wanted.
// `confirm` false: one try, for a bisection step that a later confirmation checks.
template <typename Arrived>
bool decisive(Session& session, Family family, QuerySpec spec, int fragments, bool confirm, std::vector<std::string>& probes,
              Arrived&& arrived) {
    spec.tries = confirm ? session.confirm_tries(family, fragments) : 1;
    auto outcome = session.ask(family, spec);
    if (arrived(outcome)) return true;
    probes.push_back(outcome.probe_id);
    return false;
}

class PmtuProber {
public:
    PmtuProber(Session& session, Family family, std::vector<std::string>& probes)
        : session_(session), family_(family), probes_(probes) {
        edns_.udp_size = 4096;
    }
    int overhead() const { return family_ == Family::ipv6 ? 48 : 28; }

    // A query padded to `packet` octets of IP, with DF (or not), or sent in fragments of `fragment`.
    bool query(int packet, bool dont_fragment, std::optional<std::size_t> fragment, Direction* direction, bool confirm = true) {
        QuerySpec spec{.kind = "pmtu", .echo = true, .edns = edns_, .dont_fragment = dont_fragment,
                       .query_size = static_cast<std::size_t>(packet - overhead()), .fragment_size = fragment};
        return decisive(session_, family_, spec, 1, confirm, probes_, [&](const QueryOutcome& outcome) {
            if (direction && outcome.icmp_mtu) {
                direction->icmp_mtu = outcome.icmp_mtu;
                direction->icmp_from = outcome.icmp_from;
            }
            return outcome.answered();
        });
    }

    // An answer of `packet` octets of IP, with DF (or not), or in crafted fragments of `fragment`.
    bool answer(int packet, bool df, std::optional<std::uint32_t> fragment, bool confirm = true) {
        const auto size = static_cast<std::uint32_t>(packet - overhead());
        QuerySpec spec{.kind = "pmtu", .size = size, .edns = edns_, .df_answer = df, .answer_fragment_size = fragment};
        const int pieces = fragment ? static_cast<int>((size + *fragment - 1) / (*fragment - 64)) : 1;
        return decisive(session_, family_, spec, pieces, confirm, probes_, [size](const QueryOutcome& outcome) {
            return outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size;
        });
    }

private:
    Session& session_;
    Family family_;
    wire::Edns edns_;
    std::vector<std::string>& probes_;
};

// What stops packets of `lost` octets in one direction, by experiment. Queries: without DF (IPv4),
// in small fragments, and a small query in fragments. Answers: without DF, in small fragments,
// and a small answer in fragments.
PacketLimit explain(PmtuProber& prober, Family family, bool answers, int lost, model::Params& experiments) {
    auto record = [&](const char* what, int size, bool arrived) {
        experiments.push_back({{"what", what}, {"direction", answers ? "answers" : "queries"}, {"size", size},
                               {"outcome", arrived ? "delivered" : "lost"}});
        return arrived;
    };
    // Without DF a router fragments a packet too large for its link: an MTU lets it through.
    // (IPv6 routers never fragment; for answers the server fragments once a Packet Too Big reached it.)
    if (family == Family::ipv4 || answers) {
        const bool plain = answers ? prober.answer(lost, false, std::nullopt) : prober.query(lost, false, std::nullopt, nullptr);
        if (record("same-size-without-df", lost, plain)) return PacketLimit::mtu;
    }
    const bool pieces = answers ? prober.answer(lost, false, kSmallFragment)
                                : prober.query(lost, false, kSmallFragment, nullptr);
    if (record("same-size-in-small-fragments", lost, pieces)) return PacketLimit::ip_length;
    const int small = 700;
    const bool small_pieces = answers ? prober.answer(small, false, 400) : prober.query(small, false, 400, nullptr);
    return record("small-message-in-fragments", small, small_pieces) ? PacketLimit::udp_length : PacketLimit::fragments;
}

}  // namespace

// The pmtu verdict from both directions' figures and what limits each (pure: the probe's view;
// probe/judge adds the taps').
void judge_pmtu(model::RunResult& result, Family family, const PmtuEvidence& evidence, const std::vector<std::string>& probes) {
    const auto& forward = evidence.forward;
    const auto& reverse = evidence.reverse;
    auto figure = [](const std::optional<int>& value) { return value ? model::Params(*value) : model::Params(); };
    model::Params figures{{"forward", figure(forward.largest)}, {"back", figure(reverse.largest)}, {"ceiling", evidence.ceiling}};
    if (!evidence.experiments.empty()) figures["experiments"] = evidence.experiments;
    auto with = [&](model::Params extra) {
        extra.update(figures);
        return extra;
    };
    auto limited = [&](Status status, const char* direction, PacketLimit limit, int size) {
        // A limit that is not an MTU: DF and non-DF packets of that size die alike.
        model::Params params = with({{"direction", direction}, {"size", size}});
        if (limit == PacketLimit::udp_length) params["limit"] = "udp-length";
        if (limit == PacketLimit::fragments) params["also"] = {"fragment-filter"};
        add_verdict(result, Checkpoint::pmtu, family, status, cause(CauseCode::size_cap, params), probes);
    };
    if (!forward.largest && !reverse.largest) {
        add_verdict(result, Checkpoint::pmtu, family, Status::fail, cause(CauseCode::no_answer, with({{"what", "df"}})), probes);
    } else if (forward.smallest_lost && !forward.icmp_mtu && evidence.forward_limit != PacketLimit::mtu &&
               evidence.forward_limit != PacketLimit::ip_length) {
        limited(Status::warn, "queries", evidence.forward_limit, *forward.smallest_lost);
    } else if (forward.smallest_lost && !forward.icmp_mtu) {
        add_verdict(result, Checkpoint::pmtu, family, Status::fail,
                    cause(CauseCode::pmtud_blackhole, with({{"direction", "queries"}, {"transports", {"udp-df"}}})), probes);
    } else if (reverse.smallest_lost && evidence.reverse_limit == PacketLimit::ip_length) {
        add_verdict(result, Checkpoint::pmtu, family, Status::fail,
                    cause(CauseCode::pmtud_blackhole,
                          with({{"direction", "answers"}, {"transports", {"udp-df"}}, {"fragments_pass", true}})),
                    probes);
    } else if (reverse.smallest_lost && evidence.reverse_limit != PacketLimit::mtu) {
        limited(Status::warn, "answers", evidence.reverse_limit, *reverse.smallest_lost);
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
    const int ceiling = std::min(net::route_mtu(server).value_or(1500), 1500);
    std::vector<int> steps;
    for (int size : {1280, 1400, 1420, 1440, 1454, 1460, 1472, 1480, 1492, 1500})
        if (size <= ceiling) steps.push_back(size);
    if (steps.empty() || steps.back() != ceiling) steps.push_back(ceiling);
    std::vector<std::string> probes;
    PmtuProber prober(session, family, probes);
    PmtuEvidence evidence;
    evidence.ceiling = ceiling;
    evidence.experiments = model::Params::array();

    // Toward the server: DF queries padded to the packet size; the answer is small.
    evidence.forward = measure(steps, [&](int packet, Direction& direction, bool confirm) {
        return !session.stopped() && prober.query(packet, true, std::nullopt, &direction, confirm);
    });
    // Back toward the probe: answers sent with DF, sized to the packet.
    evidence.reverse = measure(steps, [&](int packet, Direction&, bool confirm) {
        return !session.stopped() && prober.answer(packet, true, std::nullopt, confirm);
    });
    if (session.stopped()) return;
    if (evidence.forward.smallest_lost && !evidence.forward.icmp_mtu)
        evidence.forward_limit = explain(prober, family, false, *evidence.forward.smallest_lost, evidence.experiments);
    if (evidence.reverse.smallest_lost && !session.stopped())
        evidence.reverse_limit = explain(prober, family, true, *evidence.reverse.smallest_lost, evidence.experiments);

    // The path MTU is what an MTU (or a black hole) limits; a size cap says nothing of it.
    auto& summary = summary_for(result, family);
    auto bounds = [](const Direction& direction, PacketLimit limit) {
        return !direction.smallest_lost || limit == PacketLimit::mtu || limit == PacketLimit::ip_length ||
               direction.icmp_mtu.has_value();
    };
    std::optional<int> path_mtu;
    for (const auto& [direction, limit] : {std::pair{evidence.forward, evidence.forward_limit},
                                           std::pair{evidence.reverse, evidence.reverse_limit}})
        if (direction.largest && bounds(direction, limit))
            path_mtu = path_mtu ? std::min(*path_mtu, *direction.largest) : *direction.largest;
    summary.path_mtu = path_mtu;
    judge_pmtu(result, family, evidence, probes);
}

}  // namespace dnspath::probe
