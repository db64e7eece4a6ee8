// `lab reproduce`: a run's result (field, bench, target mode or lab) turned into a lab profile whose
// devices stand in the result's path order with the faults their causes imply, and the lab's
// verdicts compared with the run's. Planning and comparing are pure; running is lab_run's.
// Included through probe/lab/lab.h.
#pragma once

#include <string>
#include <vector>

#include "probe/model/model.h"
#include "probe/wire/wire.h"

namespace dnspath::lab {

// One key of a device's table or of its faults table, as TOML, and the verdicts it comes from.
struct ReproducedSetting {
    std::string key;    // "udp_size_cap", "kind", "intercept_dns"
    std::string value;  // a TOML literal: 1232, "reset", true
    std::string because;  // "udp-large/ipv4 size-cap (largest 1232)"
};

struct ReproducedDevice {
    std::string name;        // the lab's name for it (the run's when valid as a namespace name)
    std::string field_name;  // the run's name; "" for a router placed from a path-trace hop
    std::string kind = "router";
    std::string kind_because;
    std::vector<ReproducedSetting> settings;  // device keys (cpe and lb options)
    std::vector<ReproducedSetting> faults;    // [topology.device.faults]
};

// A failing verdict of the run that the lab must show again: the same checkpoint, family and
// route, the same cause, on the same devices (lab names, so the same positions).
struct ExpectedVerdict {
    model::Checkpoint checkpoint = model::Checkpoint::reachability;
    model::Family family = model::Family::both;
    model::Via via = model::Via::path;
    model::CauseCode code = model::CauseCode::ok;
    std::vector<std::string> devices;
    std::string name() const;  // "udp-large/ipv4 size-cap @ cpe"
};

// A cause the run found that no lab fault yields yet, or a failing verdict nothing can place.
struct Unreproducible {
    std::string verdict;  // "tsig/ipv4"
    std::string code;     // the cause code
    std::string device;   // "" when the run named nobody
    std::string why;      // "no-lab-fault", "not-located", "inconclusive"
};

struct Reproduction {
    std::string source;  // the result it was made from
    std::vector<ReproducedDevice> devices;  // path order, probe side first
    std::vector<std::string> probes;        // the plan's kinds: those the run decided checkpoints of
    bool ipv4 = true, ipv6 = true;
    std::vector<std::pair<std::string, std::string>> plan;  // further plan keys (TOML literals)
    std::vector<ExpectedVerdict> expected;
    std::vector<Unreproducible> unreproducible;
    // The profile: comments say which verdict and which probes each fault comes from.
    std::string profile_text(const std::string& prefix) const;
};

// Why a result cannot be reproduced: it has no failing verdict (code "nothing-to-reproduce").
Result<Reproduction> plan_reproduction(const model::RunResult& run, const std::string& source);

// The lab's verdicts against the run's: each expected one found again, or missing (with what the
// lab said instead).
struct ReproductionCheck {
    std::vector<std::string> reproduced;
    std::vector<std::pair<std::string, std::string>> missing;  // expected, what the lab said
    // Over several lab runs: those reproduced in some of the runs that checked them, with how many.
    std::vector<std::pair<std::string, int>> intermittent;
    int runs = 1;
    bool ok() const { return missing.empty(); }
};
ReproductionCheck check_reproduction(const Reproduction& reproduction, const model::RunResult& lab);
// The checks of several runs of the same lab as one: a verdict is reproduced when any run showed
// it (intermittent when not every run that checked it did), missing when none did (with what the
// last run said).
// A fault that comes and goes — a balancer dropping a burst in one run and not the next — is a
// fault the lab reproduces, and the engineer is told it is intermittent.
ReproductionCheck combine_checks(const Reproduction& reproduction, const std::vector<ReproductionCheck>& runs);

}  // namespace dnspath::lab
