// `dnspath diagnose`: the JPRS DNSSEC check manual's troubleshooting chains, run against a zone's
// authoritative server, its parent and a resolver, so a path fault is told apart from a zone
// fault. The result is a model::RunResult with a diagnosis section; reports/ renders it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "probe/model/model.h"
#include "probe/wire/wire.h"

namespace dnspath::diagnose {

struct Options {
    wire::Name zone;
    std::string server;    // the zone's authoritative server; "" = found through the resolver
    std::string parent;    // the parent zone's server; "": delegation checks are not measured
    std::string resolver;  // a validating resolver; "": resolver checks are left out
    std::string echo_name; // a dnspath responder's echo name the resolver can reach (F-130); "": not measured
    std::uint16_t port = 53;
    std::optional<int> symptom;  // JPRS scenario 1..9; none: every scenario's checks
    int expiry_warning_days = 7;
    std::optional<bool> opt_out;  // the zone's NSEC3 opt-out as configured; none: not judged
    bool keep_going = false;      // run the whole chain instead of stopping at the first finding
    std::chrono::milliseconds timeout{1500};
    std::string tool_version;
    std::vector<std::string> command_line;
};

// Checks the options before any query (an address that does not parse, a symptom out of range).
Result<void> validate(const Options& options);

// Runs the chain; `progress` hears each checkpoint as it starts. Errors are values: a server that
// cannot be found is an error, a server that does not answer is a finding.
Result<model::RunResult> run(const Options& options, const std::function<void(std::string_view)>& progress);

}  // namespace dnspath::diagnose
