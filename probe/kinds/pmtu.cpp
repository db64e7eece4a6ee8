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
#include <functional>

#include "probe/kinds/judges.h"
#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

constexpr std::uint32_t kSmallFragment = 576;

// Steps up through typical link MTUs (tunnels, PPPoE 1454/1492, Ethernet 1500), then narrows the
// gap to the exact size. `delivered(size, direction)` sends one packet, its loss confirmed, and
// says if it arrived; `arrived_all(sizes, direction)` sends several at once, one try each (the
// narrowing's rounds): the boundary found is then confirmed, and narrowing starts again above it
// when it arrives after all.
template <typename Send, typename SendAll>
Direction measure(const std::vector<int>& steps, const Session& session, Send&& delivered, SendAll&& arrived_all) {
    Direction direction;
    for (int size : steps) {
        if (delivered(size, direction)) {
            direction.largest = size;
        } else {
            direction.smallest_lost = size;
            break;
        }
    }
    if (!direction.largest || !direction.smallest_lost) return direction;
    int low = *direction.largest, high = *direction.smallest_lost;
    for (;;) {
        auto [narrowed_low, lost] = narrow_boundary(low, high, 1, session,
                                                    [&](const std::vector<int>& sizes) { return arrived_all(sizes, direction); });
        low = narrowed_low;
        if (lost == high || !delivered(lost, direction)) {
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
        return decisive(session_, family_, query_spec(packet, dont_fragment, fragment), 1, confirm, probes_,
                        [&](const QueryOutcome& outcome) {
            if (direction && outcome.icmp_mtu) {
                direction->icmp_mtu = outcome.icmp_mtu;
                direction->icmp_from = outcome.icmp_from;
            }
            return outcome.answered();
        });
    }

    // An answer of `packet` octets of IP, with DF (or not), or in crafted fragments of `fragment`.
    bool answer(int packet, bool df, std::optional<std::uint32_t> fragment, bool confirm = true) {
        const QuerySpec spec = answer_spec(packet, df, fragment);
        const auto size = *spec.size;
        const int pieces = fragment ? static_cast<int>((size + *fragment - 1) / (*fragment - 64)) : 1;
        return decisive(session_, family_, spec, pieces, confirm, probes_,
                        [size](const QueryOutcome& outcome) { return answered_whole(outcome, size); });
    }

    // Several DF queries (or DF answers) at once, one try each; an ICMP too-big any of them drew
    // goes into `direction`.
    std::vector<bool> df_all(const std::vector<int>& packets, bool queries, Direction* direction) {
        std::vector<QuerySpec> specs;
        for (int packet : packets) {
            QuerySpec spec = queries ? query_spec(packet, true, std::nullopt) : answer_spec(packet, true, std::nullopt);
            spec.tries = 1;
            specs.push_back(spec);
        }
        auto outcomes = session_.ask_all(family_, specs);
        std::vector<bool> arrived;
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            const auto& outcome = outcomes[i];
            if (direction && outcome.icmp_mtu) {
                direction->icmp_mtu = outcome.icmp_mtu;
                direction->icmp_from = outcome.icmp_from;
            }
            const bool ok = queries ? outcome.answered() : answered_whole(outcome, *specs[i].size);
            if (!ok) probes_.push_back(outcome.probe_id);
            arrived.push_back(ok);
        }
        return arrived;
    }

private:
    QuerySpec query_spec(int packet, bool dont_fragment, std::optional<std::size_t> fragment) const {
        return {.kind = "pmtu", .echo = true, .edns = edns_, .dont_fragment = dont_fragment,
                .query_size = static_cast<std::size_t>(packet - overhead()), .fragment_size = fragment};
    }
    QuerySpec answer_spec(int packet, bool df, std::optional<std::uint32_t> fragment) const {
        const auto size = static_cast<std::uint32_t>(packet - overhead());
        return {.kind = "pmtu", .size = size, .edns = edns_, .df_answer = df, .answer_fragment_size = fragment};
    }
    static bool answered_whole(const QueryOutcome& outcome, std::uint32_t size) {
        return outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size;
    }

    Session& session_;
    Family family_;
    wire::Edns edns_;
    std::vector<std::string>& probes_;
};

// What stops packets of `lost` octets in one direction, by experiment. Queries: without DF (IPv4),
// in small fragments, and a small query in fragments. Answers: without DF, in small fragments,
// and a small answer in fragments.
PacketLimit explain(Session& session, Family family, bool answers, int lost, model::Params& experiments,
                    std::vector<std::string>& probes) {
    // The experiments run at once (their losses' waits overlap) and are read in the order a
    // one-by-one run would have asked them: the first that decides ends the reading, and only
    // the experiments read are evidence.
    // Without DF a router fragments a packet too large for its link: an MTU lets it through.
    // (IPv6 routers never fragment; for answers the server fragments once a Packet Too Big reached it.)
    const int small = 700;
    struct Experiment {
        const char* what;
        int size;
        std::optional<std::uint32_t> fragment;
        bool arrived = false;
        std::vector<std::string> probes{};
    };
    std::vector<Experiment> planned;
    if (family == Family::ipv4 || answers) planned.push_back({"same-size-without-df", lost, std::nullopt});
    planned.push_back({"same-size-in-small-fragments", lost, kSmallFragment});
    planned.push_back({"small-message-in-fragments", small, 400});
    std::vector<std::function<void(Session&)>> tasks;
    for (auto& experiment : planned)
        tasks.push_back([&](Session& lane) {
            PmtuProber prober(lane, family, experiment.probes);
            experiment.arrived = answers ? prober.answer(experiment.size, false, experiment.fragment)
                                         : prober.query(experiment.size, false, experiment.fragment, nullptr);
        });
    session.side_by_side(tasks);
    for (const auto& experiment : planned) {
        experiments.push_back({{"what", experiment.what}, {"direction", answers ? "answers" : "queries"},
                               {"size", experiment.size}, {"outcome", experiment.arrived ? "delivered" : "lost"}});
        probes.insert(probes.end(), experiment.probes.begin(), experiment.probes.end());
        if (!experiment.arrived) continue;
        const std::string what = experiment.what;
        return what == "same-size-without-df"           ? PacketLimit::mtu
               : what == "same-size-in-small-fragments" ? PacketLimit::ip_length
                                                        : PacketLimit::udp_length;
    }
    return PacketLimit::fragments;
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
    PmtuEvidence evidence;
    evidence.ceiling = ceiling;
    evidence.experiments = model::Params::array();

    // The two directions are measured and explained side by side, each with its own probes and
    // experiments; the evidence lists the forward direction's first.
    std::vector<std::string> forward_probes, reverse_probes;
    auto reverse_experiments = model::Params::array();
    session.side_by_side({
        [&](Session& lane) {
            // Toward the server: DF queries padded to the packet size; the answer is small.
            PmtuProber prober(lane, family, forward_probes);
            evidence.forward = measure(
                steps, lane,
                [&](int packet, Direction& direction) {
                    return !lane.stopped() && prober.query(packet, true, std::nullopt, &direction);
                },
                [&](const std::vector<int>& packets, Direction& direction) { return prober.df_all(packets, true, &direction); });
            if (evidence.forward.smallest_lost && !evidence.forward.icmp_mtu && !lane.stopped())
                evidence.forward_limit = explain(lane, family, false, *evidence.forward.smallest_lost, evidence.experiments,
                                                 forward_probes);
        },
        [&](Session& lane) {
            // Back toward the probe: answers sent with DF, sized to the packet.
            PmtuProber prober(lane, family, reverse_probes);
            evidence.reverse = measure(
                steps, lane, [&](int packet, Direction&) { return !lane.stopped() && prober.answer(packet, true, std::nullopt); },
                [&](const std::vector<int>& packets, Direction&) { return prober.df_all(packets, false, nullptr); });
            if (evidence.reverse.smallest_lost && !lane.stopped())
                evidence.reverse_limit = explain(lane, family, true, *evidence.reverse.smallest_lost, reverse_experiments,
                                                 reverse_probes);
        },
    });
    if (session.stopped()) return;
    for (auto& experiment : reverse_experiments) evidence.experiments.push_back(std::move(experiment));
    std::vector<std::string> probes = std::move(forward_probes);
    probes.insert(probes.end(), reverse_probes.begin(), reverse_probes.end());

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
