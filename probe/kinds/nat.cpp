// nat: the source address and port the responder saw versus the probe's own (DNSSEC Japan ⑤ LB-4),
// and whether the source ports that reach the server are still random after every device.
#include <algorithm>
#include <cmath>
#include <set>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

PortAssessment assess_ports(const std::vector<PortSample>& samples) {
    PortAssessment assessment;
    if (samples.size() < 8) {
        assessment.cause = cause(CauseCode::not_measured, {{"why", "too-few-answers"}, {"answers", samples.size()}});
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
    model::Params figures{{"queries", samples.size()}, {"distinct", distinct.size()}, {"low", low->seen},
                          {"high", high->seen}, {"bits", std::round(std::log2(static_cast<double>(range)) * 10) / 10},
                          {"kept", preserved}};
    auto rewritten = [&](const char* pattern) {
        figures["pattern"] = pattern;
        return cause(CauseCode::port_rewrite, figures);
    };
    if (distinct.size() == 1) {
        assessment = {Status::fail, rewritten("fixed")};
    } else if (distinct.size() * 2 < samples.size()) {
        // A few ports used again and again (dnsdist 1.7 keeps one socket per backend): random
        // 16-bit ports repeat about once in a thousand queries, and the range between a handful
        // of ports says nothing but where they happened to fall, so it is no measure here.
        figures["bits"] = std::round(std::log2(static_cast<double>(distinct.size())) * 10) / 10;
        assessment = {Status::fail, rewritten("reused")};
    } else if (small_steps * 10 >= (samples.size() - 1) * 8) {
        assessment = {Status::fail, rewritten("sequential")};
    } else if (range < 1024) {
        assessment = {Status::fail, rewritten("narrow")};
    } else if (range < 16384) {
        assessment = {Status::warn, rewritten("reduced")};
    } else {
        assessment = {Status::pass, cause(CauseCode::ok, figures)};
    }
    return assessment;
}

void run_nat(Session& session, Family family, model::RunResult& result) {
    const int count = session.config().plan.port_samples;
    std::vector<PortSample> samples;
    std::set<std::string> seen_addresses;
    std::string local_address;
    std::vector<std::string> probes;
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
        if (probes.size() < 8) probes.push_back(outcome.probe_id);
    }
    auto& summary = summary_for(result, family);
    if (seen_addresses.empty()) {
        add_verdict(result, Checkpoint::nat, family, Status::na, cause(CauseCode::not_measured, {{"why", "no-echo"}}), probes);
        return;
    }
    const bool translated = seen_addresses.size() > 1 || *seen_addresses.begin() != local_address;
    summary.nat = translated;
    const bool ports_kept = std::all_of(samples.begin(), samples.end(),
                                        [](const PortSample& sample) { return sample.sent == sample.seen; });
    model::Params figures{{"local", local_address},
                          {"seen", std::vector<std::string>(seen_addresses.begin(), seen_addresses.end())},
                          {"ports_kept", ports_kept}, {"unanswered", lost}};
    if (translated)
        add_verdict(result, Checkpoint::nat, family, Status::warn, cause(CauseCode::nat, figures), probes);
    else
        add_verdict(result, Checkpoint::nat, family, Status::pass, cause(CauseCode::ok, figures), probes);
    auto ports = assess_ports(samples);
    add_verdict(result, Checkpoint::port_randomness, family, ports.status, ports.cause, probes);
}

}  // namespace dnspath::probe
