#include "probe/net/signals.h"

#include <pthread.h>

#include <iostream>

#include "probe/net/privilege.h"

namespace dnspath::net {

void ignore_broken_pipes() { ::signal(SIGPIPE, SIG_IGN); }

StopOnSignal::StopOnSignal(std::atomic<bool>& stop, std::string said) : stop_(stop), said_(std::move(said)) {
    sigemptyset(&signals_);
    for (int signal_number : {SIGINT, SIGTERM, SIGUSR1}) sigaddset(&signals_, signal_number);  // USR1: our own wake-up
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    waiter_ = std::thread([this] {
        drop_thread_capabilities();  // it only waits for a signal
        int signal_number = 0;
        sigwait(&signals_, &signal_number);
        if (signal_number == SIGUSR1) return;
        stop_.store(true);
        std::cerr << "\n" << said_ << "\n";
    });
}

StopOnSignal::~StopOnSignal() {
    pthread_kill(waiter_.native_handle(), SIGUSR1);
    waiter_.join();
}

}  // namespace dnspath::net
