// SIGINT and SIGTERM turned into a stop flag that long work checks, without a global. Included
// through probe/net/net.h.
#pragma once

#include <signal.h>

#include <atomic>
#include <string>
#include <thread>

namespace dnspath::net {

// A peer that resets a TLS or TCP connection while we write to it raises SIGPIPE inside OpenSSL's
// write, and SIGPIPE ends the process: the lab's responder died so under 25 % loss (a DoT client
// gave up and reset). Ignored once at start, such a write fails with EPIPE, an error like any other.
void ignore_broken_pipes();

// The signals are blocked in the calling thread and in every thread it starts later (construct
// it before any other thread), and one thread, without capabilities, waits for them.
class StopOnSignal {
public:
    // `said`: the line written to standard error when a signal arrives, in the reader's language.
    StopOnSignal(std::atomic<bool>& stop, std::string said);
    ~StopOnSignal();
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

private:
    std::atomic<bool>& stop_;
    std::string said_;
    sigset_t signals_{};
    std::thread waiter_;
};

}  // namespace dnspath::net
