// sessions: many new UDP flows, each from its own source port, as a busy resolver opens them. A
// NAT, CGN, firewall or load balancer with a state table answers flows until it is full (DNSSEC
// Japan ⑤ LB-5: how many UDP sessions does the device hold?). The flows are held open in rounds
// that double their number, from plan.sessions to plan.sessions_max, until a round loses more than
// the path's loss explains. Then a few new flows are sent one at a time (a rate limiter lets them
// through, a full table does not), the oldest flows are asked again (a table that evicts old
// entries has lost them), and the filling round's lost flows are asked again: those whose entry
// was made (only the answer was lost) count as held, so the capacity is counted, not guessed.
#include <algorithm>
#include <functional>
#include <map>
#include <thread>

#include "probe/judge/judge.h"
#include "probe/kinds/judges.h"
#include "probe/kinds/kinds.h"
#include "probe/net/net.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

constexpr int kPacedFlows = 16;
constexpr std::chrono::milliseconds kPacedGap{25};
constexpr std::size_t kRecordedPerRound = 64;
// Ramp rounds after the first leave at 20,000 new flows a second: faster than any table fills
// or expires, slow enough that the probe's own queues and the path's links do not drop them.
constexpr std::chrono::microseconds kRampGap{50};
constexpr std::size_t kOldFlowsAsked = 16;

// The flows of one round: built, sent on a set of flows kept open, and recorded as probes.
class FlowRound {
public:
    FlowRound(Session& session, Family family) : session_(session), family_(family) {}

    Result<void> open(std::size_t count) {
        const auto& target = session_.config().targets.at(family_);
        if (!flows_) {
            DNSPATH_TRY(flows_, net::FlowSet::open(target, count, &session_.flow_ports()));
            return Ok{};
        }
        return flows_->grow(target, count);
    }
    std::size_t size() const { return flows_ ? flows_->size() : 0; }
    // One query on each of `flows` (all of them when empty), at once or `gap` apart.
    Result<std::vector<net::BurstReply>> send(std::vector<std::size_t> flows, std::chrono::microseconds gap) {
        if (flows.empty())
            for (std::size_t i = 0; i < flows_->size(); ++i) flows.push_back(i);
        std::vector<net::FlowSet::Send> sends;
        std::vector<Session::BuiltQuery> built;
        for (auto flow : flows) {
            built.push_back(session_.build({.kind = "sessions", .echo = true, .edns = wire::Edns{}}));
            if (!built.back().error.empty()) return fail("cannot build a query: " + built.back().error);
            sends.push_back({flow, built.back().bytes});
        }
        const auto wait = std::max(session_.timeout() * 2, std::chrono::milliseconds(1000));
        DNSPATH_TRY(auto replies, flows_->exchange(sends, gap, wait));
        record(built, replies);
        return replies;
    }
    const std::map<std::string, int>& answered_by() const { return answered_by_; }
    const std::vector<std::string>& lost_ids() const { return lost_ids_; }
    std::size_t lost_count() const { return lost_count_; }

private:
    void record(const std::vector<Session::BuiltQuery>& built, const std::vector<net::BurstReply>& replies) {
        auto local = net::local_address_toward(session_.config().targets.at(family_));
        // A ramp sends tens of thousands of flows: the first answered and the first lost of each
        // round are recorded as probes (the taps follow those), the rest only counted.
        std::size_t recorded_answered = 0, recorded_lost = 0;
        for (std::size_t i = 0; i < replies.size(); ++i) {
            const auto& reply = replies[i];
            if (!reply.answered) ++lost_count_;
            std::optional<wire::Message> message;
            if (reply.answered)
                if (auto decoded = wire::decode(reply.answer)) message = std::move(decoded).value();
            std::optional<model::Echo> echo = message ? typed_echo(*message) : std::nullopt;
            // Every answered flow counts for the backend that answered it, recorded or not.
            if (echo && echo->server) ++answered_by_[*echo->server];
            auto& recorded = reply.answered ? recorded_answered : recorded_lost;
            if (recorded++ >= kRecordedPerRound) continue;
            model::ProbeRecord record = flow_record(built[i], reply, "sessions", family_, local);
            if (!reply.answered) lost_ids_.push_back(record.id);
            if (message) {
                record.rcode = message->full_rcode();
                record.echo = std::move(echo);
            }
            session_.records().push_back(std::move(record));
        }
    }

    Session& session_;
    Family family_;
    std::optional<net::FlowSet> flows_;
    std::map<std::string, int> answered_by_;  // the echo's server=ID: which backend behind a balancer
    std::vector<std::string> lost_ids_;
    std::size_t lost_count_ = 0;
};

std::size_t count_answered(const std::vector<net::BurstReply>& replies) {
    return static_cast<std::size_t>(std::count_if(replies.begin(), replies.end(), [](const auto& r) { return r.answered; }));
}

}  // namespace

namespace {

std::vector<std::size_t> range_of(std::size_t from, std::size_t to) {
    std::vector<std::size_t> flows;
    for (std::size_t i = from; i < to; ++i) flows.push_back(i);
    return flows;
}

// Whether a round lost more flows than random loss at the path's rate explains. The ramp asks this
// twice a round for up to a dozen rounds, and one yes ends it with a claim (a full or an evicting
// table), so by default it is held to the run's claim bar, not to 1 % a question: at 25 % loss,
// 1 % each made a table "evict old flows" in about one lossy run in ten.
bool beyond_loss(std::size_t lost, std::size_t sent, double loss, double significance = judge::kClaimSignificance) {
    return lost > 0 && judge::chance_of_losing(static_cast<int>(lost), static_cast<int>(sent), loss) < significance;
}

// The ramp so far: each flow's first answer, in the order the flows were opened.
struct Ramp {
    std::vector<bool> answered;
    std::optional<std::size_t> filled_from;  // the first flow of the round that lost beyond loss
    std::optional<std::size_t> evicted_in;   // the total held when old flows were found gone
    std::size_t next_old = 0;                // the oldest flow not yet asked again
    bool out_of_files = false;               // the open-file limit stopped the ramp short of sessions_max
};

// Asks again the oldest answered flows not asked yet: a table that evicts old entries to admit
// new ones has lost them. Whether more were lost than the path's loss explains.
Result<bool> old_flows_evicted(FlowRound& flows, Ramp& ramp, double loss, SessionOutcomes& outcomes) {
    std::vector<std::size_t> old;
    for (; ramp.next_old < ramp.answered.size() && old.size() < kOldFlowsAsked; ++ramp.next_old)
        if (ramp.answered[ramp.next_old]) old.push_back(ramp.next_old);
    if (old.empty()) return false;
    DNSPATH_TRY(auto again, flows.send(old, std::chrono::milliseconds(1)));
    outcomes.old_flows = outcomes.old_flows.value_or(0) + old.size();
    outcomes.old_answered = outcomes.old_answered.value_or(0) + count_answered(again);
    return beyond_loss(old.size() - count_answered(again), old.size(), loss);
}

// Rounds that double the flows held open, from plan.sessions to plan.sessions_max, until one loses
// new flows or old ones beyond the path's loss.
Result<Ramp> ramp_up(FlowRound& flows, Session& session, Family family, SessionOutcomes& outcomes) {
    const auto& plan = session.config().plan;
    const double loss = session.exchange_loss(family);
    Ramp ramp;
    auto total = static_cast<std::size_t>(plan.sessions);
    for (bool first = true; !session.stopped(); first = false) {
        const std::size_t from = flows.size();
        // A round's new flows each hold a socket while their answers are awaited (held flows do
        // not): a round larger than this process may open files for is split over rounds.
        const std::size_t room = net::open_file_headroom();
        if (room == 0) {
            ramp.out_of_files = true;
            break;
        }
        total = std::min(total, from + room);
        DNSPATH_TRY_VOID(flows.open(total - from));
        // The first round leaves at once, as a burst of a busy resolver's flows does.
        DNSPATH_TRY(auto replies, flows.send(range_of(from, total), first ? std::chrono::microseconds(0) : kRampGap));
        for (const auto& reply : replies) ramp.answered.push_back(reply.answered);
        if (beyond_loss(replies.size() - count_answered(replies), replies.size(), loss)) {
            ramp.filled_from = from;
            break;
        }
        DNSPATH_TRY(bool evicted, old_flows_evicted(flows, ramp, loss, outcomes));
        if (evicted) {
            ramp.evicted_in = total;
            break;
        }
        if (total >= static_cast<std::size_t>(plan.sessions_max)) break;
        total = std::min(total * 2, static_cast<std::size_t>(plan.sessions_max));
    }
    return ramp;
}

// After a round that filled: new flows one at a time (a rate limiter lets them through, a full
// table does not), the oldest flows again (still held by a table that refuses new ones), and the
// round's lost flows again — an entry made for a flow whose answer was lost still passes, so the
// flows held are counted, loss or not.
Result<void> follow_up_filled(Session& session, Family family, FlowRound& flows, Ramp& ramp, SessionOutcomes& outcomes,
                              std::vector<std::string>& probes) {
    FlowRound paced(session, family);
    DNSPATH_TRY_VOID(paced.open(kPacedFlows));
    DNSPATH_TRY(auto paced_replies, paced.send({}, kPacedGap));
    outcomes.paced_answered = count_answered(paced_replies);
    for (std::size_t i = 0; i < paced.lost_ids().size() && i < 8; ++i) probes.push_back(paced.lost_ids()[i]);
    DNSPATH_TRY(bool evicted, old_flows_evicted(flows, ramp, session.exchange_loss(family), outcomes));
    (void)evicted;  // counted in outcomes: the judge weighs old flows lost against the loss rate
    std::vector<std::size_t> lost;
    for (std::size_t i = *ramp.filled_from; i < ramp.answered.size(); ++i)
        if (!ramp.answered[i]) lost.push_back(i);
    DNSPATH_TRY(auto again, flows.send(lost, kRampGap));
    outcomes.capacity = outcomes.answered + count_answered(again);
    return Ok{};
}

// An evicting table: the boundary between the flows it dropped and those it holds, bisected over
// the flows in the order they were opened (asking an evicted flow again makes one new entry, so
// each step moves the boundary by at most a few flows).
Result<std::size_t> evicting_capacity(FlowRound& flows, const Ramp& ramp, double loss) {
    auto held_at = [&](std::size_t index) -> Result<bool> {
        std::vector<std::size_t> sample;
        for (std::size_t i = index; i < ramp.answered.size() && sample.size() < 3; ++i) sample.push_back(i);
        DNSPATH_TRY(auto again, flows.send(sample, std::chrono::milliseconds(1)));
        // Three flows a step: the claim bar would need all three lost even on a clean path.
        return !beyond_loss(sample.size() - count_answered(again), sample.size(), std::max(loss, 0.05), judge::kSignificance);
    };
    DNSPATH_TRY(std::size_t boundary, bisect_boundary(ramp.next_old, ramp.answered.size(), held_at));
    return ramp.answered.size() - boundary;
}

}  // namespace

Result<std::size_t> bisect_boundary(std::size_t evicted, std::size_t total,
                                    const std::function<Result<bool>(std::size_t)>& held_at) {
    // Invariant: the flow at `evicted` is gone, the newest (total - 1) is held. Stop within 2 %.
    std::size_t low = evicted, high = total;
    const std::size_t tolerance = std::max<std::size_t>(1, total / 50);
    while (high - low > tolerance) {
        const std::size_t middle = low + (high - low) / 2;
        DNSPATH_TRY(bool held, held_at(middle));
        (held ? high : low) = middle;
    }
    return high;
}

void run_sessions(Session& session, Family family, model::RunResult& result) {
    FlowRound flows(session, family);
    SessionOutcomes outcomes;
    outcomes.paced_flows = kPacedFlows;
    outcomes.paced_gap_ms = static_cast<int>(kPacedGap.count());
    outcomes.loss = session.exchange_loss(family);
    outcomes.minimum = static_cast<std::size_t>(session.config().plan.sessions_min);
    auto ramp = ramp_up(flows, session, family, outcomes);
    std::vector<std::string> probes;
    Result<void> followed = Ok{};
    if (ramp) {
        outcomes.flows = outcomes.tested_to = ramp->answered.size();
        outcomes.out_of_files = ramp->out_of_files;
        outcomes.answered = static_cast<std::size_t>(std::count(ramp->answered.begin(), ramp->answered.end(), true));
        while (outcomes.prefix < ramp->answered.size() && ramp->answered[outcomes.prefix]) ++outcomes.prefix;
        outcomes.answered_by = flows.answered_by();
        for (std::size_t i = 0; i < flows.lost_ids().size() && i < 4; ++i) probes.push_back(flows.lost_ids()[i]);
        if (ramp->filled_from && !session.stopped()) followed = follow_up_filled(session, family, flows, *ramp, outcomes, probes);
        if (ramp->evicted_in && !session.stopped()) {
            outcomes.evicts_old = true;
            auto capacity = evicting_capacity(flows, *ramp, outcomes.loss);
            if (capacity) outcomes.capacity = *capacity;
            else followed = fail(capacity.error().message);
        }
    }
    if (!ramp || !followed) {
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail,
                    cause(CauseCode::probe_error, {{"error", model::to_params(local_error(!ramp ? ramp.error() : followed.error()))}}));
        return;
    }
    judge_sessions(result, family, outcomes, probes);
}

namespace {

// The ramp's figures on the verdict and in the summary: how far the table was tested, what it held.
void state_table_figures(model::RunResult& result, Family family, const SessionOutcomes& outcomes,
                         model::Params& figures, const char* policy) {
    auto& summary = summary_for(result, family);
    if (outcomes.tested_to == 0) return;
    summary.state_table_tested_to = static_cast<int>(outcomes.tested_to);
    figures["tested_to"] = outcomes.tested_to;
    if (outcomes.out_of_files) figures["stopped_by"] = "open-files";
    if (outcomes.minimum) figures["minimum"] = outcomes.minimum;
    if (!policy) return;
    summary.state_table_policy = policy;
    figures["policy"] = policy;
    if (outcomes.capacity) {
        summary.state_table_capacity = static_cast<int>(*outcomes.capacity);
        figures["capacity"] = *outcomes.capacity;
    }
}

}  // namespace

void judge_sessions(model::RunResult& result, Family family, const SessionOutcomes& outcomes,
                    const std::vector<std::string>& probes) {
    model::Params figures{{"flows", outcomes.flows}, {"answered", outcomes.answered}, {"prefix", outcomes.prefix},
                          {"answered_by", outcomes.answered_by}, {"loss_rate", outcomes.loss}};
    // How likely random loss at the path's rate loses as many as were lost, in each round.
    auto chance = [&](std::size_t lost, std::size_t sent) {
        return judge::chance_of_losing(static_cast<int>(lost), static_cast<int>(sent), outcomes.loss);
    };
    const double old = outcomes.old_flows ? chance(*outcomes.old_flows - *outcomes.old_answered, *outcomes.old_flows) : 1.0;
    if (outcomes.old_flows) {
        figures["old_flows"] = *outcomes.old_flows;
        figures["old_answered"] = outcomes.old_answered.value_or(0);
    }
    // A table that admits every new flow by evicting old ones: full at the capacity bisected.
    if (outcomes.evicts_old) {
        state_table_figures(result, family, outcomes, figures, "evict-old");
        const bool enough = outcomes.capacity && *outcomes.capacity >= outcomes.minimum;
        add_verdict(result, Checkpoint::udp_sessions, family, enough ? Status::pass : Status::fail,
                    cause(enough ? CauseCode::ok : CauseCode::state_table_full, figures), probes);
        return;
    }
    if (outcomes.answered == outcomes.flows) {
        figures.erase("loss_rate");
        state_table_figures(result, family, outcomes, figures, nullptr);
        add_verdict(result, Checkpoint::udp_sessions, family, Status::pass, cause(CauseCode::ok, figures), probes);
        return;
    }
    const std::size_t paced_answered = outcomes.paced_answered.value_or(0);
    figures["paced_flows"] = outcomes.paced_flows;
    figures["paced_answered"] = paced_answered;
    figures["paced_gap_ms"] = outcomes.paced_gap_ms;
    const double burst = chance(outcomes.flows - outcomes.answered, outcomes.flows);
    const double paced = outcomes.paced_answered ? chance(outcomes.paced_flows - paced_answered, outcomes.paced_flows) : 1.0;
    // Lost beyond loss is a claim (held to the run's bar); old flows kept is the absence of one.
    const bool burst_beyond_loss = burst < judge::kClaimSignificance;
    const bool new_refused = outcomes.paced_answered && paced < judge::kClaimSignificance;
    const bool old_refused = outcomes.old_flows && old < judge::kSignificance;
    if (!burst_beyond_loss) {
        // As many flows were lost as the path loses anyway: the device held them all.
        figures["p_value"] = burst;
        state_table_figures(result, family, outcomes, figures, nullptr);
        add_verdict(result, Checkpoint::udp_sessions, family, Status::warn, cause(CauseCode::random_loss, figures), probes);
    } else if (outcomes.paced_answered && !new_refused) {
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail, cause(CauseCode::rate_limit, figures), probes);
    } else if (new_refused && outcomes.old_flows && !old_refused) {
        // New flows refused while the flows it holds still pass: a state table, full at the flows
        // it held; below the plan's minimum it fails.
        state_table_figures(result, family, outcomes, figures, "refuse-new");
        const std::size_t held = outcomes.capacity.value_or(outcomes.answered);
        const bool enough = outcomes.minimum > 0 && held >= outcomes.minimum;
        add_verdict(result, Checkpoint::udp_sessions, family, enough ? Status::pass : Status::fail,
                    cause(enough ? CauseCode::ok : CauseCode::state_table_full, figures), probes);
    } else {
        figures["candidates"] = {"state-table-full", "rate-limit"};
        figures["p_value"] = std::max(paced, old);
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail,
                    model::recast({CauseCode::state_table_full, figures}, CauseCode::inconclusive,
                                  {{"candidates", {"state-table-full", "rate-limit"}}}),
                    probes);
    }
}

}  // namespace dnspath::probe
