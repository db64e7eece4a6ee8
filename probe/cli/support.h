// What the subcommands share at the edge: exit codes, the one-line usage error, the terminal's
// layout, status lines, signals turned into a stop flag, and where this binary lives.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <string>
#include <thread>

#include "probe/profile/profile.h"
#include "reports/report.h"
#include "probe/wire/wire.h"

namespace dnspath::cli {

// Exit codes (README "Exit codes"): 0 every checkpoint passed, 1 one failed, 2 usage/environment.
constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

// "dnspath: MESSAGE" on stderr; returns kExitUsage.
int usage_error(const std::string& message);
// The same for an Error: in English its own words; in another language its code's sentence, when
// it has a code (its English words when it has none).
int usage_error(const Error& error, reports::Language language);

// A profile's errors on standard error: a file that cannot be read at all is one usage error; a
// profile's own errors are FILE:LINE:COL lines, one per problem.
// In another language than English, a problem with a code is worded by the catalogue.
void print_profile_errors(const profile::ProfileErrors& problems, reports::Language language = reports::Language::en);

// Writes a rendered report to `out`, or to standard output when none is given.
Result<void> emit(const std::string& text, const std::string& out);

// The running dnspath binary (for children: responders, the probe in a namespace).
std::string self_executable();

// The terminal report's layout: colors unless --no-color, NO_COLOR or a pipe; the width from
// COLUMNS or the terminal; `wide` keeps each verdict on one line.
reports::TextOptions text_options(bool no_color, bool wide, reports::Language language);

// A progress or status line on standard error: rewritten in place on a terminal.
void status_line(const std::string& line);
void clear_status_line();

// Turns SIGINT/SIGTERM into a flag the work checks, without a global: the signals are blocked in
// every thread (start this before any other thread) and one thread waits for them.
// Drops every capability of the calling thread (the signal thread needs none).
void drop_capabilities_of_this_thread();

class StopOnSignal {
public:
    explicit StopOnSignal(std::atomic<bool>& stop) : stop_(stop) {
        sigemptyset(&signals_);
        for (int signal_number : {SIGINT, SIGTERM, SIGUSR1}) sigaddset(&signals_, signal_number);  // USR1: our wake-up
        pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
        waiter_ = std::thread([this] {
            drop_capabilities_of_this_thread();  // it only waits for a signal
            int signal_number = 0;
            sigwait(&signals_, &signal_number);
            if (signal_number == SIGUSR1) return;
            stop_.store(true);
            std::cerr << "\ndnspath: stopping (signal " << signal_number << ")\n";
        });
    }
    ~StopOnSignal() {
        pthread_kill(waiter_.native_handle(), SIGUSR1);
        waiter_.join();
    }
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

private:
    std::atomic<bool>& stop_;
    sigset_t signals_{};
    std::thread waiter_;
};

}  // namespace dnspath::cli
