// load: what the device costs under load — queries per second and latency through it (the
// target) against the same server without it (the baseline), closed-loop, spread over several
// flows as real clients are (DNSSEC Japan lab: load test through the router and the LB).
#include <cmath>

#include "probe/kinds/kinds.h"
#include "probe/net/net.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

model::Params figures_of(const net::LoadFigures& figures) {
    return {{"qps", std::round(figures.queries_per_second())},
            {"p50_ms", std::round(figures.percentile_ms(0.5) * 100) / 100},
            {"p99_ms", std::round(figures.percentile_ms(0.99) * 100) / 100},
            {"lost", figures.lost},
            {"sent", figures.sent}};
}

}  // namespace

void run_load(Session& session, Family family, model::RunResult& result) {
    const auto& config = session.config();
    if (!config.baseline.count(family)) {
        add_verdict(result, Checkpoint::device_load, family, Status::na, cause(CauseCode::not_measured, {{"why", "no-baseline"}}));
        return;
    }
    // The query dnsperf would send: the zone's SOA, a small answer, so the figures measure the
    // path and not the responder's signing or padding.
    auto built = session.build({.kind = "load", .edns = wire::Edns{}, .qtype = wire::rr_type::soa, .apex = true});
    if (!built.error.empty()) {
        add_verdict(result, Checkpoint::device_load, family, Status::fail, cause(CauseCode::probe_error, {{"error", model::to_params({"encode", "", 0, built.error_word, built.error})}}));
        return;
    }
    net::LoadOptions options;
    options.duration = std::chrono::milliseconds(1000 * config.plan.load_seconds);
    options.sockets = model::kLoadSourcePortCount / 2;
    options.first_source_port = model::kLoadSourcePortFirst;
    auto through = net::udp_load(config.targets.at(family), built.bytes, options);
    if (session.stopped()) return;
    net::LoadOptions baseline_options = options;
    baseline_options.first_source_port = static_cast<std::uint16_t>(options.first_source_port + options.sockets);
    auto direct = through ? net::udp_load(config.baseline.at(family), built.bytes, baseline_options) : through;
    if (!through || !direct) {
        add_verdict(result, Checkpoint::device_load, family, Status::fail,
                    cause(CauseCode::probe_error, {{"error", model::to_params(local_error(!through ? through.error() : direct.error()))}}));
        return;
    }
    auto& summary = summary_for(result, family);
    summary.load_qps_through = through->queries_per_second();
    summary.load_qps_baseline = direct->queries_per_second();
    summary.load_p99_ms_through = through->percentile_ms(0.99);
    summary.load_p99_ms_baseline = direct->percentile_ms(0.99);
    const double ratio = direct->queries_per_second() > 0 ? through->queries_per_second() / direct->queries_per_second() : 0;
    model::Params figures{{"through", figures_of(*through)}, {"baseline", figures_of(*direct)},
                          {"ratio", std::round(ratio * 100) / 100}, {"flows", options.sockets},
                          {"in_flight", options.outstanding}, {"seconds", config.plan.load_seconds}};
    // As docs/checkpoints.md says: over 1 % lost through the device, and more than without it.
    auto lost_fraction = [](const net::LoadFigures& load) {
        return load.sent > 0 ? static_cast<double>(load.lost) / static_cast<double>(load.sent) : 0.0;
    };
    const bool lossy = lost_fraction(*through) > 0.01 && lost_fraction(*through) > lost_fraction(*direct);
    auto overload = [&](const char* what) {
        figures["what"] = what;
        return cause(CauseCode::overload, figures);
    };
    if (through->answered == 0 && direct->answered == 0)
        add_verdict(result, Checkpoint::device_load, family, Status::fail, overload("nothing-answered"));
    else if (through->answered == 0)
        add_verdict(result, Checkpoint::device_load, family, Status::fail, overload("nothing-through"));
    else if (lossy)
        add_verdict(result, Checkpoint::device_load, family, Status::fail, overload("drops"));
    else if (ratio < 0.5)
        add_verdict(result, Checkpoint::device_load, family, Status::warn, overload("slow"));
    else
        add_verdict(result, Checkpoint::device_load, family, Status::pass, cause(CauseCode::ok, figures));
}

}  // namespace dnspath::probe
