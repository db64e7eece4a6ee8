// sessions: many new UDP flows at once, each from its own source port, as a busy resolver opens
// them. A NAT, CGN, firewall or load balancer with a small state table answers the first flows and
// silently drops the rest (DNSSEC Japan ⑤: number of UDP sessions). When flows are lost, a few
// more are sent one at a time: a rate limiter lets those through, a full state table does not.
#include <algorithm>
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

// How many of the flows, in send order, were answered before answers stopped: a state table
// answers a prefix; random loss leaves holes everywhere.
std::size_t answered_prefix(const std::vector<net::BurstReply>& replies) {
    std::size_t prefix = 0;
    while (prefix < replies.size() && replies[prefix].answered) ++prefix;
    return prefix;
}

// The flows of one round: built, sent on a set of flows kept open, and recorded as probes.
class FlowRound {
public:
    FlowRound(Session& session, Family family) : session_(session), family_(family) {}

    Result<void> open(int count) {
        DNSPATH_TRY(flows_, net::FlowSet::open(session_.config().targets.at(family_), static_cast<std::size_t>(count)));
        return Ok{};
    }
    // One query on each of `flows` (all of them when empty), at once or `gap` apart.
    Result<std::vector<net::BurstReply>> send(std::vector<std::size_t> flows, std::chrono::milliseconds gap) {
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

private:
    void record(const std::vector<Session::BuiltQuery>& built, const std::vector<net::BurstReply>& replies) {
        auto local = net::local_address_toward(session_.config().targets.at(family_));
        for (std::size_t i = 0; i < replies.size(); ++i) {
            const auto& reply = replies[i];
            model::ProbeRecord record;
            record.id = built[i].probe_id;
            record.kind = "sessions";
            record.family = family_;
            record.qname = built[i].name.to_string();
            record.dns_id = built[i].dns_id;
            record.bufsize = wire::Edns{}.udp_size;
            record.query_size = static_cast<std::uint32_t>(built[i].bytes.size());
            record.attempts = 1;
            record.outcome = reply.answered ? model::Outcome::answer : model::Outcome::timeout;
            if (reply.answered) record.answer_size = static_cast<std::uint32_t>(reply.answer.size());
            if (local) record.source = local->address() + ":" + std::to_string(reply.local_port);
            if (!reply.answered) lost_ids_.push_back(record.id);
            if (reply.answered)
                if (auto message = wire::decode(reply.answer); message) {
                    record.rcode = message->full_rcode();
                    record.echo = typed_echo(*message);
                    if (record.echo && record.echo->server) ++answered_by_[*record.echo->server];
                }
            session_.records().push_back(std::move(record));
        }
    }

    Session& session_;
    Family family_;
    std::optional<net::FlowSet> flows_;
    std::map<std::string, int> answered_by_;  // the echo's server=ID: which backend behind a balancer
    std::vector<std::string> lost_ids_;
};

std::size_t count_answered(const std::vector<net::BurstReply>& replies) {
    return static_cast<std::size_t>(std::count_if(replies.begin(), replies.end(), [](const auto& r) { return r.answered; }));
}

}  // namespace

void run_sessions(Session& session, Family family, model::RunResult& result) {
    FlowRound burst(session, family);
    auto opened = burst.open(session.config().plan.sessions);
    auto replies = opened ? burst.send({}, std::chrono::milliseconds(0)) : Result<std::vector<net::BurstReply>>(fail(opened.error().message));
    if (!replies) {
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail,
                    cause(CauseCode::probe_error, {{"detail", replies.error().message}}));
        return;
    }
    SessionOutcomes outcomes{replies->size(), count_answered(*replies), answered_prefix(*replies), burst.answered_by(),
                             std::nullopt, kPacedFlows, static_cast<int>(kPacedGap.count())};
    outcomes.loss = session.exchange_loss(family);
    std::vector<std::string> probes;
    for (std::size_t i = 0; i < burst.lost_ids().size() && i < 4; ++i) probes.push_back(burst.lost_ids()[i]);
    if (outcomes.answered < outcomes.flows && !session.stopped()) {
        // Lost flows: are new flows refused for a while (a full table), only too fast (a rate
        // limit), or lost at random? New flows one at a time, then the old flows asked again.
        FlowRound paced(session, family);
        auto paced_replies = paced.open(kPacedFlows) ? paced.send({}, kPacedGap) : Result<std::vector<net::BurstReply>>(fail(""));
        outcomes.paced_answered = paced_replies ? count_answered(*paced_replies) : 0;
        for (std::size_t i = 0; i < paced.lost_ids().size() && i < 8; ++i) probes.push_back(paced.lost_ids()[i]);
        std::vector<std::size_t> old;
        for (std::size_t i = 0; i < replies->size() && old.size() < static_cast<std::size_t>(kPacedFlows); ++i)
            if ((*replies)[i].answered) old.push_back(i);
        if (!old.empty()) {
            auto again = burst.send(old, kPacedGap);
            outcomes.old_flows = old.size();
            outcomes.old_answered = again ? count_answered(*again) : 0;
        }
    }
    judge_sessions(result, family, outcomes, probes);
}

void judge_sessions(model::RunResult& result, Family family, const SessionOutcomes& outcomes,
                    const std::vector<std::string>& probes) {
    model::Params figures{{"flows", outcomes.flows}, {"answered", outcomes.answered}, {"prefix", outcomes.prefix},
                          {"answered_by", outcomes.answered_by}, {"loss_rate", outcomes.loss}};
    if (outcomes.answered == outcomes.flows) {
        figures.erase("loss_rate");
        add_verdict(result, Checkpoint::udp_sessions, family, Status::pass, cause(CauseCode::ok, figures), probes);
        return;
    }
    const std::size_t paced_answered = outcomes.paced_answered.value_or(0);
    figures["paced_flows"] = outcomes.paced_flows;
    figures["paced_answered"] = paced_answered;
    figures["paced_gap_ms"] = outcomes.paced_gap_ms;
    if (outcomes.old_flows) {
        figures["old_flows"] = *outcomes.old_flows;
        figures["old_answered"] = outcomes.old_answered.value_or(0);
    }
    // How likely random loss at the path's rate loses as many as were lost, in each round.
    auto chance = [&](std::size_t lost, std::size_t sent) {
        return judge::chance_of_losing(static_cast<int>(lost), static_cast<int>(sent), outcomes.loss);
    };
    const double burst = chance(outcomes.flows - outcomes.answered, outcomes.flows);
    const double paced = outcomes.paced_answered ? chance(outcomes.paced_flows - paced_answered, outcomes.paced_flows) : 1.0;
    const double old = outcomes.old_flows ? chance(*outcomes.old_flows - *outcomes.old_answered, *outcomes.old_flows) : 1.0;
    const bool burst_beyond_loss = burst < judge::kSignificance;
    const bool new_refused = outcomes.paced_answered && paced < judge::kSignificance;
    const bool old_refused = outcomes.old_flows && old < judge::kSignificance;
    if (!burst_beyond_loss) {
        // As many flows were lost as the path loses anyway: the device held them all.
        figures["p_value"] = burst;
        add_verdict(result, Checkpoint::udp_sessions, family, Status::warn, cause(CauseCode::random_loss, figures), probes);
    } else if (outcomes.paced_answered && !new_refused) {
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail, cause(CauseCode::rate_limit, figures), probes);
    } else if (new_refused && outcomes.old_flows && !old_refused) {
        // New flows refused while the flows it holds still pass: a state table full at about
        // the number it answered.
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail, cause(CauseCode::state_table_full, figures), probes);
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
