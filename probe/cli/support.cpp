#include "probe/cli/support.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "probe/probe.h"

namespace dnspath::cli {

int usage_error(const std::string& message) {
    std::cerr << "dnspath: " << message << "\n";
    return kExitUsage;
}

int usage_error(const Error& error, reports::Language language) {
    if (language == reports::Language::en) return usage_error(error.message);
    // An error without a code (a command's own output, a daemon that would not start) keeps its
    // English words, quoted inside a sentence of the reader's language.
    if (error.code.empty()) return usage_error(reports::cli_line("cli:failed", {{"message", error.message}}, language));
    return usage_error(reports::describe_error(probe::local_error(error), language));
}

void print_profile_errors(const profile::ProfileErrors& problems, reports::Language language) {
    const bool unreadable = problems.errors.size() == 1 && problems.errors.front().line == 0;
    if (language == reports::Language::en) return say((unreadable ? "dnspath: profile " : "") + problems.describe());
    if (unreadable) {  // the file's own error (no such file, a folder): its code words it
        const auto& problem = problems.errors.front();
        const auto& argument = problem.args.empty() ? problem.file : problem.args.front().second;
        return (void)usage_error(Error{problem.file + ": " + problem.message, problem.code, "", 0, argument}, language);
    }
    for (const auto& problem : problems.errors) {
        const auto worded = reports::describe_profile_problem(problem.code, problem.args, language);
        say(problem.file + ":" + std::to_string(problem.line) + ":" + std::to_string(problem.column) + ": " +
            (worded.empty() ? problem.message : worded));
    }
}

void say(const std::string& lines) { std::cerr << lines << (lines.ends_with('\n') ? "" : "\n"); }

void status_line(const std::string& line) {
    const bool tty = isatty(STDERR_FILENO) != 0;
    std::cerr << (tty ? "\r\033[K" : "") << line << (tty ? "" : "\n") << std::flush;
}

void clear_status_line() {
    if (isatty(STDERR_FILENO)) std::cerr << "\r\033[K" << std::flush;
}

std::string self_executable() {
    std::error_code error;
    auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string("dnspath") : path.string();
}

}  // namespace dnspath::cli
