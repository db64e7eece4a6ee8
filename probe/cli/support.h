// What the subcommands share at the edge: exit codes, the one-line usage error, status lines on
// standard error, and where this binary lives.
#pragma once

#include <string>

#include "probe/profile/profile.h"
#include "reports/report.h"
#include "probe/wire/wire.h"

namespace dnspath::cli {

// Exit codes (README "Exit codes"): 0 every checkpoint passed, 1 one failed, 2 usage/environment.
constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

// "dnspath: MESSAGE" on standard error; returns kExitUsage.
int usage_error(const std::string& message);
// The same for an Error: in English its own words; in another language its code's sentence, or,
// without a code, its English words quoted in a sentence of that language.
int usage_error(const Error& error, reports::Language language);

// A profile's problems on standard error: a file that cannot be read is one usage error; a
// profile's own problems are FILE:LINE:COL lines, worded by the catalogue when they have a code.
void print_profile_errors(const profile::ProfileErrors& problems, reports::Language language);

// Lines on standard error (ended with a newline if they are not), and a progress line rewritten
// in place when standard error is a terminal.
void say(const std::string& lines);
void status_line(const std::string& line);
void clear_status_line();

// The running dnspath binary (for children: responders, the probe in a namespace).
std::string self_executable();

}  // namespace dnspath::cli
