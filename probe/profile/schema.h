// The profile schema: every key a profile may hold, with its type and range, and the Validator that
// walks a parsed TOML tree against it, collecting FILE:LINE:COL errors. Internal to probe/profile.
#pragma once

#include <string>
#include <toml++/toml.h>

#include "probe/profile/profile.h"

namespace dnspath::profile {

enum class Kind { table, table_array, string, integer, boolean, string_array, integer_array };
struct Rule;

// Checks a tree key by key against the schema; build code adds its own errors through error().
class Validator {
public:
    explicit Validator(std::string file) : file_(std::move(file)) {}

    void error(const toml::source_region& where, std::string message);
    // An error reports can word in any language (ProfileError's codes).
    void coded_error(const toml::source_region& where, std::string message, std::string code,
                     std::vector<std::pair<std::string, std::string>> args);
    void check_table(const toml::table& table, const std::string& prefix);
    ProfileErrors take() { return std::move(errors_); }
    bool failed() const { return !errors_.errors.empty(); }

private:
    void check_scalar(const toml::node& node, const Rule& rule, Kind kind, const std::string& path);
    void mismatch(const toml::node& node, std::string_view expected, const std::string& path);
    void check_value(const toml::node& node, const Rule& rule, const std::string& path);

    std::string file_;
    ProfileErrors errors_;
};

}  // namespace dnspath::profile
