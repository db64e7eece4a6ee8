// Where a rendered report goes: the terminal (its colors and width) or a file.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "reports/report.h"

namespace dnspath::reports {

TextOptions terminal_text_options(bool no_color, bool wide, Language language) {
    TextOptions options;
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

Result<void> write_output(const std::string& text, const std::string& out) {
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

}  // namespace dnspath::reports
