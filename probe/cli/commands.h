// The subcommands of the dnspath command line: their options as parsed, and one function each
// that calls the part owning the work and returns the exit code (0 pass, 1 a checkpoint failed,
// 2 usage or environment error).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reports/report.h"

namespace dnspath::cli {

struct RunOptions {
    std::string profile_path, zone, key_file, out_dir = "dnspath-results", lang = "en", user;
    std::string request_path;  // a child run's whole request as JSON ("-": standard input)
    bool check_only = false, json = false, no_color = false, wide = false;
    std::vector<std::string> targets, probes, families, devices, proxies, baseline, resolvers;
    std::vector<std::string> device_models, device_firmware;  // NAME=TEXT
    int port = 0;
    int repeat = 0;  // 0: the profile's plan.repetitions
    std::uint64_t seed = 0;
    std::vector<std::string> command_line;  // as typed, for the result's record
};

struct RespondOptions {
    std::vector<std::string> listen;
    int port = 53, rate = 2000, standby_keys = 0, workers = 0;
    std::string zone = "probe.dnspath.test.", key_file, zone_key, ds_file, server_id;
    bool dont_fragment = false;
};

struct LabOptions {
    std::string action, profile_path, prefix, out_dir = "dnspath-results", lang = "en";  // action: up, run, down
    bool json = false;
    std::vector<std::string> probes, families;
    std::vector<std::string> command_line;  // as typed, for the result's record
};

struct BenchCliOptions {
    std::string lan, wan, uplink = "dhcp", profile_path, dut_name, out_dir = "dnspath-results", lang = "en";
    std::string dut_model, dut_firmware;
    std::string lan_address, lan_gateway, lan_dns, key_file;
    std::vector<std::string> targets, probes, families;
    std::vector<std::string> resolvers;  // validating resolvers in the home, behind the DUT
    int wan_mtu = 0;
    int pd_length = 56;  // DHCPv6-PD: the prefix length delegated to the DUT
    double seconds = 0;  // --wan alone: serve this long (0: until Ctrl-C)
    bool force = false, json = false;
    std::vector<std::string> command_line;  // as typed, for the result's record
};

struct NameOptions {
    std::string key_file, zone = "probe.dnspath.test.", id;
    std::uint32_t size = 0;
    bool dnssec = false, echo = false, dont_fragment = false, minimum_mtu = false;
};

struct AnalyzeOptions {
    std::vector<std::string> devices, taps;  // NAME=IN,OUT; DEVICE.in=FILE, DEVICE.out=FILE
    std::string profile_path, result_path, out_dir = "dnspath-analysis", zone, lang = "en";
    bool json = false, wide = false;
};

struct ReportOptions {
    std::string path, format = "text", lang = "en", out, html, junit_warn = "skip", bundle;
    bool json = false, no_color = false, wide = false;
};

struct CompareOptions {
    std::string before, after, format = "text", lang = "en", out;
    bool no_color = false, wide = false;
};

struct DiagnoseOptions {
    std::string name, server, parent, resolver, lang = "en", opt_out, out_dir, echo_name;
    int port = 53, symptom = 0, expiry_warning_days = 7, timeout_ms = 1500;
    bool json = false, all = false, no_color = false, wide = false;
    std::vector<std::string> command_line;
};

struct CaptureOptions {
    std::vector<std::string> devices;
    std::string out_dir = "dnspath-capture";
    int port = 53;
    double seconds = 0;  // 0: until Ctrl-C
};

// The terminal report's layout: colors unless --no-color, NO_COLOR or a pipe; the width from
// COLUMNS or the terminal; `wide` keeps each verdict on one line.
// `lang` is "en" or "ja" (the options check it).
reports::TextOptions text_options(bool no_color, bool wide, const std::string& lang = "en");

int command_run(const RunOptions& options);
int command_respond(const RespondOptions& options);
int command_keygen(const std::string& path);

// Process-wide limits set once at start, while every capability is still held: the lab's and the
// bench's children inherit them after they drop theirs (a state-table ramp holds a socket per flow).
void prepare_process();
int command_report(const ReportOptions& options);
int command_compare(const CompareOptions& options);
int command_lab(const LabOptions& options);
int command_bench(const BenchCliOptions& options);
int command_name(const NameOptions& options);
int command_analyze(const AnalyzeOptions& options);
int command_capture(const CaptureOptions& options);
int command_diagnose(const DiagnoseOptions& options);

}  // namespace dnspath::cli
