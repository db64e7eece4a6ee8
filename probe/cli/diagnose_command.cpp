// `dnspath diagnose NAME`: runs the JPRS manual's chain (probe/diagnose), prints the table or the
// result JSON, and optionally writes result.json and report.html into a folder.
#include <iostream>

#include "probe/cli/commands.h"
#include "probe/diagnose/diagnose.h"
#include "probe/judge/judge.h"
#include "reports/report.h"

namespace dnspath::cli {

int command_diagnose(const DiagnoseOptions& given) {
    auto fail_usage = [](const std::string& message) {
        std::cerr << "dnspath: " << message << " (dnspath diagnose --help)\n";
        return 2;
    };
    auto zone = wire::Name::parse(given.name);
    if (!zone) return fail_usage("NAME: " + zone.error().message.substr(0, 200));
    diagnose::Options options;
    options.zone = *zone;
    options.server = given.server;
    options.parent = given.parent;
    options.resolver = given.resolver;
    options.echo_name = given.echo_name;
    options.port = static_cast<std::uint16_t>(given.port);
    if (given.symptom > 0) options.symptom = given.symptom;
    options.expiry_warning_days = given.expiry_warning_days;
    if (given.opt_out == "yes" || given.opt_out == "no") options.opt_out = given.opt_out == "yes";
    options.keep_going = given.all;
    options.timeout = std::chrono::milliseconds(given.timeout_ms);
    options.tool_version = DNSPATH_VERSION;
    options.command_line = given.command_line;
    if (auto valid = diagnose::validate(options); !valid) return fail_usage(valid.error().message);
    auto language = reports::parse_language(given.lang);
    if (!language) return fail_usage(language.error().message);
    const bool progress_shown = !given.json && isatty(STDERR_FILENO);
    auto progress = [&](std::string_view checkpoint) {
        if (progress_shown) std::cerr << "\r\033[K" << "diagnose: " << checkpoint << std::flush;
    };
    auto result = diagnose::run(options, progress);
    if (progress_shown) std::cerr << "\r\033[K" << std::flush;
    if (!result) {
        std::cerr << "dnspath: " << result.error().message << "\n";
        return 2;
    }
    judge::judge_standards(*result);
    if (!given.out_dir.empty()) {
        auto written = reports::write_outputs(*result, given.out_dir, *language);
        if (!written) {
            std::cerr << "dnspath: " << written.error().message << "\n";
            return 2;
        }
    }
    if (given.json) std::cout << reports::to_json(*result);
    else std::cout << reports::render_text(*result, text_options(given.no_color, given.wide, given.lang));
    return reports::exit_code(*result);
}

}  // namespace dnspath::cli
