// fragments: answers too large for the link must arrive as IP fragments and be reassembled, and
// queries sent as crafted fragments (first fragment 1280 octets: JPRS F-147; and small 576-octet
// pieces) must reach the server. Decides udp-fragments (DNSSEC Japan ⑤ LB-2).
#include <algorithm>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Family;
using model::Status;

namespace {

constexpr std::size_t kFragmentedQuerySize = 1600;

}  // namespace

void run_fragments(Session& session, Family family, model::RunResult& result) {
    const auto& server = session.config().targets.at(family);
    const int overhead = family == Family::ipv6 ? 48 : 28;  // IP + UDP headers (+ fragment header on v6)
    const int mtu = net::route_mtu(server).value_or(1500);
    std::vector<std::string> probes;
    std::vector<std::uint32_t> answers_lost, answers_damaged, answers_passed;
    std::vector<std::uint32_t> queries_lost, queries_passed;

    // Answers: every size above what one packet of the local link carries must be fragmented.
    wire::Edns edns;
    edns.udp_size = 4096;
    std::vector<std::uint32_t> sizes;
    for (int size : {mtu - overhead + 100, 3000, 4000})
        if (size > mtu - overhead && size <= 4096) sizes.push_back(static_cast<std::uint32_t>(size));
    for (auto size : sizes) {
        if (session.stopped()) return;
        auto outcome = session.ask(family, {.kind = "fragments", .size = size, .edns = edns});
        if (outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size) {
            answers_passed.push_back(size);
            continue;
        }
        probes.push_back(outcome.probe_id);
        (outcome.answered() ? answers_damaged : answers_lost).push_back(size);
    }

    // Queries: crafted fragments, the 1280-octet first fragment being the IPv6 minimum MTU case.
    bool raw_denied = false;
    for (std::uint32_t fragment_size : {1280u, 576u}) {
        if (session.stopped()) return;
        wire::Edns query_edns;
        query_edns.udp_size = 1232;
        auto outcome = session.ask(family, {.kind = "fragments", .echo = true, .edns = query_edns,
                                            .query_size = kFragmentedQuerySize, .fragment_size = fragment_size});
        if (outcome.detail.find("CAP_NET_RAW") != std::string::npos) {
            raw_denied = true;
            break;
        }
        if (outcome.answered() && echo_value(parse_echo(*outcome.message), "qlen") == std::to_string(outcome.query_size)) {
            queries_passed.push_back(fragment_size);
            continue;
        }
        probes.push_back(outcome.probe_id);
        queries_lost.push_back(fragment_size);
    }

    model::Params figures{{"answers_passed", answers_passed}, {"answers_lost", answers_lost},
                          {"answers_damaged", answers_damaged}, {"queries_passed", queries_passed},
                          {"queries_lost", queries_lost}, {"query_size", kFragmentedQuerySize},
                          {"raw_socket", !raw_denied}, {"family", to_string(family)}};
    const bool exercised = !sizes.empty() || !queries_passed.empty() || !queries_lost.empty();
    if (!answers_lost.empty() || !answers_damaged.empty() || !queries_lost.empty()) {
        // Small fragments passing while link-sized ones vanish points at an MTU or a size filter,
        // not at fragments as such.
        if (!queries_passed.empty() && queries_lost.empty()) {
            figures["direction"] = "answers";
            add_verdict(result, "udp-fragments", family, Status::fail, cause(CauseCode::size_cap, figures), probes);
        } else {
            const bool answers = !answers_lost.empty() || !answers_damaged.empty();
            figures["direction"] = answers && !queries_lost.empty() ? "both" : answers ? "answers" : "queries";
            add_verdict(result, "udp-fragments", family, Status::fail, cause(CauseCode::fragment_filter, figures), probes);
        }
    } else if (!exercised) {
        figures["why"] = "not-exercised";
        figures["mtu"] = mtu;
        add_verdict(result, "udp-fragments", family, Status::na, cause(CauseCode::not_measured, figures), probes);
    } else {
        add_verdict(result, "udp-fragments", family, raw_denied ? Status::warn : Status::pass, cause(CauseCode::ok, figures),
                    probes);
    }
}

}  // namespace dnspath::probe
