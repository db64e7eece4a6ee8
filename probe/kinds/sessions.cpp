// sessions: many new UDP flows at once, each from its own source port, as a busy resolver opens
// them. A NAT, CGN, firewall or load balancer with a small state table answers the first flows and
// silently drops the rest (DNSSEC Japan ⑤: number of UDP sessions).
#include <algorithm>
#include <map>

#include "probe/kinds/kinds.h"
#include "probe/net/burst.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

namespace {

// How many of the flows, in send order, were answered before answers stopped: a state table
// answers a prefix; random loss leaves holes everywhere.
std::size_t answered_prefix(const std::vector<net::BurstReply>& replies) {
    std::size_t prefix = 0;
    while (prefix < replies.size() && replies[prefix].answered) ++prefix;
    return prefix;
}

}  // namespace

void run_sessions(Session& session, Family family, reports::RunResult& result) {
    const auto& server = session.config().targets.at(family);
    const int count = session.config().plan.sessions;
    std::vector<Session::BuiltQuery> built;
    std::vector<wire::Bytes> queries;
    for (int i = 0; i < count; ++i) {
        built.push_back(session.build({.kind = "sessions", .echo = true, .edns = wire::Edns{}}));
        if (!built.back().error.empty()) {
            add_verdict(result, "udp-sessions", family, Status::fail, "cannot build a query: " + built.back().error);
            return;
        }
        queries.push_back(built.back().bytes);
    }
    // Long enough for every answer on a slow path, short enough that no state entry expires.
    const auto wait = std::max(session.timeout() * 2, std::chrono::milliseconds(1000));
    auto replies = net::udp_burst(server, queries, wait);
    if (!replies) {
        add_verdict(result, "udp-sessions", family, Status::fail, "cannot open the flows: " + replies.error().message);
        return;
    }
    auto local = net::local_address_toward(server);
    std::map<std::string, int> answered_by;  // the echo's server=ID: which backend behind a balancer
    std::size_t answered = 0;
    std::vector<std::pair<std::string, std::size_t>> lost_ids;  // probe id, flow number
    for (std::size_t i = 0; i < replies->size(); ++i) {
        const auto& reply = (*replies)[i];
        reports::ProbeRecord record;
        record.id = built[i].probe_id;
        record.kind = "sessions";
        record.family = std::string(reports::to_string(family));
        record.transport = "udp";
        record.request = "qname=" + built[i].name.to_string() + " flow " + std::to_string(i + 1) + " of " +
                         std::to_string(count);
        record.outcome = reply.answered ? "answer" : "timeout";
        record.answer_size = static_cast<int>(reply.answer.size());
        if (local) record.source = local->address() + ":" + std::to_string(reply.local_port);
        session.records().push_back(std::move(record));
        if (reply.answered) {
            ++answered;
            if (auto message = wire::decode(reply.answer); message)
                if (auto id = echo_value(parse_echo(*message), "server")) ++answered_by[*id];
        }
        else lost_ids.emplace_back(built[i].probe_id, i + 1);
    }
    const std::size_t total = replies->size();
    const std::size_t prefix = answered_prefix(*replies);
    std::vector<std::string> evidence{std::to_string(answered) + " of " + std::to_string(total) +
                                      " flows answered, the first " + std::to_string(prefix) + " in a row"};
    if (!answered_by.empty()) {
        std::string spread;
        for (const auto& [id, flows] : answered_by)
            spread += (spread.empty() ? "" : ", ") + id + " (" + std::to_string(flows) + ")";
        evidence.push_back("answered by " + spread);
    }
    for (std::size_t i = 0; i < lost_ids.size() && i < 4; ++i)
        evidence.push_back("probe " + lost_ids[i].first + " (flow " + std::to_string(lost_ids[i].second) + "): timeout");
    const std::string figures = std::to_string(answered) + " of " + std::to_string(total) + " new UDP flows";
    if (answered == total) {
        add_verdict(result, "udp-sessions", family, Status::pass,
                    figures + " opened at once were all answered (each from its own source port)", evidence);
    } else if (answered == 0) {
        add_verdict(result, "udp-sessions", family, Status::fail,
                    "none of " + std::to_string(total) +
                        " new UDP flows was answered: a state table already full, or every new flow dropped",
                    evidence);
    } else if (prefix * 100 >= answered * 95) {
        add_verdict(result, "udp-sessions", family, Status::fail,
                    "only the first " + std::to_string(prefix) + " of " + std::to_string(total) +
                        " new UDP flows were answered, then every new flow was dropped: a state table full at about " +
                        std::to_string(prefix) + " flows (plus what the path already held)",
                    evidence);
    } else if ((total - answered) * 100 <= total * 2) {
        add_verdict(result, "udp-sessions", family, Status::warn,
                    figures + " answered: scattered loss with no state-table pattern", evidence);
    } else {
        add_verdict(result, "udp-sessions", family, Status::fail,
                    figures + " answered, lost without a pattern (rate limit or overload?)", evidence);
    }
}

}  // namespace dnspath::probe
