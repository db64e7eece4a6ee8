// Judges that need both sides: each verdict's cause re-judged with what the taps saw beside what
// the probe saw, the capture findings attached to the verdicts they explain, and the devices to
// blame named. Pure functions over the typed model; rules in docs/causes.md.
#pragma once

#include <vector>

#include "probe/model/model.h"

namespace dnspath::judge {

// How likely random loss alone is to explain what a run saw, from the loss rate it measured. A
// verdict's cause is claimed only when this chance is under kClaimSignificance; the kinds repeat
// decisive probes until it is, or their budget is spent (then the cause is `inconclusive`).
inline constexpr double kSignificance = 0.01;
// The bar for one verdict's cause against random loss. A run judges some 25 to 60 verdicts, and a
// fault-matrix CI run over a thousand: at kSignificance each, a lossy run claimed a cause chance
// made about once in three CI runs (tsig and qdcount `no-answer` at 5 % loss). Held to
// kSignificance / 64 each (Bonferroni), a whole run claims one chance made under 1 % of the time.
inline constexpr double kClaimSignificance = kSignificance / 64;

// The round-trip loss rate `lost` of `sent` small queries suggest, at its upper 99 % bound (Wilson):
// the rate a cause must beat. With nothing sent it is 1 (nothing is ruled out).
double loss_upper_bound(int lost, int sent);
// The chance that one exchange is lost when each round trip of a one-packet query and answer is
// lost with `round_trip` and the answer comes in `fragments` packets (each can be lost on its own).
double exchange_loss(double round_trip, int fragments = 1);
// How many tries a probe needs, all lost, before random loss at `loss` explains that with a chance
// under `alpha` (at least 1; `cap` when loss is too high for any number to do it).
int tries_to_rule_out(double loss, double alpha, int cap);
// The chance that random loss at `loss` loses `lost` or more of `sent` independent exchanges.
double chance_of_losing(int lost, int sent, double loss);

// A failing verdict whose silences random loss at the family's measured rate could have produced
// (chance at or above kClaimSignificance) becomes `inconclusive` between its cause and random loss.
void judge_against_loss(const model::RunResult& result, model::Verdict& verdict);

// Rules across verdicts that need no taps: a TCP stall beside a PMTUD black hole of the same
// family is the black hole; fragments lost where the path MTU is the limit are the MTU. Idempotent.
void judge_together(model::RunResult& result);

// Attaches each finding to the verdicts citing its probe (replacing what an earlier analysis
// attached), blames devices on failing and warning verdicts, and re-judges causes from both sides:
// fragments lost inside a device → fragment-filter; an ICMP too big dropped → pmtud-blackhole on
// the device that dropped it; a device re-originating or answering queries → interception; NAT →
// every translating device in path order. Ends with judge_together.
void judge_with_findings(model::RunResult& result, const std::vector<model::CaptureFinding>& findings);

// result.standards: one entry per standards item the verdicts touch, each decided by its own rule
// on its own evidence (probe/judge/standards.cpp). judge_together ends with it; diagnose calls it.
void judge_standards(model::RunResult& result);

}  // namespace dnspath::judge
