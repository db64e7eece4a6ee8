// Reading a small file from outside (a profile, a key, a result): refused with one clear reason
// when it is a folder, a FIFO or device, unreadable or over a size limit — never a blocking open
// or an unbounded read.
#pragma once

#include <cstddef>
#include <string>

#include "probe/wire/result.h"

namespace dnspath::wire {

// The whole file, if it is a regular file of at most `limit` octets. Errors name the path and why:
// "PATH: is a folder", "not a regular file", "permission denied", "over 1 MiB", "no such file".
Result<std::string> read_regular_file(const std::string& path, std::size_t limit);

// Opens `path` for reading without blocking (a FIFO's open would wait for a writer) and checks it
// is a regular file; returns the descriptor, which the caller closes. For readers that map files.
Result<int> open_regular_file(const std::string& path);

}  // namespace dnspath::wire
