#include "probe/lab/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <thread>

extern char** environ;

namespace dnspath::lab {
namespace {

std::vector<char*> c_args(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    return args;
}

// Spawn attributes for every child: an empty signal mask (ours blocks SIGINT/SIGTERM for the
// waiting thread, and a child must not inherit that), and optionally a session of its own.
struct SpawnAttributes {
    explicit SpawnAttributes(bool new_session) {
        posix_spawnattr_init(&attributes);
        sigset_t empty;
        sigemptyset(&empty);
        posix_spawnattr_setsigmask(&attributes, &empty);
        short flags = POSIX_SPAWN_SETSIGMASK;
        if (new_session) flags |= POSIX_SPAWN_SETSID;
        posix_spawnattr_setflags(&attributes, flags);
    }
    ~SpawnAttributes() { posix_spawnattr_destroy(&attributes); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    posix_spawnattr_t attributes;
};

int exit_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

std::string join_command(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& arg : argv) {
        if (!out.empty()) out += ' ';
        out += arg.find_first_of(" \t\"'") == std::string::npos ? arg : "'" + arg + "'";
    }
    return out;
}

Result<CommandOutput> run_command(const std::vector<std::string>& argv, std::string_view input, std::chrono::milliseconds deadline) {
    if (argv.empty()) return fail("empty command");
    int to_child[2], from_child[2];
    if (pipe2(to_child, O_CLOEXEC) != 0) return fail("pipe: " + std::string(std::strerror(errno)));
    if (pipe2(from_child, O_CLOEXEC) != 0) {
        close(to_child[0]);
        close(to_child[1]);
        return fail("pipe: " + std::string(std::strerror(errno)));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 2);
    SpawnAttributes attributes(false);
    pid_t pid = -1;
    auto args = c_args(argv);
    int spawned = posix_spawnp(&pid, args[0], &actions, &attributes.attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(to_child[0]);
    close(from_child[1]);
    if (spawned != 0) {
        close(to_child[1]);
        close(from_child[0]);
        return fail("cannot run " + argv[0] + ": " + std::strerror(spawned) +
                    (spawned == ENOENT ? " (is its package installed?)" : ""));
    }
    // Input is small (an nft ruleset); write it all, then read until the child closes its end.
    std::size_t written = 0;
    while (written < input.size()) {
        ssize_t n = write(to_child[1], input.data() + written, input.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    close(to_child[1]);
    CommandOutput result;
    char buffer[4096];
    const auto until = std::chrono::steady_clock::now() + deadline;
    bool late = false;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
        pollfd entry{from_child[0], POLLIN, 0};
        const int ready = left <= 0 ? 0 : ::poll(&entry, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) continue;  // a signal, not the end: wait on, within the deadline
        if (ready == 0) {
            late = true;  // it keeps its output open past the deadline: stop it
            kill(pid, SIGKILL);
            break;
        }
        ssize_t n = read(from_child[0], buffer, sizeof buffer);
        if (n > 0) {
            result.output.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    close(from_child[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (late)
        return fail(join_command(argv) + " did not finish within " + std::to_string(deadline.count() / 1000) + " s (killed)");
    result.exit_code = exit_status(status);
    return result;
}

Result<void> wait_until(const std::string& what, std::chrono::milliseconds deadline, std::chrono::milliseconds step,
                        const std::function<Result<bool>()>& ready) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
        DNSPATH_TRY(bool done, ready());
        if (done) return Ok{};
        if (std::chrono::steady_clock::now() >= until) break;
        std::this_thread::sleep_for(step);
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", static_cast<double>(deadline.count()) / 1000);
    return fail(what + " within " + seconds + " s");
}

Result<void> run_checked(const std::vector<std::string>& argv, std::string_view input, std::chrono::milliseconds deadline) {
    DNSPATH_TRY(CommandOutput result, run_command(argv, input, deadline));
    if (result.exit_code != 0) {
        std::string output = result.output;
        while (!output.empty() && output.back() == '\n') output.pop_back();
        return fail(join_command(argv) + " failed (exit " + std::to_string(result.exit_code) + "): " + output);
    }
    return Ok{};
}

Result<Process> Process::spawn(const std::vector<std::string>& argv, const Options& options) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!options.log_path.empty()) {
        posix_spawn_file_actions_addopen(&actions, 1, options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    int input[2] = {-1, -1};
    if (!options.standard_input.empty()) {
        // A socket pair rather than a pipe: a child that dies before reading gives EPIPE to send()
        // with MSG_NOSIGNAL, where a pipe's write would kill this process with SIGPIPE.
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, input) != 0)
            return fail(std::string("cannot make a socket pair: ") + std::strerror(errno));
        posix_spawn_file_actions_adddup2(&actions, input[0], 0);  // dup2 clears O_CLOEXEC on fd 0
    }
    SpawnAttributes attributes(options.new_session);
    pid_t pid = -1;
    auto args = c_args(argv);
    int spawned = posix_spawnp(&pid, args[0], &actions, &attributes.attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (input[0] >= 0) close(input[0]);
    if (spawned != 0) {
        if (input[1] >= 0) close(input[1]);
        return fail("cannot start " + join_command(argv) + ": " + std::strerror(spawned));
    }
    if (input[1] >= 0) {
        // The child reads all of it before anything else; one that died early ends the sending.
        const std::string& text = options.standard_input;
        for (std::size_t sent = 0; sent < text.size();) {
            const ssize_t wrote = send(input[1], text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
            if (wrote <= 0 && errno != EINTR) break;
            if (wrote > 0) sent += static_cast<std::size_t>(wrote);
        }
        close(input[1]);
    }
    Process process;
    process.pid_ = pid;
    return process;
}

Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        stop();
        pid_ = other.pid_;
        other.pid_ = -1;
    }
    return *this;
}

bool Process::running() {
    if (pid_ < 0) return false;
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
        pid_ = -1;
        return false;
    }
    return done == 0;
}

int Process::stop(int signal, std::chrono::milliseconds grace) {
    if (pid_ < 0) return 0;
    kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        pid_t done = waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            pid_ = -1;
            return exit_status(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return exit_status(status);
}

int Process::wait(const std::function<bool()>& should_interrupt) {
    bool forwarded = false;
    int status = 0;
    while (pid_ >= 0) {
        pid_t done = waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            pid_ = -1;
            return exit_status(status);
        }
        if (!forwarded && should_interrupt && should_interrupt()) {
            kill(pid_, SIGINT);
            forwarded = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

std::vector<std::string> in_namespace(const std::string& ns, std::vector<std::string> argv) {
    std::vector<std::string> full{"ip", "netns", "exec", ns};
    full.insert(full.end(), argv.begin(), argv.end());
    return full;
}

Result<bool> listens_on_udp_53(const std::string& ns) {
    const auto argv = in_namespace(ns, {"ss", "-Hlun", "sport = :53"});
    DNSPATH_TRY(CommandOutput sockets, run_command(argv));
    if (sockets.exit_code != 0) return fail(join_command(argv) + " failed: " + sockets.output);
    return sockets.output.find(":53") != std::string::npos;
}

Result<void> write_file(const std::string& path, const std::string& text, std::filesystem::perms perms) {
    if (!(std::ofstream(path) << text)) return fail("cannot write " + path);
    std::error_code error;
    std::filesystem::permissions(path, perms, error);
    if (error) return fail("cannot set the permissions of " + path + ": " + error.message());
    return Ok{};
}

Result<void> start_detached(const std::vector<std::string>& argv, const std::string& log, const std::string& what) {
    DNSPATH_TRY(Process daemon, Process::spawn(argv, {log, true}));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    if (!daemon.running()) return fail(what + " exited at start (log: " + log + ")");
    daemon.release();
    return Ok{};
}

}  // namespace dnspath::lab
