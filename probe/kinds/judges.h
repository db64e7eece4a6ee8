// The kinds' pure judges: what the probe saw (recorded outcomes, as plain data) in, verdicts with
// cause codes out. No sockets, no session: each is unit-tested on hand-written outcomes, and the
// kind's measure function calls it once it has measured.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "probe/model/model.h"

namespace dnspath::probe {

// edns-size: what became of one requested answer size.
enum class Delivery { delivered, truncated_tc, short_no_tc, lost, refused, other };

// udp-large from the sizes asked and what became of each: cut short, random loss, a size cap, a
// buffer cap, or a pass. `largest` is the refined largest delivered size.
void judge_udp_large(model::RunResult& result, model::Family family, const std::map<std::uint32_t, Delivery>& seen,
                     std::optional<std::uint32_t> largest, std::uint16_t advertised,
                     const std::vector<std::uint32_t>& sizes, const std::vector<std::string>& probes);

// pmtu: one direction's measurement (IP total lengths) and why a DF answer was lost.
struct Direction {
    std::optional<int> largest;   // largest packet that got through
    std::optional<int> smallest_lost;
    std::optional<int> icmp_mtu;  // what an ICMP too-big said, if one came back
    std::string icmp_from;
};
enum class LostAnswer { none, mtu, size_filter, black_hole };
void judge_pmtu(model::RunResult& result, model::Family family, const Direction& forward, const Direction& reverse,
                LostAnswer lost_answer, int ceiling, const std::vector<std::string>& probes);

// udp-fragments: which answer sizes (sent in fragments) and which fragment sizes of the crafted
// queries passed or were lost; `raw_socket` false when queries could not be crafted.
struct FragmentOutcomes {
    std::vector<std::uint32_t> answers_passed, answers_lost, answers_damaged;
    std::vector<std::uint32_t> queries_passed, queries_lost;
    bool raw_socket = true;
    int mtu = 1500;
};
void judge_fragments(model::RunResult& result, model::Family family, const FragmentOutcomes& outcomes,
                     const std::vector<std::string>& probes);

// udp-sessions: new flows sent at once (how many answered, how many of them first in a row, which
// backend answered) and, when some were lost, new flows sent one at a time afterwards.
struct SessionOutcomes {
    std::size_t flows = 0, answered = 0, prefix = 0;
    std::map<std::string, int> answered_by;
    std::optional<std::size_t> paced_answered;  // null: not sent (nothing was lost)
    int paced_flows = 16;
    int paced_gap_ms = 25;
};
// All answered: pass. Lost, but paced flows pass: a rate limit (or scattered loss when under 2 %
// were lost). Paced flows lost too: a full state table when the answered flows are a prefix,
// random loss when the losses are scattered.
void judge_sessions(model::RunResult& result, model::Family family, const SessionOutcomes& outcomes,
                    const std::vector<std::string>& probes);

}  // namespace dnspath::probe
