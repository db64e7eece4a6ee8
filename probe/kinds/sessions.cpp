// sessions: many new UDP flows at once, each from its own source port, as a busy resolver opens
// them. A NAT, CGN, firewall or load balancer with a small state table answers the first flows and
// silently drops the rest (DNSSEC Japan ⑤: number of UDP sessions). When flows are lost, a few
// more are sent one at a time: a rate limiter lets those through, a full state table does not.
#include <algorithm>
#include <map>
#include <thread>

#include "probe/kinds/kinds.h"
#include "probe/net/burst.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

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
    // Probe ids of lost flows with their flow numbers, for evidence lines the capture can cite.
    std::vector<std::pair<std::string, std::size_t>> lost() const {
        std::vector<std::pair<std::string, std::size_t>> ids;
        for (std::size_t i = 0; i < replies_.size(); ++i)
            if (!replies_[i].answered) ids.emplace_back(built_[i].probe_id, i + 1);
        return ids;
    }

private:
    void record(bool paced) {
        auto local = net::local_address_toward(session_.config().targets.at(family_));
        for (std::size_t i = 0; i < replies_.size(); ++i) {
            const auto& reply = replies_[i];
            reports::ProbeRecord record;
            record.id = built_[i].probe_id;
            record.kind = "sessions";
            record.family = std::string(reports::to_string(family_));
            record.transport = "udp";
            record.request = "qname=" + built_[i].name.to_string() + (paced ? " paced flow " : " flow ") +
                             std::to_string(i + 1) + " of " + std::to_string(built_.size());
            record.outcome = reply.answered ? "answer" : "timeout";
            record.answer_size = static_cast<int>(reply.answer.size());
            if (local) record.source = local->address() + ":" + std::to_string(reply.local_port);
            session_.records().push_back(std::move(record));
            if (!reply.answered) continue;
            if (auto message = wire::decode(reply.answer); message)
                if (auto id = echo_value(parse_echo(*message), "server")) ++answered_by_[*id];
        }
    }

    Session& session_;
    Family family_;
    std::vector<Session::BuiltQuery> built_;
    std::vector<net::BurstReply> replies_;
    std::map<std::string, int> answered_by_;  // the echo's server=ID: which backend behind a balancer
};

}  // namespace

void run_sessions(Session& session, Family family, reports::RunResult& result) {
    FlowRound burst(session, family);
    auto sent = burst.build(session.config().plan.sessions);
    if (sent) sent = burst.send(false);
    if (!sent) {
        add_verdict(result, "udp-sessions", family, Status::fail, sent.error().message);
        return;
    }
    const std::size_t total = burst.replies().size();
    const std::size_t answered = burst.answered();
    const std::size_t prefix = answered_prefix(burst.replies());
    std::vector<std::string> evidence{std::to_string(answered) + " of " + std::to_string(total) +
                                      " flows sent at once answered, the first " + std::to_string(prefix) + " in a row"};
    if (!burst.answered_by().empty()) {
        std::string spread;
        for (const auto& [id, flows] : burst.answered_by())
            spread += (spread.empty() ? "" : ", ") + id + " (" + std::to_string(flows) + ")";
        evidence.push_back("answered by " + spread);
    }
    const auto lost = burst.lost();
    for (std::size_t i = 0; i < lost.size() && i < 4; ++i)
        evidence.push_back("probe " + lost[i].first + " (flow " + std::to_string(lost[i].second) + "): timeout");
    const std::string figures = std::to_string(answered) + " of " + std::to_string(total) + " new UDP flows";
    if (answered == total) {
        add_verdict(result, "udp-sessions", family, Status::pass,
                    figures + " opened at once were all answered (each from its own source port)", evidence);
        return;
    }
    // Lost flows: are new flows refused for a while (a full table) or only too fast (a rate limit)?
    FlowRound paced(session, family);
    std::size_t paced_answered = 0;
    auto paced_sent = paced.build(kPacedFlows);
    if (paced_sent) paced_sent = paced.send(true);
    if (paced_sent) {
        paced_answered = paced.answered();
        evidence.push_back(std::to_string(paced_answered) + " of " + std::to_string(paced.replies().size()) +
                           " new flows sent one at a time, " + std::to_string(kPacedGap.count()) + " ms apart, answered");
        for (const auto& [id, flow] : paced.lost())
            if (evidence.size() < 12) evidence.push_back("probe " + id + " (paced flow " + std::to_string(flow) + "): timeout");
    }
    const bool rate_limited = paced_answered * 8 >= static_cast<std::size_t>(kPacedFlows) * 7;
    if (rate_limited && (total - answered) * 100 > total * 2) {
        add_verdict(result, "udp-sessions", family, Status::fail,
                    "new UDP flows are rate-limited: only " + figures + " sent at once were answered, but " +
                        std::to_string(paced_answered) + " of " + std::to_string(kPacedFlows) +
                        " sent one at a time were (a rate limit, not a full state table)",
                    evidence);
    } else if (rate_limited) {
        add_verdict(result, "udp-sessions", family, Status::warn,
                    figures + " answered: scattered loss with no state-table pattern", evidence);
    } else if (answered == 0) {
        add_verdict(result, "udp-sessions", family, Status::fail,
                    "none of " + std::to_string(total) +
                        " new UDP flows was answered, nor new flows sent one at a time: a state table already full, "
                        "or every new flow dropped",
                    evidence);
    } else {
        add_verdict(result, "udp-sessions", family, Status::fail,
                    "only " + (prefix * 100 >= answered * 95 ? "the first " + std::to_string(prefix) : std::to_string(answered)) +
                        " of " + std::to_string(total) +
                        " new UDP flows were answered, and new flows sent one at a time afterwards are dropped too: a "
                        "state table full at about " + std::to_string(answered) + " flows (plus what the path already held)",
                    evidence);
    }
}

}  // namespace dnspath::probe
