// Running other programs (ip, nft, ethtool, named, the responder): the one door through which the
// lab touches the system, so privileged work is in one place and every child is accounted for.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/wire/wire.h"

namespace dnspath::lab {

struct CommandOutput {
    int exit_code = 0;
    std::string output;  // stdout and stderr together
};

// Runs argv to completion (PATH is searched), feeding `input` on stdin. A command still running
// at `deadline` is killed, and that is an error naming it: no lab step can hang the lab.
inline constexpr std::chrono::milliseconds kCommandDeadline{30'000};
Result<CommandOutput> run_command(const std::vector<std::string>& argv, std::string_view input = {},
                                  std::chrono::milliseconds deadline = kCommandDeadline);
// Like run_command, but a non-zero exit is an error that quotes the command and its output.
Result<void> run_checked(const std::vector<std::string>& argv, std::string_view input = {},
                         std::chrono::milliseconds deadline = kCommandDeadline);
// Asks `ready` every `step` until it says true or `deadline` passes; `ready` returns an error to
// stop at once (the daemon it waits for exited). Running out of time is an error saying what
// did not happen: "WHAT within N s".
Result<void> wait_until(const std::string& what, std::chrono::milliseconds deadline, std::chrono::milliseconds step,
                        const std::function<Result<bool>()>& ready);
// `argv` run inside network namespace `ns` (ip netns exec).
std::vector<std::string> in_namespace(const std::string& ns, std::vector<std::string> argv);
std::string join_command(const std::vector<std::string>& argv);
// Whether something in namespace `ns` listens on UDP port 53 (`ss`): a daemon up, or still up. An
// error when `ss` itself failed, which says nothing either way.
Result<bool> listens_on_udp_53(const std::string& ns);

// A child process that is stopped (SIGTERM, then SIGKILL) when this object goes away, unless
// released to outlive us (`lab up`).
class Process {
public:
    struct Options {
        std::string log_path;       // stdout and stderr go here ("" = inherit)
        bool new_session = false;   // detach from our terminal and process group
        // Given to the child on its standard input through a pipe, then end of file (a child run's
        // request as JSON); empty: stdin is inherited (or /dev/null with a log).
        std::string standard_input;
    };
    static Result<Process> spawn(const std::vector<std::string>& argv, const Options& options);

    Process() = default;
    Process(Process&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
    Process& operator=(Process&& other) noexcept;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process() { stop(); }

    pid_t pid() const { return pid_; }
    bool running();
    // Sends `signal`; waits up to `grace` for an exit code, then kills. Returns the exit status.
    int stop(int signal = 15, std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
    // Waits for the child to exit on its own; polls `should_interrupt` and forwards SIGINT.
    int wait(const std::function<bool()>& should_interrupt);
    void release() { pid_ = -1; }

private:
    pid_t pid_ = -1;
};

// A file another program reads (a daemon's configuration, a script it runs), with `perms`
// (radvd refuses a configuration others may write; a script must be executable).
Result<void> write_file(const std::string& path, const std::string& text,
                        std::filesystem::perms perms = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                                       std::filesystem::perms::group_read | std::filesystem::perms::others_read);

// A daemon started to outlive this process in a namespace (until `lab down` or the bench's
// restore stops it): failed when it has exited 300 ms after starting. `what` names it in the error.
Result<void> start_detached(const std::vector<std::string>& argv, const std::string& log, const std::string& what);

}  // namespace dnspath::lab
