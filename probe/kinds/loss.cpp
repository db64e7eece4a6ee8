// loss: before the plan, the path's round-trip loss for small UDP queries — many echo queries on
// one flow, paced so a rate limiter does not answer for the path. Every cause is then weighed
// against this rate: a loss the kinds see is a fault only when random loss at it cannot explain it.
#include <thread>

#include "probe/judge/judge.h"
#include "probe/kinds/kinds.h"
#include "probe/net/net.h"

namespace dnspath::probe {

using model::Family;

namespace {

// 192 answered of 192 bound the loss under 3.4 % (99 %), so two lost tries already rule random loss
// out on a clean path; at 3 ms apart they take about 0.6 s, slow enough for a rate limiter.
constexpr int kSamples = 192;
constexpr std::chrono::milliseconds kGap{3};

}  // namespace

void measure_loss(Session& session, Family family, model::RunResult& result) {
    const int samples = kSamples * std::max(1, session.config().plan.repetitions);
    const auto& server = session.config().targets.at(family);
    std::vector<Session::BuiltQuery> built;
    std::vector<net::FlowSet::Send> sends;
    for (int i = 0; i < samples; ++i) {
        built.push_back(session.build({.kind = "loss", .edns = wire::Edns{}}));
        if (!built.back().error.empty()) return;
        sends.push_back({0, built.back().bytes});
    }
    // One flow: a state table counts it once, whatever a later kind asks of the table.
    auto flows = net::FlowSet::open(server, 1);
    if (!flows) return;
    const auto wait = std::max(session.timeout() * 2, std::chrono::milliseconds(600));
    auto replies = flows->exchange(sends, kGap, wait);
    if (!replies || session.stopped()) return;
    int lost = 0;
    auto local = net::local_address_toward(server);
    for (std::size_t i = 0; i < replies->size(); ++i) {
        const auto& reply = (*replies)[i];
        model::ProbeRecord record = flow_record(built[i], reply, "loss", family, local);
        if (!reply.answered) ++lost;
        session.records().push_back(std::move(record));
    }
    LossEstimate estimate{samples, lost, judge::loss_upper_bound(lost, samples)};
    session.set_loss(family, estimate);
    auto& summary = summary_for(result, family);
    summary.loss_rate = static_cast<double>(lost) / samples;
    summary.loss_samples = samples;
}

}  // namespace dnspath::probe
