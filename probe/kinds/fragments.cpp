// fragments: answers too large for the link must arrive as IP fragments and be reassembled, and
// queries sent as crafted fragments (first fragment 1280 octets: JPRS F-147; and small 576-octet
// pieces) must reach the server. Decides udp-fragments (DNSSEC Japan ⑤ LB-2).
#include <algorithm>

#include "probe/kinds/judges.h"
#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

constexpr std::size_t kFragmentedQuerySize = 1600;

}  // namespace

void run_fragments(Session& session, Family family, model::RunResult& result) {
    const auto& server = session.config().targets.at(family);
    const int overhead = family == Family::ipv6 ? 48 : 28;  // IP + UDP headers (+ fragment header on v6)
    FragmentOutcomes outcomes;
    outcomes.mtu = net::route_mtu(server).value_or(1500);
    std::vector<std::string> probes;

    // Answers: every size above what one packet of the local link carries must be fragmented.
    wire::Edns edns;
    edns.udp_size = 4096;
    for (int size : {outcomes.mtu - overhead + 100, 3000, 4000}) {
        if (size <= outcomes.mtu - overhead || size > 4096) continue;
        if (session.stopped()) return;
        const auto requested = static_cast<std::uint32_t>(size);
        auto outcome = session.ask(family, {.kind = "fragments", .size = requested, .edns = edns});
        if (outcome.answered() && !outcome.message->header.tc && outcome.answer_size == requested) {
            outcomes.answers_passed.push_back(requested);
            continue;
        }
        probes.push_back(outcome.probe_id);
        (outcome.answered() ? outcomes.answers_damaged : outcomes.answers_lost).push_back(requested);
    }

    // Queries: crafted fragments, the 1280-octet first fragment being the IPv6 minimum MTU case.
    for (std::uint32_t fragment_size : {1280u, 576u}) {
        if (session.stopped()) return;
        wire::Edns query_edns;
        query_edns.udp_size = 1232;
        auto outcome = session.ask(family, {.kind = "fragments", .echo = true, .edns = query_edns,
                                            .query_size = kFragmentedQuerySize, .fragment_size = fragment_size});
        if (outcome.detail.find("CAP_NET_RAW") != std::string::npos) {
            outcomes.raw_socket = false;
            break;
        }
        if (outcome.answered() && echo_value(parse_echo(*outcome.message), "qlen") == std::to_string(outcome.query_size)) {
            outcomes.queries_passed.push_back(fragment_size);
            continue;
        }
        probes.push_back(outcome.probe_id);
        outcomes.queries_lost.push_back(fragment_size);
    }
    judge_fragments(result, family, outcomes, probes);
}

void judge_fragments(model::RunResult& result, Family family, const FragmentOutcomes& outcomes,
                     const std::vector<std::string>& probes) {
    model::Params figures{{"answers_passed", outcomes.answers_passed}, {"answers_lost", outcomes.answers_lost},
                          {"answers_damaged", outcomes.answers_damaged}, {"queries_passed", outcomes.queries_passed},
                          {"queries_lost", outcomes.queries_lost}, {"query_size", kFragmentedQuerySize},
                          {"raw_socket", outcomes.raw_socket}, {"family", to_string(family)}};
    const bool answers = !outcomes.answers_lost.empty() || !outcomes.answers_damaged.empty();
    const bool exercised = answers || !outcomes.answers_passed.empty() || !outcomes.queries_passed.empty() ||
                           !outcomes.queries_lost.empty();
    if (answers || !outcomes.queries_lost.empty()) {
        // Small fragments passing while link-sized ones vanish points at an MTU or a size filter,
        // not at fragments as such.
        if (!outcomes.queries_passed.empty() && outcomes.queries_lost.empty()) {
            figures["direction"] = "answers";
            add_verdict(result, Checkpoint::udp_fragments, family, Status::fail, cause(CauseCode::size_cap, figures), probes);
        } else {
            figures["direction"] = answers && !outcomes.queries_lost.empty() ? "both" : answers ? "answers" : "queries";
            add_verdict(result, Checkpoint::udp_fragments, family, Status::fail, cause(CauseCode::fragment_filter, figures), probes);
        }
    } else if (!exercised) {
        figures["why"] = "not-exercised";
        figures["mtu"] = outcomes.mtu;
        add_verdict(result, Checkpoint::udp_fragments, family, Status::na, cause(CauseCode::not_measured, figures), probes);
    } else {
        add_verdict(result, Checkpoint::udp_fragments, family, outcomes.raw_socket ? Status::pass : Status::warn,
                    cause(CauseCode::ok, figures), probes);
    }
}

}  // namespace dnspath::probe
