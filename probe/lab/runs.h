// What `dnspath lab` and `dnspath bench` do once their path stands: the probe run as a child in
// the probe's namespace, given its RunRequest on standard input; the parent keeps only what
// teardown needs. Included through probe/lab/lab.h.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "probe/lab/bench.h"
#include "probe/profile/profile.h"
#include "probe/run/run.h"

namespace dnspath::lab {

class LabSession;

// A run of `executable` in `namespace_name`, its request as JSON on standard input (--json: it
// prints result.json instead of the table). Waits for it, forwarding a Ctrl-C; its exit code.
Result<int> run_child(const std::string& namespace_name, const std::string& executable, const run::RunRequest& request,
                      bool json, const std::atomic<bool>& stop, const std::string& log_path = "");

// Once a lab or bench stands, its parent only waits for the run and then tears it down: it keeps
// what that needs (entering and deleting namespaces, seeing and stopping what runs in them, the
// files its daemons wrote) and what its child run keeps (taps, crafted packets), and drops the
// rest, for itself and every process it starts later.
Result<std::string> keep_only_teardown_privileges();

// What `lab run` and `bench` put on top of the profile's plan.
struct RunChoices {
    std::vector<std::string> probes, families;  // empty: the plan's
    std::string out_dir = "dnspath-results";
    reports::Language language = reports::Language::en;
    bool json = false;
    std::vector<std::string> command_line;  // as the user typed it, for the result's record
    std::string child_log;                  // where the child run's own lines go ("": the terminal)
};

// One `lab run` pass: the lab built for `profile` (its file `profile_path`, "" for the built-in
// one), the plan run in it, the lab torn down. `last`: no lab is built after this one, so the
// parent drops what building needed. The child's exit code.
Result<int> run_lab_pass(const profile::Profile& profile, const std::string& profile_path, const RunChoices& choices,
                         const std::string& executable, bool last, const std::atomic<bool>& stop);

// `bench` with a LAN side: the DUT named `dut` (model and firmware as given), the plan run from
// the home side with taps on both interfaces; `profile` gives the plan when there is one.
struct BenchRun {
    std::string dut = "dut", dut_model, dut_firmware;
    std::vector<std::string> targets;  // --lan alone: the remote responder (a field test)
    std::string key_file;
    RunChoices choices;
};
Result<int> run_bench(const BenchSession& session, const BenchRun& bench, const std::optional<profile::Profile>& profile,
                      const std::string& executable, const std::atomic<bool>& stop);

// `bench --wan` alone: serve until `stop` or `seconds` (0: until stop) while a tap on the WAN
// interface writes OUT/taps/DUT.out.pcapng; a probe elsewhere asks our responder.
Result<void> serve_wan_side(const BenchSession& session, const std::string& dut, const std::string& out_dir, double seconds,
                            const std::string& executable, const std::atomic<bool>& stop);

// A load balancer listed with several `balancers`: one `lab run` pass per balancer into
// OUT/<balancer>/, then the first two compared (the first as "before") into OUT/comparison.md.
// `announce` hears each balancer as its pass starts. The worst exit code of the passes.
struct BalancerPasses {
    int worst = 0;
    bool stopped = false;  // a pass could not run or was interrupted: no comparison
    reports::Comparison comparison;
    std::string comparison_path;
};
Result<BalancerPasses> run_balancer_passes(const profile::Profile& profile, const std::string& profile_path, const RunChoices& choices,
                                           const std::string& executable, const std::atomic<bool>& stop,
                                           const std::function<void(const std::string&)>& announce);

// What `lab up` leaves running and how to use it by hand.
std::string describe_lab(const LabSession& session, const profile::Profile& profile, const std::string& executable,
                         reports::Language language);

// What the bench made of its interfaces: who plays the ISP and the home, and what the DUT handed out.
std::string describe_bench(const BenchOptions& options, const BenchFacts& facts, reports::Language language);

// Bench flags that only work together, checked before any interface is touched.
Result<void> check_bench(const BenchOptions& bench, const BenchRun& run);

// How a lab or bench tells the person what it stands up and does, a line (or a few) at a time.
using Say = std::function<void(const std::string&)>;

// `lab up`: the lab built for `profile` and left standing; how to use it by hand.
Result<std::string> lab_up(profile::Profile profile, const std::string& executable, const std::atomic<bool>& stop,
                           reports::Language language);

// `lab run`: one pass, or one per balancer of a load balancer listed with several (then compared).
struct LabRun {
    int code = 0;  // the run's exit code (the worst pass's)
    std::optional<BalancerPasses> passes;
};
Result<LabRun> lab_run(profile::Profile profile, const std::string& profile_path, const RunChoices& choices,
                       const std::string& executable, const std::atomic<bool>& stop, const Say& say);

// `lab reproduce`: RESULT's reproduction written to OUT/profile.toml and, with `run`, that lab run
// into OUT/lab and its verdicts checked against the result's.
struct ReproduceRequest {
    std::string result_path;  // a result.json or its run folder
    std::string prefix = "drep";  // the reproduced lab's namespace prefix
    bool run = false;
    int tries = 3;            // lab runs at most: one that misses a verdict is run again (lab-2/, …)
    RunChoices choices;       // out_dir: where profile.toml (and lab/) go
};
struct Reproduced {
    Reproduction reproduction;
    std::string profile_path;
    std::optional<ReproductionCheck> check;  // with `run`
    std::string comparison_path;             // with `run`: `compare` of the run and the lab, Markdown
    std::string lab_result_path;             // with `run`: the first lab run's result.json
    int lab_code = 0;                        // the lab run's exit code
};
Result<Reproduced> lab_reproduce(const ReproduceRequest& request, const std::string& executable, const std::atomic<bool>& stop);
// The same for machines (`lab reproduce --json`): the profile, its devices and faults, what is
// expected, what is not reproducible, and with --run what came back and what did not.
std::string reproduced_json(const Reproduced& reproduced);
// The same for people, a line each in `language`: what was written, what no lab can show, and with
// --run what came back, what came back in some runs only, and what did not.
std::vector<std::string> reproduced_lines(const Reproduced& reproduced, reports::Language language);
// `lab reproduce`'s exit code: 0 without --run or when every failure came back, else 1.
int reproduced_code(const Reproduced& reproduced);

// `bench`: the interfaces taken, the plan run from the home side (or, with --wan alone, the ISP
// side served for `seconds`, 0 until `stop`), the interfaces handed back. The run's exit code.
Result<int> bench(BenchOptions options, BenchRun run, const std::optional<profile::Profile>& profile, double seconds,
                  const std::string& executable, const std::atomic<bool>& stop, const Say& say);

}  // namespace dnspath::lab
