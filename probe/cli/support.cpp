#include "probe/cli/support.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "probe/net/net.h"
#include "probe/probe.h"

namespace dnspath::cli {

int usage_error(const std::string& message) {
    std::cerr << "dnspath: " << message << "\n";
    return kExitUsage;
}

std::string self_executable() {
    std::error_code error;
    auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string("dnspath") : path.string();
}

reports::TextOptions text_options(bool no_color, bool wide, reports::Language language) {
    reports::TextOptions options;
    options.language = language;
    const char* no_color_env = std::getenv("NO_COLOR");  // no-color.org: set and not empty
    options.color = !no_color && (no_color_env == nullptr || *no_color_env == '\0') && isatty(STDOUT_FILENO) != 0;
    options.wide = wide;
    winsize size{};
    const char* columns = std::getenv("COLUMNS");
    if (columns != nullptr && std::atoi(columns) >= 40) options.width = static_cast<std::size_t>(std::atoi(columns));
    else if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) options.width = size.ws_col;
    return options;
}

void status_line(const std::string& line) {
    const bool tty = isatty(STDERR_FILENO) != 0;
    std::cerr << (tty ? "\r\033[K" : "") << line << (tty ? "" : "\n") << std::flush;
}

void clear_status_line() {
    if (isatty(STDERR_FILENO)) std::cerr << "\r\033[K" << std::flush;
}

void drop_capabilities_of_this_thread() { net::drop_thread_capabilities(); }

// Writes a rendered report to `out`, or to standard output when none is given.
int usage_error(const Error& error, reports::Language language) {
    if (language == reports::Language::en || error.code.empty()) return usage_error(error.message);
    return usage_error(reports::describe_error(probe::local_error(error), language));
}

Result<void> emit(const std::string& text, const std::string& out) {
    if (out.empty()) {
        std::cout << text;
        return Ok{};
    }
    std::error_code error;
    if (std::filesystem::is_directory(out, error)) return fail(out + ": is a folder; give a file name");
    // A FIFO or a device would block or swallow the report: only a regular file (or a new one).
    if (std::filesystem::exists(out, error) && !std::filesystem::is_regular_file(out, error))
        return fail(out + ": not a regular file");
    std::ofstream file(out, std::ios::binary);
    if (!(file << text) || !file.flush()) return fail("cannot write " + out);
    return Ok{};
}

void print_profile_errors(const profile::ProfileErrors& problems, reports::Language language) {
    const bool unreadable = problems.errors.size() == 1 && problems.errors.front().line == 0;
    if (language == reports::Language::en || unreadable) {
        std::cerr << (unreadable ? "dnspath: profile " : "") << problems.describe() << "\n";
        return;
    }
    for (const auto& problem : problems.errors) {
        const auto worded = reports::describe_profile_problem(problem.code, problem.args, language);
        std::cerr << problem.file << ":" << problem.line << ":" << problem.column << ": "
                  << (worded.empty() ? problem.message : worded) << "\n";
    }
}

}  // namespace dnspath::cli
