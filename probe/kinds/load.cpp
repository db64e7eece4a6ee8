// load: what the device costs under load — queries per second and latency through it (the
// target) against the same server without it (the baseline), closed-loop, spread over several
// flows as real clients are (DNSSEC Japan lab: load test through the router and the LB).
#include <cstdio>

#include "probe/kinds/kinds.h"
#include "probe/net/burst.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

namespace {

std::string describe(const net::LoadFigures& figures) {
    char text[200];
    std::snprintf(text, sizeof text, "%.0f q/s, latency p50 %.2f ms p99 %.2f ms, %llu of %llu lost",
                  figures.queries_per_second(), figures.percentile_ms(0.5), figures.percentile_ms(0.99),
                  static_cast<unsigned long long>(figures.lost), static_cast<unsigned long long>(figures.sent));
    return text;
}

}  // namespace

void run_load(Session& session, Family family, reports::RunResult& result) {
    const auto& config = session.config();
    if (!config.baseline.count(family)) {
        add_verdict(result, "device-load", family, Status::na,
                    "no baseline to compare with: give --baseline ADDRESS or target.baseline (the server reached "
                    "without the device)");
        return;
    }
    // The query dnsperf would send: the zone's SOA, a small answer, so the figures measure the
    // path and not the responder's signing or padding.
    auto built = session.build({.kind = "load", .edns = wire::Edns{}, .qtype = wire::rr_type::soa, .apex = true});
    if (!built.error.empty()) {
        add_verdict(result, "device-load", family, Status::fail, "cannot build the load query: " + built.error);
        return;
    }
    net::LoadOptions options;
    options.duration = std::chrono::milliseconds(1000 * config.plan.load_seconds);
    options.sockets = reports::kLoadSourcePortCount / 2;
    options.first_source_port = reports::kLoadSourcePortFirst;
    auto through = net::udp_load(config.targets.at(family), built.bytes, options);
    if (session.stopped()) return;
    net::LoadOptions baseline_options = options;
    baseline_options.first_source_port = static_cast<std::uint16_t>(options.first_source_port + options.sockets);
    auto direct = through ? net::udp_load(config.baseline.at(family), built.bytes, baseline_options) : through;
    if (!through || !direct) {
        add_verdict(result, "device-load", family, Status::fail,
                    "cannot run the load: " + (!through ? through.error().message : direct.error().message));
        return;
    }
    auto& summary = summary_for(result, family);
    summary.load_qps_through = through->queries_per_second();
    summary.load_qps_baseline = direct->queries_per_second();
    summary.load_p99_ms_through = through->percentile_ms(0.99);
    summary.load_p99_ms_baseline = direct->percentile_ms(0.99);
    const double ratio = direct->queries_per_second() > 0 ? through->queries_per_second() / direct->queries_per_second() : 0;
    char ratio_text[64];
    std::snprintf(ratio_text, sizeof ratio_text, "%.2f", ratio);
    std::vector<std::string> evidence{
        "through the device (" + config.targets.at(family).address() + "): " + describe(*through),
        "without it (" + config.baseline.at(family).address() + "): " + describe(*direct),
        std::to_string(options.sockets) + " flows each, from ports " + std::to_string(options.first_source_port) + "-" +
            std::to_string(options.first_source_port + 2 * options.sockets - 1) + ", " +
            std::to_string(options.outstanding) + " queries in flight, " + std::to_string(config.plan.load_seconds) +
            " s each"};
    const std::string reason = "through the device " + describe(*through) + "; without it " + describe(*direct) +
                               "; throughput ratio " + ratio_text;
    // As docs/checkpoints.md says: over 1 % lost through the device, and more than without it.
    auto lost_fraction = [](const net::LoadFigures& figures) {
        return figures.sent > 0 ? static_cast<double>(figures.lost) / static_cast<double>(figures.sent) : 0.0;
    };
    const bool lossy = lost_fraction(*through) > 0.01 && lost_fraction(*through) > lost_fraction(*direct);
    if (through->answered == 0 && direct->answered == 0)
        add_verdict(result, "device-load", family, Status::fail,
                    "nothing was answered under load, through the device or without it; " + reason, evidence);
    else if (through->answered == 0)
        add_verdict(result, "device-load", family, Status::fail, "nothing was answered through the device under load; " + reason, evidence);
    else if (lossy)
        add_verdict(result, "device-load", family, Status::fail, "the device drops queries under load; " + reason, evidence);
    else if (ratio < 0.5)
        add_verdict(result, "device-load", family, Status::warn, "the device costs over half the throughput; " + reason, evidence);
    else
        add_verdict(result, "device-load", family, Status::pass, reason, evidence);
}

}  // namespace dnspath::probe
