// The kinds' pure judges: what the probe saw (recorded outcomes, as plain data) in, verdicts with
// cause codes out. No sockets, no session: each is unit-tested on hand-written outcomes, and the
// kind's measure function calls it once it has measured.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "probe/model/model.h"
#include "probe/wire/wire.h"

namespace dnspath::probe {

// edns-size: what became of one requested answer size.
enum class Delivery { delivered, truncated_tc, short_no_tc, lost, refused, other };

// What the limit experiments showed about answers lost above a size (null: not asked, or lost
// beyond the budget): the lost size in small crafted fragments, and a small answer in fragments.
struct LimitEvidence {
    std::optional<bool> large_fragments_pass;
    std::optional<bool> small_fragments_pass;
    std::uint32_t payload = 1472;  // the largest UDP payload one packet of the local link carries
    model::Params experiments = model::Params::array();
};
// The cause they point at: a limit on the IP packet that tells nobody (a PMTUD black hole for
// answers), on the UDP length (size cap), or on fragments (fragment filter, with a size cap
// besides when unfragmented answers die too).
model::Cause limit_cause(model::Family family, const LimitEvidence& evidence, std::uint32_t lost, model::Params figures);

// udp-large from the sizes asked and what became of each: cut short, random loss, a size limit of
// the kind the experiments found, a buffer cap, or a pass. `largest` is the refined largest
// delivered size.
void judge_udp_large(model::RunResult& result, model::Family family, const std::map<std::uint32_t, Delivery>& seen,
                     std::optional<std::uint32_t> largest, std::uint16_t advertised,
                     const std::vector<std::uint32_t>& sizes, const std::vector<std::string>& probes,
                     const std::optional<LimitEvidence>& limit = std::nullopt);

// pmtu: one direction's measurement (IP total lengths) and why a DF answer was lost.
struct Direction {
    std::optional<int> largest;   // largest packet that got through
    std::optional<int> smallest_lost;
    std::optional<int> icmp_mtu;  // what an ICMP too-big said, if one came back
    std::string icmp_from;
};
// What stops packets over a size in one direction, by experiment: an MTU (the same size without DF
// arrives, fragmented on the way), a limit on the IP packet (small crafted fragments of it arrive),
// on the UDP length (they do not, but a small message in fragments does), or fragments as such.
enum class PacketLimit { none, mtu, ip_length, udp_length, fragments };
struct PmtuEvidence {
    Direction forward, reverse;
    PacketLimit forward_limit = PacketLimit::none, reverse_limit = PacketLimit::none;
    int ceiling = 1500;
    model::Params experiments = model::Params::array();
};
void judge_pmtu(model::RunResult& result, model::Family family, const PmtuEvidence& evidence,
                const std::vector<std::string>& probes);

// udp-fragments: which answer sizes (sent in fragments) and which fragment sizes of the crafted
// queries passed or were lost; `raw_socket` false when queries could not be crafted.
struct FragmentOutcomes {
    std::vector<std::uint32_t> answers_passed, answers_lost, answers_damaged;
    std::vector<std::uint32_t> queries_passed, queries_lost;
    bool raw_socket = true;
    int mtu = 1500;
    // A small message in small fragments, asked when large ones were lost (null: not asked).
    std::optional<bool> small_answer_passes, small_query_passes;
    // The smallest lost answer again in 576-octet fragments (null: not asked).
    std::optional<bool> large_answer_in_pieces_passes;
};
void judge_fragments(model::RunResult& result, model::Family family, const FragmentOutcomes& outcomes,
                     const std::vector<std::string>& probes);

// udp-sessions: new flows sent at once (how many answered, how many of them first in a row, which
// backend answered) and, when some were lost, new flows sent one at a time afterwards.
struct SessionOutcomes {
    std::size_t flows = 0, answered = 0, prefix = 0;  // flows opened in the ramp, answered the first time
    std::map<std::string, int> answered_by;
    std::optional<std::size_t> paced_answered;  // null: not sent (nothing was lost)
    int paced_flows = 16;
    int paced_gap_ms = 25;
    std::optional<std::size_t> old_flows, old_answered;  // the oldest answered flows, asked again
    double loss = 0;  // the chance random loss alone loses one exchange on this path
    std::size_t tested_to = 0;             // the most flows held open at once (0: no ramp)
    std::optional<std::size_t> capacity;   // flows the table held when it filled (counted or bisected)
    bool evicts_old = false;               // old flows gone while new ones were all admitted
    std::size_t minimum = 0;               // plan.sessions_min: a table full below this fails
    bool out_of_files = false;             // the open-file limit ended the ramp before sessions_max
};
// All answered: pass. No more lost than random loss at the path's rate explains: random loss
// (warn). Beyond that: paced new flows pass — a rate limit; they are refused while the old flows
// still pass — a full state table (pass when it held plan.sessions_min flows or more); both
// refused — inconclusive between the two. Old flows lost while new ones pass: an evicting table.
void judge_sessions(model::RunResult& result, model::Family family, const SessionOutcomes& outcomes,
                    const std::vector<std::string>& probes);

// udp-mapping-timeout: answers asked to come back d seconds late, each delay on flows of its own.
struct MappingOutcomes {
    std::vector<double> delays_s;  // ascending
    std::vector<int> asked, answered;  // per delay: flows asked, flows whose late answer came back
    std::vector<bool> decided;     // per delay: its answers are overdue, so a silence counts
    int replicas = 2;              // flows per delay
    int confirm = 3;               // delays in a row with no answer at all that mark the expiry
    double tested_to_s = 0;        // the longest delay asked (plan.timeout_max_s)
    double minimum_s = 0;          // plan.mapping_timeout_min_s: a shorter timeout fails
    double loss = 0;               // the chance random loss alone loses one exchange on this path
};
// How a mapping-timeout run is laid out for a path: delays 5 % apart from 1 s to `longest_s`, the
// flows per delay, and how many wholly silent delays in a row mark the expiry, so that random loss
// at `exchange_loss` fakes one anywhere on the grid less often than judge::kSignificance.
MappingOutcomes plan_mapping(double exchange_loss, double longest_s);
// The lowest delay from which every decided delay got no answer, when at least `confirm` decided
// delays lie there; nullopt while the answers do not show an expiry.
std::optional<std::size_t> expiry_index(const MappingOutcomes& outcomes);
// The timeout is the midpoint of the longest answered delay below the expiry and the expiry: pass
// at plan.mapping_timeout_min_s or more, short-mapping-timeout below; no expiry up to the longest
// delay passes with a null timeout; a bracket wider than 25 % (chance losses) is inconclusive.
void judge_mapping_timeout(model::RunResult& result, model::Family family, const MappingOutcomes& outcomes,
                           const std::vector<std::string>& probes);

// The first flow an evicting table still holds, between `evicted` (gone) and `total` (the newest
// held), found by asking `held_at` within 2 % of `total`.
Result<std::size_t> bisect_boundary(std::size_t evicted, std::size_t total,
                                    const std::function<Result<bool>(std::size_t)>& held_at);

}  // namespace dnspath::probe
