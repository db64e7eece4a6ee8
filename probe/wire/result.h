// Result<T, E>: a value or a named error, carried instead of exceptions through the core.
// gcc 12's C++20 library has no std::expected; this is the small subset dnspath needs.
#pragma once

#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace dnspath {

// An error for everything outside the packet path (profiles, sockets, files): its English words,
// and, where reports can word it in the run's language, its code and argument. Codes: "os" (a
// system call failed: `call` and `os_error`, an errno), "needs-capability" (`argument`: the
// capability), "no-such-file", "permission-denied", "is-a-folder", "not-a-result" (`argument`: the
// path), "no-such-interface", "no-such-user" (`argument`: its name); "" : the words alone.
struct Error {
    std::string message;
    std::string code;
    std::string call;
    int os_error = 0;
    std::string argument;
};

template <typename E>
struct Unexpected {
    E error;
};

template <typename E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
    return Unexpected<std::decay_t<E>>{std::forward<E>(error)};
}

inline Unexpected<Error> fail(std::string message) { return {Error{std::move(message)}}; }
// A system call that failed: "WHAT: strerror" in words; the call and errno as the code.
inline Unexpected<Error> fail_os(const std::string& what, std::string call, int os_error) {
    return {Error{what + ": " + std::strerror(os_error), "os", std::move(call), os_error, ""}};
}
// An error reports can word in any language: `code` and its `argument` (a path, a name), with
// its English words beside them.
inline Unexpected<Error> fail_code(std::string message, std::string code, std::string argument) {
    return {Error{std::move(message), std::move(code), "", 0, std::move(argument)}};
}
// A flag or field given in a form the work cannot use: `flag` ("--device") and what was typed,
// worded in any language by `code`.
inline Unexpected<Error> fail_usage(std::string message, std::string code, std::string flag, std::string typed) {
    return {Error{std::move(message), std::move(code), std::move(flag), 0, std::move(typed)}};
}
// A privilege the work needs and the process lacks.
inline Unexpected<Error> fail_capability(std::string message, std::string capability) {
    return {Error{std::move(message), "needs-capability", "", 0, std::move(capability)}};
}

template <typename T, typename E = Error>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Unexpected<E> error) : state_(std::in_place_index<1>, std::move(error.error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    const E& error() const { return std::get<1>(state_); }

    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    template <typename U>
    T value_or(U&& fallback) const {
        return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, E> state_;
};

// Result<void>: success carries nothing.
struct Ok {};

template <typename E>
class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    Result(Ok) {}
    Result(Unexpected<E> error) : error_(std::move(error.error)), failed_(true) {}
    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const E& error() const { return error_; }

private:
    E error_{};
    bool failed_ = false;
};

}  // namespace dnspath

// Propagates the error of a Result-returning expression, otherwise binds its value.
#define DNSPATH_CONCAT_INNER(a, b) a##b
#define DNSPATH_CONCAT(a, b) DNSPATH_CONCAT_INNER(a, b)
#define DNSPATH_TRY_IMPL(tmp, decl, expr)                       \
    auto tmp = (expr);                                           \
    if (!tmp.ok()) return ::dnspath::unexpected(tmp.error());    \
    decl = std::move(tmp).value()
#define DNSPATH_TRY(decl, expr) DNSPATH_TRY_IMPL(DNSPATH_CONCAT(try_result_, __LINE__), decl, expr)
#define DNSPATH_TRY_VOID(expr)                                               \
    do {                                                                     \
        auto try_void_result_ = (expr);                                      \
        if (!try_void_result_.ok()) return ::dnspath::unexpected(try_void_result_.error()); \
    } while (0)
