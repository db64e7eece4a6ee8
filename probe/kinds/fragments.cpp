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
// A message well under any size limit, cut into pieces small enough that it takes three.
constexpr std::uint32_t kSmallMessage = 700;
constexpr std::uint32_t kSmallPiece = 320;
constexpr std::uint32_t kLargePiece = 576;

// The fragments a message of `size` octets takes in pieces of `piece` (headers counted), each of
// which random loss may take: the tries that rule loss out grow with them.
int pieces(std::size_t size, std::size_t piece) { return static_cast<int>((size + 48) / (piece - 48) + 1); }

}  // namespace

namespace {

// A fragmented question's answer is whole: the size asked, or (a query in fragments) an echo
// showing the query arrived at its full length.
bool arrived(const QuerySpec& spec, const QueryOutcome& outcome) {
    if (!outcome.answered()) return false;
    if (spec.size) return !outcome.message->header.tc && outcome.answer_size == *spec.size;
    return echo_value(parse_echo(*outcome.message), "qlen") == std::to_string(outcome.query_size);
}

bool raw_socket_missing(const QueryOutcome& outcome) { return outcome.error && outcome.error->code == "needs-capability"; }

// A query spec with the tries that rule random loss out over `fragments` packets.
QuerySpec confirmed(Session& session, Family family, QuerySpec spec, int fragments) {
    spec.tries = session.confirm_tries(family, fragments);
    return spec;
}

}  // namespace

// Everything is asked in two rounds, each at once so the lost questions' waits overlap: the
// fragmented answers and queries, then the experiments their losses call for.
void run_fragments(Session& session, Family family, model::RunResult& result) {
    const auto& server = session.config().targets.at(family);
    const int overhead = family == Family::ipv6 ? 48 : 28;  // IP + UDP headers (+ fragment header on v6)
    FragmentOutcomes outcomes;
    outcomes.mtu = net::route_mtu(server).value_or(1500);
    std::vector<std::string> probes;
    wire::Edns edns;
    edns.udp_size = 4096;
    wire::Edns query_edns;
    query_edns.udp_size = 1232;

    // Answers: every size above what one packet of the local link carries must be fragmented.
    // Queries: crafted fragments, the 1280-octet first fragment being the IPv6 minimum MTU case.
    std::vector<QuerySpec> first;
    for (int size : {outcomes.mtu - overhead + 100, 3000, 4000}) {
        if (size <= outcomes.mtu - overhead || size > 4096) continue;
        first.push_back(confirmed(session, family, {.kind = "fragments", .size = static_cast<std::uint32_t>(size), .edns = edns},
                                  (size + overhead) / (outcomes.mtu - overhead) + 1));
    }
    const std::size_t answer_count = first.size();
    for (std::uint32_t fragment_size : {1280u, 576u})
        first.push_back(confirmed(session, family,
                                  {.kind = "fragments", .echo = true, .edns = query_edns, .query_size = kFragmentedQuerySize,
                                   .fragment_size = fragment_size},
                                  pieces(kFragmentedQuerySize, fragment_size)));
    const auto asked = session.ask_all(family, first);
    if (session.stopped()) return;
    for (std::size_t i = 0; i < answer_count; ++i) {
        const auto requested = *first[i].size;
        if (arrived(first[i], asked[i])) {
            outcomes.answers_passed.push_back(requested);
            continue;
        }
        probes.push_back(asked[i].probe_id);
        (asked[i].answered() ? outcomes.answers_damaged : outcomes.answers_lost).push_back(requested);
    }
    outcomes.raw_socket = std::none_of(asked.begin() + static_cast<std::ptrdiff_t>(answer_count), asked.end(), raw_socket_missing);
    for (std::size_t i = answer_count; i < first.size() && outcomes.raw_socket; ++i) {
        const bool passed = arrived(first[i], asked[i]);
        if (!passed) probes.push_back(asked[i].probe_id);
        (passed ? outcomes.queries_passed : outcomes.queries_lost).push_back(static_cast<std::uint32_t>(*first[i].fragment_size));
    }

    // The smallest lost answer again in small fragments: arriving so, its fragments were too large
    // for a link (an MTU) — not its UDP length, which every first fragment carries. Small messages
    // in small fragments: a fragment filter loses them, a limit on the UDP length (whose first
    // fragment carries the whole length) does not.
    std::vector<QuerySpec> second;
    std::vector<std::optional<bool>*> into;
    if (!outcomes.answers_lost.empty()) {
        const auto lost = outcomes.answers_lost.front();
        second.push_back(confirmed(session, family,
                                   {.kind = "fragments", .size = lost, .edns = edns, .answer_fragment_size = kLargePiece},
                                   static_cast<int>(lost / (kLargePiece - 64) + 1)));
        into.push_back(&outcomes.large_answer_in_pieces_passes);
    }
    if (!outcomes.answers_lost.empty() || !outcomes.queries_lost.empty()) {
        second.push_back(confirmed(session, family,
                                   {.kind = "fragments", .size = kSmallMessage, .edns = edns, .answer_fragment_size = kSmallPiece},
                                   pieces(kSmallMessage, kSmallPiece)));
        into.push_back(&outcomes.small_answer_passes);
        if (outcomes.raw_socket) {
            second.push_back(confirmed(session, family,
                                       {.kind = "fragments", .echo = true, .edns = query_edns, .query_size = kSmallMessage,
                                        .fragment_size = kSmallPiece},
                                       pieces(kSmallMessage, kSmallPiece)));
            into.push_back(&outcomes.small_query_passes);
        }
    }
    const auto experiments = session.ask_all(family, second);
    for (std::size_t i = 0; i < second.size(); ++i) {
        if (raw_socket_missing(experiments[i])) continue;
        const bool passed = arrived(second[i], experiments[i]);
        if (!passed) probes.push_back(experiments[i].probe_id);
        *into[i] = passed;
    }
    judge_fragments(result, family, outcomes, probes);
}

namespace {

// Losses no limit explains: a query lost in pieces smaller than pieces of the same query that
// passed (a size limit takes both, an MTU the larger), or an answer lost while a larger one
// passed. Taken out of the evidence, they are left to random loss.
std::size_t drop_contradicted(FragmentOutcomes& outcomes) {
    auto contradicted = [](std::vector<std::uint32_t>& lost, const std::vector<std::uint32_t>& passed) {
        if (passed.empty()) return std::size_t{0};
        const auto largest = *std::max_element(passed.begin(), passed.end());
        return static_cast<std::size_t>(std::erase_if(lost, [&](std::uint32_t size) { return size < largest; }));
    };
    return contradicted(outcomes.queries_lost, outcomes.queries_passed) +
           contradicted(outcomes.answers_lost, outcomes.answers_passed);
}

void judge_fragment_evidence(model::RunResult& result, Family family, const FragmentOutcomes& outcomes,
                             const std::vector<std::string>& probes);

}  // namespace

void judge_fragments(model::RunResult& result, Family family, const FragmentOutcomes& outcomes,
                     const std::vector<std::string>& probes) {
    FragmentOutcomes consistent = outcomes;
    const std::size_t contradicted = drop_contradicted(consistent);
    const bool lost_more = !consistent.answers_lost.empty() || !consistent.queries_lost.empty() ||
                           !consistent.answers_damaged.empty();
    if (contradicted == 0 || lost_more) return judge_fragment_evidence(result, family, consistent, probes);
    // Everything lost contradicts every limit: the path lost it at random.
    add_verdict(result, Checkpoint::udp_fragments, family, Status::warn,
                cause(CauseCode::random_loss, {{"lost", contradicted}, {"instead_of", "fragment-filter"}}), probes);
}

namespace {

void judge_fragment_evidence(model::RunResult& result, Family family, const FragmentOutcomes& outcomes,
                             const std::vector<std::string>& probes) {
    model::Params figures{{"answers_passed", outcomes.answers_passed}, {"answers_lost", outcomes.answers_lost},
                          {"answers_damaged", outcomes.answers_damaged}, {"queries_passed", outcomes.queries_passed},
                          {"queries_lost", outcomes.queries_lost}, {"query_size", kFragmentedQuerySize},
                          {"raw_socket", outcomes.raw_socket}, {"family", to_string(family)}};
    const bool answers = !outcomes.answers_lost.empty() || !outcomes.answers_damaged.empty();
    const bool exercised = answers || !outcomes.answers_passed.empty() || !outcomes.queries_passed.empty() ||
                           !outcomes.queries_lost.empty();
    if (answers || !outcomes.queries_lost.empty()) {
        const bool small_answers_die = outcomes.small_answer_passes == false;
        const bool small_queries_die = outcomes.small_query_passes == false;
        model::Params experiments = model::Params::array();
        if (outcomes.small_answer_passes)
            experiments.push_back({{"what", "small-answer-in-fragments"}, {"size", kSmallMessage}, {"fragment", kSmallPiece},
                                   {"outcome", *outcomes.small_answer_passes ? "delivered" : "lost"}});
        if (outcomes.small_query_passes)
            experiments.push_back({{"what", "small-query-in-fragments"}, {"size", kSmallMessage}, {"fragment", kSmallPiece},
                                   {"outcome", *outcomes.small_query_passes ? "delivered" : "lost"}});
        if (outcomes.large_answer_in_pieces_passes)
            experiments.push_back({{"what", "lost-size-in-small-fragments"}, {"size", outcomes.answers_lost.front()},
                                   {"fragment", kLargePiece}, {"outcome", *outcomes.large_answer_in_pieces_passes ? "delivered" : "lost"}});
        // Queries in 1280-octet fragments lost while 576-octet ones pass: the fragments are too large.
        const bool queries_too_large = !outcomes.queries_lost.empty() && !outcomes.queries_passed.empty() &&
                                       *std::min_element(outcomes.queries_lost.begin(), outcomes.queries_lost.end()) >
                                           *std::max_element(outcomes.queries_passed.begin(), outcomes.queries_passed.end());
        const bool answers_too_large = outcomes.large_answer_in_pieces_passes == true;
        if (!experiments.empty()) figures["experiments"] = experiments;
        if (!small_answers_die && !small_queries_die && (answers_too_large || !answers) &&
            (queries_too_large || outcomes.queries_lost.empty())) {
            // Every loss was of fragments larger than the path carries, while the same messages in
            // small pieces arrive: an MTU nobody was told of, not a filter (see pmtu).
            figures["direction"] = answers && !outcomes.queries_lost.empty() ? "both" : answers ? "answers" : "queries";
            figures["see"] = "pmtu";
            add_verdict(result, Checkpoint::udp_fragments, family, Status::fail,
                        model::recast({CauseCode::size_cap, figures}, CauseCode::pmtud_blackhole,
                                      {{"direction", answers ? "answers" : "queries"}}),
                        probes);
        } else if (small_answers_die || small_queries_die) {
            // Fragments die whatever the message's size: a fragment filter, in the directions whose
            // small fragmented messages were lost.
            figures["direction"] = small_answers_die && small_queries_die ? "both" : small_answers_die ? "answers" : "queries";
            add_verdict(result, Checkpoint::udp_fragments, family, Status::fail, cause(CauseCode::fragment_filter, figures),
                        probes);
        } else if (outcomes.small_answer_passes || outcomes.small_query_passes ||
                   (!outcomes.queries_passed.empty() && outcomes.queries_lost.empty())) {
            // Small fragmented messages pass while large ones vanish: fragments as such are not
            // filtered; a limit on the UDP length (or an MTU further on) takes the large ones.
            figures["direction"] = answers && !outcomes.queries_lost.empty() ? "both" : answers ? "answers" : "queries";
            if (outcomes.small_answer_passes || outcomes.small_query_passes) figures["limit"] = "udp-length";
            add_verdict(result, Checkpoint::udp_fragments, family, Status::fail, cause(CauseCode::size_cap, figures), probes);
        } else {
            figures["direction"] = answers && !outcomes.queries_lost.empty() ? "both" : answers ? "answers" : "queries";
            add_verdict(result, Checkpoint::udp_fragments, family, Status::fail, cause(CauseCode::fragment_filter, figures),
                        probes);
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

}  // namespace

}  // namespace dnspath::probe
