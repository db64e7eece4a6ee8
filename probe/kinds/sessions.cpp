// sessions: many new UDP flows at once, each from its own source port, as a busy resolver opens
// them. A NAT, CGN, firewall or load balancer with a small state table answers the first flows and
// silently drops the rest (DNSSEC Japan ⑤: number of UDP sessions). When flows are lost, a few
// more are sent one at a time: a rate limiter lets those through, a full state table does not.
#include <algorithm>
#include <map>
#include <thread>

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

// The flows of one round: built, sent, and recorded as probes.
class FlowRound {
public:
    FlowRound(Session& session, Family family) : session_(session), family_(family) {}

    Result<void> build(int count) {
        for (int i = 0; i < count; ++i) {
            built_.push_back(session_.build({.kind = "sessions", .echo = true, .edns = wire::Edns{}}));
            if (!built_.back().error.empty()) return fail("cannot build a query: " + built_.back().error);
        }
        return Ok{};
    }
    // All at once (`paced` false), or one flow at a time with a gap between them.
    Result<void> send(bool paced) {
        const auto& server = session_.config().targets.at(family_);
        const auto wait = std::max(session_.timeout() * 2, std::chrono::milliseconds(1000));
        if (!paced) {
            std::vector<wire::Bytes> queries;
            for (const auto& query : built_) queries.push_back(query.bytes);
            DNSPATH_TRY(replies_, net::udp_burst(server, queries, wait));
        } else {
            for (const auto& query : built_) {
                if (session_.stopped()) break;
                DNSPATH_TRY(auto one, net::udp_burst(server, {query.bytes}, std::min(wait, std::chrono::milliseconds(500))));
                replies_.push_back(one.front());
                std::this_thread::sleep_for(kPacedGap);
            }
        }
        record(paced);
        return Ok{};
    }
    const std::vector<net::BurstReply>& replies() const { return replies_; }
    std::size_t answered() const {
        return static_cast<std::size_t>(std::count_if(replies_.begin(), replies_.end(), [](const auto& r) { return r.answered; }));
    }
    const std::map<std::string, int>& answered_by() const { return answered_by_; }
    // Probe ids of lost flows, for the verdict (capture follows them).
    std::vector<std::string> lost(std::size_t at_most) const {
        std::vector<std::string> ids;
        for (std::size_t i = 0; i < replies_.size() && ids.size() < at_most; ++i)
            if (!replies_[i].answered) ids.push_back(built_[i].probe_id);
        return ids;
    }

private:
    void record(bool paced) {
        (void)paced;
        auto local = net::local_address_toward(session_.config().targets.at(family_));
        for (std::size_t i = 0; i < replies_.size(); ++i) {
            const auto& reply = replies_[i];
            model::ProbeRecord record;
            record.id = built_[i].probe_id;
            record.kind = "sessions";
            record.family = family_;
            record.qname = built_[i].name.to_string();
            record.dns_id = built_[i].dns_id;
            record.bufsize = wire::Edns{}.udp_size;
            record.query_size = static_cast<std::uint32_t>(built_[i].bytes.size());
            record.attempts = 1;
            record.outcome = reply.answered ? model::Outcome::answer : model::Outcome::timeout;
            if (reply.answered) record.answer_size = static_cast<std::uint32_t>(reply.answer.size());
            if (local) record.source = local->address() + ":" + std::to_string(reply.local_port);
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
    std::vector<Session::BuiltQuery> built_;
    std::vector<net::BurstReply> replies_;
    std::map<std::string, int> answered_by_;  // the echo's server=ID: which backend behind a balancer
};

}  // namespace

void run_sessions(Session& session, Family family, model::RunResult& result) {
    FlowRound burst(session, family);
    auto sent = burst.build(session.config().plan.sessions);
    if (sent) sent = burst.send(false);
    if (!sent) {
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail,
                    cause(CauseCode::probe_error, {{"detail", sent.error().message}}));
        return;
    }
    SessionOutcomes outcomes{burst.replies().size(), burst.answered(), answered_prefix(burst.replies()),
                             burst.answered_by(), std::nullopt, kPacedFlows, static_cast<int>(kPacedGap.count())};
    auto probes = burst.lost(4);
    if (outcomes.answered < outcomes.flows) {
        // Lost flows: are new flows refused for a while (a full table) or only too fast (a rate limit)?
        FlowRound paced(session, family);
        auto paced_sent = paced.build(kPacedFlows);
        if (paced_sent) paced_sent = paced.send(true);
        outcomes.paced_answered = paced_sent ? paced.answered() : 0;
        for (const auto& id : paced.lost(8)) probes.push_back(id);
    }
    judge_sessions(result, family, outcomes, probes);
}

void judge_sessions(model::RunResult& result, Family family, const SessionOutcomes& outcomes,
                    const std::vector<std::string>& probes) {
    model::Params figures{{"flows", outcomes.flows}, {"answered", outcomes.answered}, {"prefix", outcomes.prefix},
                          {"answered_by", outcomes.answered_by}};
    if (outcomes.answered == outcomes.flows) {
        add_verdict(result, Checkpoint::udp_sessions, family, Status::pass, cause(CauseCode::ok, figures), probes);
        return;
    }
    const std::size_t paced_answered = outcomes.paced_answered.value_or(0);
    figures["paced_flows"] = outcomes.paced_flows;
    figures["paced_answered"] = paced_answered;
    figures["paced_gap_ms"] = outcomes.paced_gap_ms;
    const bool rate_limited = paced_answered * 8 >= static_cast<std::size_t>(outcomes.paced_flows) * 7;
    // A full table answers the first flows and none after; random loss leaves holes everywhere.
    const bool prefix_only = outcomes.prefix * 100 >= outcomes.answered * 95;
    const std::size_t lost = outcomes.flows - outcomes.answered;
    if (rate_limited && lost * 100 > outcomes.flows * 2)
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail, cause(CauseCode::rate_limit, figures), probes);
    else if (rate_limited)
        add_verdict(result, Checkpoint::udp_sessions, family, Status::warn, cause(CauseCode::random_loss, figures), probes);
    else if (prefix_only)
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail, cause(CauseCode::state_table_full, figures), probes);
    else
        add_verdict(result, Checkpoint::udp_sessions, family, Status::fail, cause(CauseCode::random_loss, figures), probes);
}

}  // namespace dnspath::probe
