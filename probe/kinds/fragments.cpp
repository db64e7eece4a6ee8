// fragments: answers too large for the link must arrive as IP fragments and be reassembled, and
// queries sent as crafted fragments (first fragment 1280 octets: JPRS F-147; and small 576-octet
// pieces) must reach the server. Decides udp-fragments (DNSSEC Japan ⑤ LB-2).
#include <algorithm>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

namespace {

constexpr std::size_t kFragmentedQuerySize = 1600;

}  // namespace

void run_fragments(Session& session, Family family, reports::RunResult& result) {
    const auto& server = session.config().targets.at(family);
    const int overhead = family == Family::ipv6 ? 48 : 28;  // IP + UDP headers (+ fragment header on v6)
    const int mtu = net::route_mtu(server).value_or(1500);
    std::vector<std::string> evidence, problems, passed;
    bool exercised = false;

    // Answers: every size above what one packet of the local link carries must be fragmented.
    wire::Edns edns;
    edns.udp_size = 4096;
    std::vector<std::uint32_t> sizes;
    for (int size : {mtu - overhead + 100, 3000, 4000})
        if (size > mtu - overhead && size <= 4096) sizes.push_back(static_cast<std::uint32_t>(size));
    for (auto size : sizes) {
        if (session.stopped()) return;
        auto outcome = session.ask(family, {.kind = "fragments", .size = size, .edns = edns});
        exercised = true;
        evidence.push_back(evidence_line(outcome, "fragmented answer of " + std::to_string(size)));
        if (outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size)
            passed.push_back("answer of " + std::to_string(size));
        else
            problems.push_back("a " + std::to_string(size) + "-octet answer (in fragments) " +
                               (outcome.answered() ? "arrived damaged" : "never arrived"));
    }
    if (sizes.empty())
        evidence.push_back("the local link's MTU (" + std::to_string(mtu) +
                           ") carries 4000-octet answers whole: answer fragmentation not exercised");

    // Queries: crafted fragments, the 1280-octet first fragment being the IPv6 minimum MTU case.
    bool raw_denied = false;
    for (std::size_t fragment_size : {std::size_t{1280}, std::size_t{576}}) {
        if (session.stopped()) return;
        wire::Edns query_edns;
        query_edns.udp_size = 1232;
        auto outcome = session.ask(family, {.kind = "fragments", .echo = true, .edns = query_edns,
                                            .query_size = kFragmentedQuerySize, .fragment_size = fragment_size});
        const std::string what = "a " + std::to_string(kFragmentedQuerySize) + "-octet query in fragments of " +
                                 std::to_string(fragment_size);
        evidence.push_back(evidence_line(outcome, what));
        if (outcome.detail.find("CAP_NET_RAW") != std::string::npos) {
            raw_denied = true;
            break;
        }
        exercised = true;
        if (outcome.answered() && echo_value(parse_echo(*outcome.message), "qlen") == std::to_string(outcome.query_size))
            passed.push_back("query in fragments of " + std::to_string(fragment_size));
        else
            problems.push_back(what + (outcome.answered() ? " got an answer without the echo" : " never got an answer"));
    }
    if (raw_denied) evidence.push_back("fragmented queries not sent: raw sockets need CAP_NET_RAW (run as root)");

    if (!problems.empty()) {
        std::string reason = join(problems);
        // Small fragments passing while link-sized ones vanish points at an MTU, not a filter.
        const bool small_fragments_pass =
            std::any_of(passed.begin(), passed.end(), [](const std::string& item) { return item.rfind("query", 0) == 0; });
        reason += small_fragments_pass
                      ? " — queries in small fragments pass, so fragments as such are not filtered: large ones "
                        "are lost (a smaller MTU further on, see pmtu, or a filter on the UDP length, see udp-large)"
                      : " — something on the path drops fragments";
        add_verdict(result, "udp-fragments", family, Status::fail, reason, evidence);
    } else if (!exercised) {
        add_verdict(result, "udp-fragments", family, Status::na, "nothing on this path needed fragments", evidence);
    } else {
        std::string reason = join(passed, ", ");
        add_verdict(result, "udp-fragments", family, raw_denied ? Status::warn : Status::pass,
                    "fragments pass: " + reason + (raw_denied ? " (fragmented queries not tested: no CAP_NET_RAW)" : ""),
                    evidence);
    }
}

}  // namespace dnspath::probe
