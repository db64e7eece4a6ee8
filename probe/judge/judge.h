// Judges that need both sides: each verdict's cause re-judged with what the taps saw beside what
// the probe saw, the capture findings attached to the verdicts they explain, and the devices to
// blame named. Pure functions over the typed model; rules in docs/causes.md.
#pragma once

#include <vector>

#include "probe/model/model.h"

namespace dnspath::judge {

// Rules across verdicts that need no taps: a TCP stall beside a PMTUD black hole of the same
// family is the black hole; fragments lost where the path MTU is the limit are the MTU. Idempotent.
void judge_together(model::RunResult& result);

// Attaches each finding to the verdicts citing its probe (replacing what an earlier analysis
// attached), blames devices on failing and warning verdicts, and re-judges causes from both sides:
// fragments lost inside a device → fragment-filter; an ICMP too big dropped → pmtud-blackhole on
// the device that dropped it; a device re-originating or answering queries → interception; NAT →
// every translating device in path order. Ends with judge_together.
void judge_with_findings(model::RunResult& result, const std::vector<model::CaptureFinding>& findings);

}  // namespace dnspath::judge
