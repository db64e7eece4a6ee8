// The dnspath command line: arguments parsed here (CLI11) into each part's request; one function
// per subcommand (probe/cli/options.h) calls the part and prints; errors come back as one-line
// messages and exit codes.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <array>
#include <charconv>
#include <cmath>
#include <iostream>

#include "probe/cli/options.h"

namespace {

using namespace dnspath::cli;
using dnspath::reports::Language;

// A check on the typed text that CLI11's own would get wrong: `valid` says yes, else `what`.
CLI::Validator check(const char* name, bool (*valid)(const std::string&), const char* what) {
    return CLI::Validator([=](std::string& text) { return valid(text) ? std::string() : "'" + text.substr(0, 40) + "' " + what; },
                          name);
}
// "-1" or 20 digits would wrap or saturate in CLI11; NaN passes every range check.
bool is_whole(const std::string& text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && error == std::errc{} && end == text.data() + text.size();
}
bool is_finite(const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    return !text.empty() && *end == '\0' && std::isfinite(value);
}
// What fits in the echo TXT as server=ID and reads in a log.
bool is_server_id(const std::string& text) {
    return !text.empty() && text.size() <= 63 &&
           std::all_of(text.begin(), text.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'; });
}
const auto kWhole = check("UINT64", is_whole, "is not a whole number from 0 to 18446744073709551615");
const auto kFinite = check("NUMBER", is_finite, "is not a finite number");
const auto kServerId = check("ID", is_server_id, "is not a server id: 1-63 letters, digits, '.', '-' or '_'");
const auto kPort = CLI::Range(1, 65535);
const std::vector<std::string> kFamilies{"ipv4", "ipv6"};

// The language asked for with --lang, read before CLI11 parses: its own errors come before ours.
Language typed_language(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const std::string_view value = arg == "--lang" && i + 1 < argc ? std::string_view(argv[i + 1])
                                       : arg.starts_with("--lang=")    ? arg.substr(7)
                                                                       : std::string_view();
        if (auto parsed = dnspath::reports::parse_language(std::string(value))) return *parsed;
    }
    return Language::en;
}

void add_language(CLI::App* cmd, Language& language, const char* what = "Language of the table and report.html: en or ja") {
    const auto known = [](std::string& name) { auto parsed = dnspath::reports::parse_language(name); return parsed ? "" : parsed.error().message; };
    cmd->add_option_function<std::string>("--lang", [&language](const std::string& name) {
        language = dnspath::reports::parse_language(name).value_or(language); }, what)->check(CLI::Validator(known, "en|ja"))->default_str("en");
}

void add_printing(CLI::App* cmd, Printing& print, bool json = true) {
    if (json) cmd->add_flag("--json", print.json, "Print result.json to stdout instead of the table");
    cmd->add_flag("--no-color", print.no_color, "No colors in the table (NO_COLOR in the environment works too)");
    cmd->add_flag("--wide", print.wide, "Each verdict on one line instead of wrapping reasons at the terminal width");
}

// --probes and --families: what `run`, `lab run` and `bench` run of the plan.
void add_plan(CLI::App* cmd, std::vector<std::string>& probes, std::vector<std::string>& families) {
    cmd->add_option("--probes", probes, "Probe kinds to run, in order (default: the profile's plan)")->check(CLI::IsMember(dnspath::model::plan_kinds()))->delimiter(',');
    cmd->add_option("--families", families, "ipv4, ipv6 or both (default: the plan's)")->check(CLI::IsMember(kFamilies))->delimiter(',');
}

void add_run_choices(CLI::App* cmd, dnspath::lab::RunChoices& choices) {
    cmd->add_option("--out,-o", choices.out_dir, "Folder for result.json, report.html and taps/")->capture_default_str();
    cmd->add_flag("--json", choices.json, "Print result.json to stdout instead of the table");
    add_language(cmd, choices.language);
    add_plan(cmd, choices.probes, choices.families);
}

CLI::App* add_run(CLI::App& app, RunOptions& run) {
    auto* cmd = app.add_subcommand("run", "Probe a path: every checkpoint against a responder (or a profile's plan)");
    auto& flags = run.flags;
    cmd->add_option("--profile,-p", flags.profile_path, "TOML profile with target, plan and topology");  // its loader says what is wrong
    cmd->add_flag("--check", run.check_only, "Validate the profile and exit (0 valid, 2 invalid)");
    cmd->add_option("--target,-t", flags.targets, "Responder address (IPv4 and/or IPv6; repeat for both)");
    cmd->add_option("--proxy", flags.proxies, "A DNS proxy to test with the proxy kind, e.g. a CPE's LAN address (one per family)");
    cmd->add_option("--baseline", flags.baseline, "The responder reached without the device under test, for the load kind");
    cmd->add_option("--port", flags.port, "Responder port (default 53)")->check(kPort);
    cmd->add_option("--zone", flags.zone, "Probe zone the responder serves (default probe.dnspath.test.)");
    cmd->add_option("--key-file,-k", flags.key_file, "Key shared with the responder (dnspath keygen)");
    cmd->add_option("--out,-o", flags.out_dir, "Folder for result.json, report.html and taps/")->capture_default_str();
    add_plan(cmd, flags.probes, flags.families);
    cmd->add_option("--seed", flags.seed, "Seed for probe ids and DNS ids (default random)")->check(kWhole);
    cmd->add_option("--repeat", flags.repeat, "N times the loss measurement and the decisive probes' tries, to decide a cause a lossy "
                                              "path left inconclusive (plan.repetitions; default 1)")->check(CLI::Range(1, 10));
    cmd->add_option("--device", flags.devices, "A device and its taps, in path order: NAME=TAP_IN,TAP_OUT (IFACE, netns:NS/IFACE)");
    cmd->add_option("--device-model", flags.device_models, "NAME=MODEL: which box a device of the path is, for the result (repeat)");
    cmd->add_option("--device-firmware", flags.device_firmware, "NAME=VERSION: the device's firmware, for the result (repeat)");
    cmd->add_option("--resolver", flags.resolvers, "A validating resolver behind the same path, asked signed names after the plan: "
                                                   "NAME=ADDRESS[#PORT] (repeat)");
    cmd->add_option("--user", flags.user, "Once sockets and taps are open, go on as this user (keeping only CAP_NET_RAW)");
    add_language(cmd, flags.language);
    // The lab's and the bench's child run: the whole input as JSON, so no input flag may join it.
    auto* request = cmd->add_option("--request", flags.request_path, "The run's whole request as JSON, from a file or - for standard "
                                                                     "input (how `lab run` and `bench` start their run)");
    for (auto* other : cmd->get_options())
        if (other != request && !other->check_lname("help")) request->excludes(other);
    add_printing(cmd, run.print);
    return cmd;
}

CLI::App* add_respond(CLI::App& app, RespondOptions& options) {
    auto* cmd = app.add_subcommand("respond", "Serve the probe zone: exact-size answers, TC=1, echo");
    auto& respond = options.request;
    auto& server = respond.server;
    add_language(cmd, options.language, "Language of status lines and errors: en or ja");
    cmd->add_option("--listen,-l", server.listen, "Address to listen on (repeat)")->required();
    cmd->add_option("--port", server.port, "Port (default 53)")->check(kPort);
    cmd->add_option("--alt-port", server.alt_port, "Also answer UDP on this port, and say so in the echo (the non-dns-53 "
                                                   "checkpoint's DNS to another port)")->check(kPort);
    cmd->add_option("--tls-port", server.tls_port, "Also answer DNS over TLS on this TCP port (853 for the dot-853 checkpoint; "
                                                   "a self-signed certificate made at start), and say so in the echo")->check(kPort);
    cmd->add_option("--zone", respond.zone, "Probe zone")->capture_default_str();
    cmd->add_option("--key-file,-k", respond.key_file, "Key shared with the probe; without it no large answers");
    cmd->add_flag("--dont-fragment", server.force_dont_fragment, "Set DF / IPV6_DONTFRAG on UDP answers (PMTU tests)");
    cmd->add_option("--zone-key", respond.zone_key, "PEM ECDSA P-256 zone key; created there if missing (default: a new key per start)");
    cmd->add_option("--ds-file", respond.ds_file, "Write the zone's DS record (a trust anchor) to this file");
    cmd->add_option("--standby-keys", respond.standby_keys, "Publish N RSA-4096-sized standby DNSKEYs (a rollover's DNSKEY size)")->check(CLI::Range(0, 4));
    cmd->add_option("--server-id", server.answers.server_id, "Name echoed as server=ID (which backend answered)")->check(kServerId);
    cmd->add_option("--rate", server.queries_per_second_per_source, "Queries per second per source address")->check(CLI::Range(1, 1000000))->capture_default_str();
    cmd->add_option("--workers", server.workers, "UDP worker threads, one socket each (default: one per core)")->check(CLI::Range(1, 64));
    return cmd;
}

CLI::App* add_name(CLI::App& app, NameOptions& name) {
    auto* cmd = app.add_subcommand("name", "Print a probe name for dig or a resolver (with the token from the key)");
    cmd->add_option("--key-file,-k", name.key_file, "Key shared with the responder (needed above the query size)");
    cmd->add_option("--zone", name.zone, "Probe zone")->capture_default_str();
    cmd->add_option("--id", name.probe.id, "Probe id label ([a-z0-9-]; default random)");
    cmd->add_option("--size", name.size, "Answer size in octets")->check(CLI::Range(0, 65535));
    cmd->add_flag("--do", name.probe.dnssec, "Mark the probe as DNSSEC (the answer is signed when the query has DO=1)");
    cmd->add_flag("--echo", name.probe.echo, "Ask for the echo of what the responder saw");
    cmd->add_flag("--df", name.probe.dont_fragment, "Ask for the answer with DF set");
    cmd->add_flag("--min", name.probe.minimum_mtu, "Ask for the answer in 1280-octet fragments (IPv6)");
    cmd->add_flag("--tsig", name.tsig, "Print the TSIG key the key file gives (the tsig probe's), as dig -y takes it, instead of a name");
    add_language(cmd, name.language, "Language of errors: en or ja");
    return cmd;
}

CLI::App* add_capture(CLI::App& app, CaptureOptions& capture) {
    auto* cmd = app.add_subcommand("capture", "Tap both sides of devices (pcapng per tap) until Ctrl-C, for a run made elsewhere");
    cmd->add_option("--device", capture.devices, "NAME=TAP_IN,TAP_OUT (interface or netns:NS/IFACE), in path order")->required();
    cmd->add_option("--out,-o", capture.out_dir, "Folder; the pcapng files go in OUT/taps/")->capture_default_str();
    cmd->add_option("--port", capture.port, "DNS port to capture")->check(kPort)->capture_default_str();
    cmd->add_option("--seconds", capture.seconds, "Stop after this long (default: at Ctrl-C)")->check(kFinite)->check(CLI::Range(0.0, 86400.0));
    add_language(cmd, capture.language, "Language of status lines and errors: en or ja");
    return cmd;
}

CLI::App* add_analyze(CLI::App& app, AnalyzeOptions& analyze) {
    auto* cmd = app.add_subcommand("analyze", "Name the guilty devices from saved taps and a run's result.json");
    cmd->add_option("--device", analyze.devices, "NAME=IN.pcapng,OUT.pcapng, in path order");
    cmd->add_option("--tap", analyze.taps, "DEVICE.in=FILE or DEVICE.out=FILE (.lan/.wan also work; pcap or pcapng; repeat)");
    cmd->add_option("--profile,-p", analyze.profile_path, "Profile whose topology gives the devices' path order (and the zone)");
    cmd->add_option("--result", analyze.request.result_path, "The run's result.json (or its folder)")->required();
    cmd->add_option("--out,-o", analyze.request.out_dir, "Folder for the re-attributed result.json and report.html")->capture_default_str();
    cmd->add_option("--zone", analyze.zone, "Probe zone (default: the profile's, else probe.dnspath.test.)");
    add_printing(cmd, analyze.print);
    add_language(cmd, analyze.print.language);
    return cmd;
}

// `report` and `compare` share their output options.
void add_rendering(CLI::App* cmd, std::string& format, std::string& out, Printing& print) {
    cmd->add_option("--format,-f", format, "text, html, md, junit or json")->capture_default_str();
    add_language(cmd, print.language, "Language of every sentence: en or ja");
    cmd->add_option("--out,-o", out, "Write to this file instead of standard output");
    add_printing(cmd, print, false);
}

CLI::App* add_report(CLI::App& app, ReportOptions& report) {
    auto* cmd = app.add_subcommand("report", "Render a saved result.json (or a run folder) in any format and language");
    cmd->add_option("result", report.path, "Path to result.json, or the run folder holding it")->required();
    add_rendering(cmd, report.format, report.out, report.print);
    cmd->add_flag("--json", report.print.json, "Same as --format json");
    cmd->add_option("--html", report.html, "Also write the HTML report (path diagram, charts) to this file");
    cmd->add_option("--bundle", report.bundle, "Pack result.json, the report in every format and the taps into this .tar.gz");
    cmd->add_option("--junit-warn", report.junit_warn, "JUnit: a warning is a skip (with its message) or a failure")
        ->check(CLI::IsMember({"skip", "fail"}))->capture_default_str();
    return cmd;
}

CLI::App* add_compare(CLI::App& app, CompareOptions& compare) {
    auto* cmd = app.add_subcommand("compare", "What changed between two runs (before and after a firmware or config change, or two "
                                              "devices); exit 1 if anything got worse");
    cmd->add_option("old", compare.before, "The earlier result.json, or its run folder")->required();
    cmd->add_option("new", compare.after, "The later result.json, or its run folder")->required();
    add_rendering(cmd, compare.format, compare.out, compare.print);
    return cmd;
}

CLI::App* add_bench(CLI::App& app, BenchCliOptions& options) {
    auto* cmd = app.add_subcommand("bench", "Test a real device cabled between two interfaces: this host plays the ISP on its WAN "
                                            "side and the home on its LAN side");
    auto& bench = options.bench;
    auto& run = options.run;
    cmd->add_option("--lan", bench.lan, "Interface cabled to the device's LAN port (the home side)");
    cmd->add_option("--wan", bench.wan, "Interface cabled to the device's WAN port (the ISP side)");
    cmd->add_option("--uplink", bench.uplink, "How the device gets its WAN address: dhcp (from this host) or static (198.18.200.2/24, "
                                              "gateway and DNS 198.18.200.1)")->check(CLI::IsMember({"dhcp", "static"}))->capture_default_str();
    cmd->add_option_function<int>("--wan-mtu", [&bench](int mtu) { bench.wan_mtu = mtu; }, "MTU of the WAN link, e.g. 1454 for PPPoE")
        ->check(CLI::Range(576, 9000));
    cmd->add_option("--pd-length", bench.delegated_length, "Length of the prefix DHCPv6-PD delegates to the device")
        ->check(CLI::Range(48, 64))->capture_default_str();
    cmd->add_option("--resolvers", bench.resolvers, "Validating resolvers to start in the home, resolving through the device; asked "
                                                    "signed names after the plan")
        ->check(CLI::IsMember({"unbound", "bind", "knot-resolver", "powerdns"}))->delimiter(',');
    cmd->add_option("--dut-name", run.dut, "The device's name on the path (default: the profile's one device, else \"dut\")");
    cmd->add_option("--dut-model", run.dut_model, "The device's model, recorded in the result (or the profile's `model`)");
    cmd->add_option("--dut-firmware", run.dut_firmware, "The device's firmware version, for the result (or the profile's `firmware`)");
    cmd->add_option("--profile,-p", options.profile_path, "Profile with the plan to run (targets are the bench's own)");
    cmd->add_flag("--force", bench.force, "Take interfaces even when they have addresses or routes");
    cmd->add_option("--lan-address", bench.lan_address, "Static LAN address ADDR/LEN instead of the device's DHCP");
    cmd->add_option("--lan-gateway", bench.lan_gateway, "With --lan-address: the device's LAN address");
    cmd->add_option("--lan-dns", bench.lan_dns, "With --lan-address: the device's DNS proxy (default: the gateway)");
    cmd->add_option("--target", run.targets, "With --lan alone: the remote responder (a field test)");
    cmd->add_option("--key-file", run.key_file, "With --lan alone: the remote responder's key");
    cmd->add_option("--seconds", options.seconds, "With --wan alone: serve this long (default: until Ctrl-C)")->check(kFinite);
    add_run_choices(cmd, run.choices);
    return cmd;
}

CLI::App* add_diagnose(CLI::App& app, DiagnoseOptions& options) {
    auto* cmd = app.add_subcommand("diagnose", "The JPRS DNSSEC check manual's chains for a zone: path fault or zone fault? Exit 1 on a finding");
    auto& diagnose = options.diagnose;
    cmd->add_option("name", options.name, "The signed zone, e.g. example.jp")->required();
    cmd->add_option("--server,-s", diagnose.server, "Its authoritative server (IPv4 or IPv6 address; default: found through --resolver)");
    cmd->add_option("--parent", diagnose.parent, "The parent zone's server, for the DS checks (A-47 … A-81, A-115)");
    cmd->add_option("--resolver,-r", diagnose.resolver, "A validating resolver to check (F-2, F-154, F-27/28)");
    cmd->add_option("--echo-name", diagnose.echo_name, "An echo name (`dnspath name --echo`) the resolver reaches: does it set DO? (F-130)");
    cmd->add_option_function<int>("--symptom", [&diagnose](int symptom) { diagnose.symptom = symptom; }, "JPRS scenario 1..9 (default: every check)")
        ->check(CLI::Range(1, 9));
    cmd->add_option("--port", diagnose.port, "Port of --server and --parent")->check(kPort)->capture_default_str();
    cmd->add_option("--expiry-warning-days", diagnose.expiry_warning_days, "Warn when an RRSIG expires within this many days")
        ->check(CLI::Range(0, 3650))->capture_default_str();
    cmd->add_option_function<std::string>("--opt-out", [&diagnose](const std::string& yes) { diagnose.opt_out = yes == "yes"; },
                                          "The zone's NSEC3 opt-out as configured: yes or no (A-246/A-248)")->check(CLI::IsMember({"yes", "no"}));
    cmd->add_option_function<int>("--timeout-ms", [&diagnose](int ms) { diagnose.timeout = std::chrono::milliseconds(ms); },
                                  "Wait this long for each answer")->check(CLI::Range(100, 30000))->default_str("1500");
    cmd->add_flag("--all", diagnose.keep_going, "Run the whole chain instead of stopping at the first finding");
    cmd->add_option("--out,-o", options.out_dir, "Also write result.json and report.html into this folder");
    add_printing(cmd, options.print);
    add_language(cmd, options.print.language);
    return cmd;
}

// `lab up|run|down|reproduce`; returns the subcommands so main can tell which was given.
std::array<CLI::App*, 4> add_lab(CLI::App& app, LabOptions& lab) {
    auto* cmd = app.add_subcommand("lab", "Build a profile's path from network namespaces with real faults");
    cmd->require_subcommand(1);
    auto* up = cmd->add_subcommand("up", "Build the lab and start its responder; leave it running");
    auto* run = cmd->add_subcommand("run", "Build the lab, run the profile's plan in it, tear it down");
    auto* down = cmd->add_subcommand("down", "Remove every namespace of the lab (idempotent)");
    for (auto* sub : {up, run, down})
        sub->add_option("--profile,-p", lab.profile_path, "Profile with a [lab] section (default: the built-in profiles/default.toml)");
    down->add_option("--prefix", lab.prefix, "Remove namespaces named PREFIX-* (instead of --profile)");
    for (auto* sub : {up, down}) add_language(sub, lab.choices.language, "Language of errors and status lines: en or ja");
    add_run_choices(run, lab.choices);
    auto* reproduce = cmd->add_subcommand("reproduce", "Turn a run's result.json into a lab profile that reproduces its failures (--run: and check it does)");
    reproduce->add_option("result", lab.reproduce.result_path, "A result.json (field, bench, target mode or lab run), or its run folder")->required();
    lab.reproduce.choices.out_dir = "dnspath-reproduce";
    reproduce->add_option("--out,-o", lab.reproduce.choices.out_dir, "Folder for profile.toml (and the lab run's lab/)")->capture_default_str();
    reproduce->add_option("--prefix", lab.reproduce.prefix, "Namespace prefix of the reproduced lab (1-6 of a-z, 0-9)")
        ->capture_default_str()
        ->check(CLI::Validator(
            [](const std::string& text) {
                const bool fits = !text.empty() && text.size() <= 6 &&
                                  std::all_of(text.begin(), text.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
                return fits ? std::string() : std::string("1-6 of a-z, 0-9");
            },
            "PREFIX"));
    reproduce->add_flag("--json", lab.reproduce.choices.json, "Print what was written and compared as JSON instead of lines");
    reproduce->add_flag("--run", lab.reproduce.run, "Run the lab and compare its verdicts with the result's: exit 0 when every failure reappears");
    reproduce->add_option("--tries", lab.reproduce.tries, "Lab runs at most: one that misses a failure is run again, and a failure seen in some runs only is called intermittent")
        ->check(CLI::Range(1, 5))->capture_default_str();
    add_language(reproduce, lab.reproduce.choices.language);
    return {up, run, down, reproduce};
}

}  // namespace

int main(int argc, char** argv) {
    dnspath::net::raise_open_file_limit();  // once, while every capability is held: the children inherit it
    dnspath::net::ignore_broken_pipes();
    CLI::App app{"dnspath: finds which box on a network path breaks DNS.\n"
                 "Exit codes: 0 every checkpoint passed, 1 a checkpoint failed, 2 usage or environment error."};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("dnspath ") + DNSPATH_VERSION);
    const std::vector<std::string> typed(argv, argv + argc);
    RunOptions run;
    LabOptions lab;
    BenchCliOptions bench;
    DiagnoseOptions diagnose;
    run.flags.command_line = lab.choices.command_line = bench.run.choices.command_line = diagnose.diagnose.command_line = typed;
    bench.run.dut.clear();  // "": the profile's one device, else "dut"
    RespondOptions respond;
    NameOptions name;
    CaptureOptions capture;
    AnalyzeOptions analyze;
    ReportOptions report;
    CompareOptions compare;
    KeygenOptions keygen;
    auto* keygen_cmd = app.add_subcommand("keygen", "Write a new random key file for respond and run");
    keygen_cmd->add_option("file", keygen.path, "Where to write the key")->required();
    add_language(keygen_cmd, keygen.language, "Language of status lines and errors: en or ja");
    auto* version_cmd = app.add_subcommand("version", "Print the version");
    auto [lab_up, lab_run, lab_down, lab_reproduce] = add_lab(app, lab);
    const std::vector<std::pair<CLI::App*, std::function<int()>>> commands{
        {add_run(app, run), [&] { return command_run(run); }},
        {add_respond(app, respond), [&] { return command_respond(respond); }},
        {keygen_cmd, [&] { return command_keygen(keygen); }},
        {add_report(app, report), [&] { return command_report(report); }},
        {add_compare(app, compare), [&] { return command_compare(compare); }},
        {add_name(app, name), [&] { return command_name(name); }},
        {add_capture(app, capture), [&] { return command_capture(capture); }},
        {add_analyze(app, analyze), [&] { return command_analyze(analyze); }},
        {add_diagnose(app, diagnose), [&] { return command_diagnose(diagnose); }},
        {add_bench(app, bench), [&] { return command_bench(bench); }},
        {lab_up, [&] { return command_lab("up", lab); }},
        {lab_run, [&] { return command_lab("run", lab); }},
        {lab_down, [&] { return command_lab("down", lab); }},
        {lab_reproduce, [&] { return command_lab_reproduce(lab); }},
        {version_cmd, [] { return std::cout << "dnspath " << DNSPATH_VERSION << "\n", 0; }}};
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // Help and version are "errors" to CLI11 that exit 0; everything else is a usage error,
        // said on one line with where to look.
        if (error.get_exit_code() == 0) return app.exit(error);
        const auto language = typed_language(argc, argv);
        std::string where = "dnspath";
        for (const auto* sub : app.get_subcommands()) where += " " + sub->get_name();
        // "dnspath nosuch": CLI11 says a subcommand is required; the word typed was not one.
        const bool unknown = argc > 1 && argv[1][0] != '-' && app.get_subcommands().empty();
        const auto message = unknown ? dnspath::reports::cli_line("cli:usage-unknown-subcommand", {{"name", argv[1]}}, language)
                                     : dnspath::reports::usage_message(error.what(), language);
        std::cerr << "dnspath: " << dnspath::reports::cli_line("cli:usage", {{"message", message}, {"help", where + " --help"}}, language) << "\n";
        return 2;
    }
    // Errors are values throughout; this is the net under them, so that nothing a user gives ends
    // in std::terminate: an exception that escapes anyway is one line and exit 2.
    try {
        for (const auto& [command, action] : commands)
            if (command->parsed()) return action();
    } catch (const std::exception& error) {
        std::cerr << "dnspath: internal error: " << error.what() << "\n";
        return 2;
    }
    return 2;
}
