// What the command line gathers for each subcommand before it calls the part that does the work:
// the part's own request where it has one, and how the answer is printed.
#pragma once

#include <string>
#include <vector>

#include "probe/diagnose/diagnose.h"
#include "probe/lab/lab.h"
#include "probe/responder/responder.h"
#include "probe/run/run.h"
#include "reports/report.h"

namespace dnspath::cli {

struct Printing {
    bool json = false, no_color = false, wide = false;
    reports::Language language = reports::Language::en;
};

struct RunOptions {
    run::RunFlags flags;
    bool check_only = false;  // --check: validate the profile and exit
    Printing print;
};

struct LabOptions {
    std::string profile_path, prefix;
    lab::RunChoices choices;
    lab::ReproduceRequest reproduce;  // `lab reproduce`
};

struct BenchCliOptions {
    lab::BenchOptions bench;
    lab::BenchRun run;
    std::string profile_path;
    double seconds = 0;  // --wan alone: serve this long (0: until Ctrl-C)
};

struct DiagnoseOptions {
    diagnose::Options diagnose;
    std::string name, out_dir;
    Printing print;
};

struct NameOptions {
    wire::ProbeName probe;  // id "": a random one; its size from `size` (0: none)
    std::uint32_t size = 0;
    std::string key_file, zone = "probe.dnspath.test.";
    bool tsig = false;  // print the run key's TSIG key for dig -y instead of a name
    reports::Language language = reports::Language::en;
};

struct RespondOptions {
    responder::ServeRequest request;
    reports::Language language = reports::Language::en;
};

struct KeygenOptions {
    std::string path;
    reports::Language language = reports::Language::en;
};

struct AnalyzeOptions {
    std::vector<std::string> devices, taps;  // NAME=IN,OUT; DEVICE.in=FILE, DEVICE.out=FILE
    std::string profile_path, zone;
    run::AnalyzeRequest request;
    Printing print;
};

struct ReportOptions {
    std::string path, format = "text", out, html, junit_warn = "skip", bundle;
    Printing print;
};

struct CompareOptions {
    std::string before, after, format = "text", out;
    Printing print;
};

struct CaptureOptions {
    std::vector<std::string> devices;
    std::string out_dir = "dnspath-capture";
    int port = 53;
    double seconds = 0;  // 0: until Ctrl-C
    reports::Language language = reports::Language::en;
};

// One function per subcommand: the part's work, then what it printed; the exit code (0 pass,
// 1 a checkpoint failed, 2 usage or environment error).
int command_run(const RunOptions& options);
int command_respond(const RespondOptions& options);
int command_keygen(const KeygenOptions& options);
int command_report(const ReportOptions& options);
int command_compare(const CompareOptions& options);
int command_lab(const std::string& action, const LabOptions& options);
int command_lab_reproduce(const LabOptions& options);
int command_bench(const BenchCliOptions& options);
int command_name(NameOptions options);
int command_analyze(const AnalyzeOptions& options);
int command_capture(const CaptureOptions& options);
int command_diagnose(DiagnoseOptions options);

}  // namespace dnspath::cli
