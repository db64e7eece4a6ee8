// nat: the source address and port the responder saw versus the probe's own (DNSSEC Japan ⑤ LB-4),
// and whether the source ports that reach the server are still random after every device.
#include <algorithm>
#include <cmath>
#include <set>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

PortAssessment assess_ports(const std::vector<PortSample>& samples) {
    PortAssessment assessment;
    if (samples.size() < 8) {
        assessment.description = "too few answers to judge (" + std::to_string(samples.size()) + ")";
        return assessment;
    }
    std::set<std::uint16_t> distinct;
    std::size_t small_steps = 0;
    std::size_t preserved = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        distinct.insert(samples[i].seen);
        if (samples[i].seen == samples[i].sent) ++preserved;
        if (i > 0) {
            int step = samples[i].seen - samples[i - 1].seen;
            if (step >= 1 && step <= 8) ++small_steps;
        }
    }
    auto [low, high] = std::minmax_element(samples.begin(), samples.end(),
                                           [](const PortSample& a, const PortSample& b) { return a.seen < b.seen; });
    const int range = high->seen - low->seen + 1;
    const double bits = std::log2(static_cast<double>(range));
    char figures[160];
    std::snprintf(figures, sizeof figures, "%zu queries, %zu distinct ports, range %d-%d (~%.1f bits), %zu kept as sent",
                  samples.size(), distinct.size(), low->seen, high->seen, bits, preserved);
    assessment.description = figures;
    if (distinct.size() == 1) {
        assessment.status = Status::fail;
        assessment.description = "every query arrived from the same source port: " + assessment.description;
    } else if (small_steps * 10 >= (samples.size() - 1) * 8) {
        assessment.status = Status::fail;
        assessment.description = "source ports arrive sequential (a NAT allocates them in order; Kaminsky-style "
                                 "spoofing becomes easy): " + assessment.description;
    } else if (range < 1024) {
        assessment.status = Status::fail;
        assessment.description = "source ports arrive from a narrow range: " + assessment.description;
    } else if (range < 16384) {
        assessment.status = Status::warn;
        assessment.description = "source ports arrive from a reduced range: " + assessment.description;
    } else {
        assessment.status = Status::pass;
        assessment.description = "source ports arrive random: " + assessment.description;
    }
    return assessment;
}

void run_nat(Session& session, Family family, reports::RunResult& result) {
    const int count = session.config().plan.port_samples;
    std::vector<PortSample> samples;
    std::set<std::string> seen_addresses;
    std::string local_address;
    std::vector<std::string> evidence;
    int lost = 0;
    for (int i = 0; i < count && !session.stopped(); ++i) {
        auto outcome = session.ask(family, {.kind = "nat", .echo = true, .edns = wire::Edns{}, .retry = false});
        if (!outcome.answered()) {
            ++lost;
            continue;
        }
        auto echo = parse_echo(*outcome.message);
        auto source = echo_value(echo, "src");
        auto port = echo_value(echo, "sport");
        auto seen_port = port ? echo_number(*port) : std::nullopt;
        if (!source || !seen_port || *seen_port > 0xffff) continue;
        local_address = outcome.local.address();
        seen_addresses.insert(*source);
        samples.push_back({outcome.local.port(), static_cast<std::uint16_t>(*seen_port)});
        if (evidence.empty())
            evidence.push_back("probe " + outcome.probe_id + ": sent from " + outcome.local.to_string() +
                               ", responder saw " + *source + " port " + *port);
    }
    if (lost > 0) evidence.push_back(std::to_string(lost) + " of " + std::to_string(count) + " echo queries unanswered");
    auto& summary = summary_for(result, family);
    if (seen_addresses.empty()) {
        add_verdict(result, "nat", family, Status::na, "no echo came back, so the source the server sees is unknown",
                    evidence);
        return;
    }
    const bool translated = seen_addresses.size() > 1 || *seen_addresses.begin() != local_address;
    summary.nat = translated;
    const bool ports_kept = std::all_of(samples.begin(), samples.end(),
                                        [](const PortSample& sample) { return sample.sent == sample.seen; });
    if (translated) {
        std::string addresses;
        for (const auto& address : seen_addresses) addresses += (addresses.empty() ? "" : ", ") + address;
        add_verdict(result, "nat", family, Status::warn,
                    "the server sees " + addresses + ", not the probe's " + local_address +
                        ": a NAT sits on the path (ports " + (ports_kept ? "preserved" : "rewritten") +
                        "); the checkpoint asks for global reachability",
                    evidence);
    } else {
        add_verdict(result, "nat", family, Status::pass,
                    "the server sees the probe's own address " + local_address + (ports_kept ? " and ports" : ""),
                    evidence);
    }
    auto ports = assess_ports(samples);
    add_verdict(result, "port-randomness", family, ports.status, ports.description, evidence);
}

}  // namespace dnspath::probe
