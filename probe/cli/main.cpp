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
namespace reports = dnspath::reports;

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
        if (auto parsed = reports::parse_language(std::string(value))) return *parsed;
    }
    return Language::en;
}

// A command being declared. Its options take their --help line from the catalogue, in the language
// typed (reports::option_help: "COMMAND --option", else the line every command shares).
class Command {
public:
    Command(CLI::App& parent, std::string path, Language language)
        : path_(std::move(path)), language_(language),
          app_(parent.add_subcommand(path_.substr(path_.rfind(' ') + 1), reports::option_help(path_, "", language))) {
        app_->set_help_flag("-h,--help", reports::option_help("label:help", "", language));  // made again, in the group's own word
        app_->group(reports::option_help("label:Subcommands", "", language));
    }
    template <class T> CLI::Option* option(const std::string& names, T& into) { return app_->add_option(names, into, help(names)); }
    CLI::Option* flag(const std::string& names, bool& into) { return app_->add_flag(names, into, help(names)); }
    template <class T, class F> CLI::Option* with(const std::string& names, F&& apply) {
        return app_->add_option_function<T>(names, std::forward<F>(apply), help(names));
    }
    Command sub(const std::string& name) const { return Command(*app_, path_ + " " + name, language_); }
    CLI::App* operator->() const { return app_; }
    CLI::App* app() const { return app_; }

private:
    std::string help(const std::string& names) const { return reports::option_help(path_, names.substr(0, names.find(',')), language_); }
    std::string path_;
    Language language_;
    CLI::App* app_;
};

void add_language(Command& cmd, Language& language) {
    const auto known = [](std::string& name) { auto parsed = reports::parse_language(name); return parsed ? "" : parsed.error().message; };
    cmd.with<std::string>("--lang", [&language](const std::string& name) { language = reports::parse_language(name).value_or(language); })
        ->check(CLI::Validator(known, "en|ja"))->default_str("en");
}

void add_printing(Command& cmd, Printing& print, bool json = true) {
    if (json) cmd.flag("--json", print.json);
    cmd.flag("--no-color", print.no_color);
    cmd.flag("--wide", print.wide);
}

// --probes and --families: what `run`, `lab run` and `bench` run of the plan.
void add_plan(Command& cmd, std::vector<std::string>& probes, std::vector<std::string>& families) {
    cmd.option("--probes", probes)->check(CLI::IsMember(dnspath::model::plan_kinds()))->delimiter(',');
    cmd.option("--families", families)->check(CLI::IsMember(kFamilies))->delimiter(',');
}

void add_run_choices(Command& cmd, dnspath::lab::RunChoices& choices) {
    cmd.option("--out,-o", choices.out_dir)->capture_default_str();
    cmd.flag("--json", choices.json);
    add_language(cmd, choices.language);
    add_plan(cmd, choices.probes, choices.families);
}

Command add_run(CLI::App& app, Language language, RunOptions& run) {
    Command cmd(app, "run", language);
    auto& flags = run.flags;
    cmd.option("--profile,-p", flags.profile_path);  // its loader says what is wrong
    cmd.flag("--check", run.check_only);
    cmd.option("--target,-t", flags.targets);
    cmd.option("--proxy", flags.proxies);
    cmd.option("--baseline", flags.baseline);
    cmd.option("--port", flags.port)->check(kPort);
    cmd.option("--zone", flags.zone);
    cmd.option("--key-file,-k", flags.key_file);
    cmd.option("--out,-o", flags.out_dir)->capture_default_str();
    add_plan(cmd, flags.probes, flags.families);
    cmd.option("--seed", flags.seed)->check(kWhole);
    cmd.option("--repeat", flags.repeat)->check(CLI::Range(1, 10));
    cmd.option("--device", flags.devices);
    cmd.option("--device-model", flags.device_models);
    cmd.option("--device-firmware", flags.device_firmware);
    cmd.option("--resolver", flags.resolvers);
    cmd.option("--user", flags.user);
    add_language(cmd, flags.language);
    // The lab's and the bench's child run: the whole input as JSON, so no input flag may join it.
    auto* request = cmd.option("--request", flags.request_path);
    for (auto* other : cmd->get_options())
        if (other != request && !other->check_lname("help")) request->excludes(other);
    add_printing(cmd, run.print);
    return cmd;
}

Command add_respond(CLI::App& app, Language language, RespondOptions& options) {
    Command cmd(app, "respond", language);
    auto& respond = options.request;
    auto& server = respond.server;
    add_language(cmd, options.language);
    cmd.option("--listen,-l", server.listen)->required();
    cmd.option("--port", server.port)->check(kPort);
    cmd.option("--alt-port", server.alt_port)->check(kPort);
    cmd.option("--tls-port", server.tls_port)->check(kPort);
    cmd.option("--zone", respond.zone)->capture_default_str();
    cmd.option("--key-file,-k", respond.key_file);
    cmd.flag("--dont-fragment", server.force_dont_fragment);
    cmd.option("--zone-key", respond.zone_key);
    cmd.option("--ds-file", respond.ds_file);
    cmd.option("--standby-keys", respond.standby_keys)->check(CLI::Range(0, 4));
    cmd.option("--server-id", server.answers.server_id)->check(kServerId);
    cmd.option("--rate", server.queries_per_second_per_source)->check(CLI::Range(1, 1000000))->capture_default_str();
    cmd.option("--workers", server.workers)->check(CLI::Range(1, 64));
    return cmd;
}

Command add_name(CLI::App& app, Language language, NameOptions& name) {
    Command cmd(app, "name", language);
    cmd.option("--key-file,-k", name.key_file);
    cmd.option("--zone", name.zone)->capture_default_str();
    cmd.option("--id", name.probe.id);
    cmd.option("--size", name.size)->check(CLI::Range(0, 65535));
    cmd.flag("--do", name.probe.dnssec);
    cmd.flag("--echo", name.probe.echo);
    cmd.flag("--df", name.probe.dont_fragment);
    cmd.flag("--min", name.probe.minimum_mtu);
    cmd.flag("--tsig", name.tsig);
    add_language(cmd, name.language);
    return cmd;
}

Command add_capture(CLI::App& app, Language language, CaptureOptions& capture) {
    Command cmd(app, "capture", language);
    cmd.option("--device", capture.devices)->required();
    cmd.option("--out,-o", capture.out_dir)->capture_default_str();
    cmd.option("--port", capture.port)->check(kPort)->capture_default_str();
    cmd.option("--seconds", capture.seconds)->check(kFinite)->check(CLI::Range(0.0, 86400.0));
    add_language(cmd, capture.language);
    return cmd;
}

Command add_analyze(CLI::App& app, Language language, AnalyzeOptions& analyze) {
    Command cmd(app, "analyze", language);
    cmd.option("--device", analyze.devices);
    cmd.option("--tap", analyze.taps);
    cmd.option("--profile,-p", analyze.profile_path);
    cmd.option("--result", analyze.request.result_path)->required();
    cmd.option("--out,-o", analyze.request.out_dir)->capture_default_str();
    cmd.option("--zone", analyze.zone);
    add_printing(cmd, analyze.print);
    add_language(cmd, analyze.print.language);
    return cmd;
}

// `report` and `compare` share their output options.
void add_rendering(Command& cmd, std::string& format, std::string& out, Printing& print) {
    cmd.option("--format,-f", format)->capture_default_str();
    add_language(cmd, print.language);
    cmd.option("--out,-o", out);
    add_printing(cmd, print, false);
}

Command add_report(CLI::App& app, Language language, ReportOptions& report) {
    Command cmd(app, "report", language);
    cmd.option("result", report.path)->required();
    add_rendering(cmd, report.format, report.out, report.print);
    cmd.flag("--json", report.print.json);
    cmd.option("--html", report.html);
    cmd.option("--bundle", report.bundle);
    cmd.option("--junit-warn", report.junit_warn)->check(CLI::IsMember({"skip", "fail"}))->capture_default_str();
    return cmd;
}

Command add_compare(CLI::App& app, Language language, CompareOptions& compare) {
    Command cmd(app, "compare", language);
    cmd.option("old", compare.before)->required();
    cmd.option("new", compare.after)->required();
    add_rendering(cmd, compare.format, compare.out, compare.print);
    return cmd;
}

Command add_bench(CLI::App& app, Language language, BenchCliOptions& options) {
    Command cmd(app, "bench", language);
    auto& bench = options.bench;
    auto& run = options.run;
    cmd.option("--lan", bench.lan);
    cmd.option("--wan", bench.wan);
    cmd.option("--uplink", bench.uplink)->check(CLI::IsMember({"dhcp", "static"}))->capture_default_str();
    cmd.with<int>("--wan-mtu", [&bench](int mtu) { bench.wan_mtu = mtu; })->check(CLI::Range(576, 9000));
    cmd.option("--pd-length", bench.delegated_length)->check(CLI::Range(48, 64))->capture_default_str();
    cmd.option("--resolvers", bench.resolvers)->check(CLI::IsMember({"unbound", "bind", "knot-resolver", "powerdns"}))->delimiter(',');
    cmd.option("--dut-name", run.dut);
    cmd.option("--dut-model", run.dut_model);
    cmd.option("--dut-firmware", run.dut_firmware);
    cmd.option("--profile,-p", options.profile_path);
    cmd.flag("--force", bench.force);
    cmd.option("--lan-address", bench.lan_address);
    cmd.option("--lan-gateway", bench.lan_gateway);
    cmd.option("--lan-dns", bench.lan_dns);
    cmd.option("--target", run.targets);
    cmd.option("--key-file", run.key_file);
    cmd.option("--seconds", options.seconds)->check(kFinite);
    add_run_choices(cmd, run.choices);
    return cmd;
}

Command add_diagnose(CLI::App& app, Language language, DiagnoseOptions& options) {
    Command cmd(app, "diagnose", language);
    auto& diagnose = options.diagnose;
    cmd.option("name", options.name)->required();
    cmd.option("--server,-s", diagnose.server);
    cmd.option("--parent", diagnose.parent);
    cmd.option("--resolver,-r", diagnose.resolver);
    cmd.option("--echo-name", diagnose.echo_name);
    cmd.with<int>("--symptom", [&diagnose](int symptom) { diagnose.symptom = symptom; })->check(CLI::Range(1, 9));
    cmd.option("--port", diagnose.port)->check(kPort)->capture_default_str();
    cmd.option("--expiry-warning-days", diagnose.expiry_warning_days)->check(CLI::Range(0, 3650))->capture_default_str();
    cmd.with<std::string>("--opt-out", [&diagnose](const std::string& yes) { diagnose.opt_out = yes == "yes"; })
        ->check(CLI::IsMember({"yes", "no"}));
    cmd.with<int>("--timeout-ms", [&diagnose](int ms) { diagnose.timeout = std::chrono::milliseconds(ms); })
        ->check(CLI::Range(100, 30000))->default_str("1500");
    cmd.flag("--all", diagnose.keep_going);
    cmd.option("--out,-o", options.out_dir);
    add_printing(cmd, options.print);
    add_language(cmd, options.print.language);
    return cmd;
}

bool is_prefix(const std::string& text) {
    return !text.empty() && text.size() <= 6 && std::all_of(text.begin(), text.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

// `lab up|run|down|reproduce`; returns the subcommands so main can tell which was given.
std::array<Command, 4> add_lab(CLI::App& app, Language language, LabOptions& lab) {
    Command cmd(app, "lab", language);
    cmd->require_subcommand(1);
    Command up = cmd.sub("up"), run = cmd.sub("run"), down = cmd.sub("down");
    for (auto* sub : {&up, &run, &down}) sub->option("--profile,-p", lab.profile_path);
    down.option("--prefix", lab.prefix);
    for (auto* sub : {&up, &down}) add_language(*sub, lab.choices.language);
    add_run_choices(run, lab.choices);
    Command reproduce = cmd.sub("reproduce");
    auto& asked = lab.reproduce;
    reproduce.option("result", asked.result_path)->required();
    asked.choices.out_dir = "dnspath-reproduce";
    reproduce.option("--out,-o", asked.choices.out_dir)->capture_default_str();
    reproduce.option("--prefix", asked.prefix)->capture_default_str()->check(check("PREFIX", is_prefix, "is not 1-6 of a-z, 0-9"));
    reproduce.flag("--json", asked.choices.json);
    reproduce.flag("--run", asked.run);
    reproduce.option("--tries", asked.tries)->check(CLI::Range(1, 5))->capture_default_str();
    add_language(reproduce, asked.choices.language);
    return {up, run, down, reproduce};
}

// CLI11's own words in its help (Usage, OPTIONS, …), from the catalogue.
void word_the_help(CLI::App& app, Language language) {
    auto formatter = app.get_formatter();
    for (const char* label : {"Usage", "OPTIONS", "SUBCOMMAND", "SUBCOMMANDS", "REQUIRED", "Positionals", "Excludes", "Needs"})
        formatter->label(label, reports::option_help(std::string("label:") + label, "", language));
    app.option_defaults()->group(reports::option_help("label:Options", "", language));
    app.set_help_flag("-h,--help", reports::option_help("label:help", "", language));
    app.set_version_flag("--version", std::string("dnspath ") + DNSPATH_VERSION, reports::option_help("label:version", "", language));
}

}  // namespace

int main(int argc, char** argv) {
    dnspath::net::raise_open_file_limit();  // once, while every capability is held: the children inherit it
    dnspath::net::ignore_broken_pipes();
    const auto language = typed_language(argc, argv);
    CLI::App app{reports::option_help("dnspath", "", language)};
    word_the_help(app, language);
    app.require_subcommand(1);
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
    Command keygen_cmd(app, "keygen", language);
    keygen_cmd.option("file", keygen.path)->required();
    add_language(keygen_cmd, keygen.language);
    Command version_cmd(app, "version", language);
    auto [lab_up, lab_run, lab_down, lab_reproduce] = add_lab(app, language, lab);
    const std::vector<std::pair<CLI::App*, std::function<int()>>> commands{
        {add_run(app, language, run).app(), [&] { return command_run(run); }},
        {add_respond(app, language, respond).app(), [&] { return command_respond(respond); }},
        {keygen_cmd.app(), [&] { return command_keygen(keygen); }},
        {add_report(app, language, report).app(), [&] { return command_report(report); }},
        {add_compare(app, language, compare).app(), [&] { return command_compare(compare); }},
        {add_name(app, language, name).app(), [&] { return command_name(name); }},
        {add_capture(app, language, capture).app(), [&] { return command_capture(capture); }},
        {add_analyze(app, language, analyze).app(), [&] { return command_analyze(analyze); }},
        {add_diagnose(app, language, diagnose).app(), [&] { return command_diagnose(diagnose); }},
        {add_bench(app, language, bench).app(), [&] { return command_bench(bench); }},
        {lab_up.app(), [&] { return command_lab("up", lab); }},
        {lab_run.app(), [&] { return command_lab("run", lab); }},
        {lab_down.app(), [&] { return command_lab("down", lab); }},
        {lab_reproduce.app(), [&] { return command_lab_reproduce(lab); }},
        {version_cmd.app(), [] { return std::cout << "dnspath " << DNSPATH_VERSION << "\n", 0; }}};
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // Help and version are "errors" to CLI11 that exit 0; everything else is a usage error,
        // said on one line with where to look.
        if (error.get_exit_code() == 0) return app.exit(error);
        std::string where = "dnspath";
        for (const auto* sub : app.get_subcommands()) where += " " + sub->get_name();
        // "dnspath nosuch": CLI11 says a subcommand is required; the word typed was not one.
        const bool unknown = argc > 1 && argv[1][0] != '-' && app.get_subcommands().empty();
        const auto message = unknown ? reports::cli_line("cli:usage-unknown-subcommand", {{"name", argv[1]}}, language)
                                     : reports::usage_message(error.what(), language);
        std::cerr << "dnspath: " << reports::cli_line("cli:usage", {{"message", message}, {"help", where + " --help"}}, language) << "\n";
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
