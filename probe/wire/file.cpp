#include "probe/wire/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dnspath::wire {
namespace {

std::string size_text(std::size_t limit) {
    if (limit >= (1u << 20) && limit % (1u << 20) == 0) return std::to_string(limit >> 20) + " MiB";
    if (limit >= 1024 && limit % 1024 == 0) return std::to_string(limit >> 10) + " KiB";
    return std::to_string(limit) + " octets";
}

}  // namespace

Result<int> open_regular_file(const std::string& path) {
    if (path.empty()) return fail("an empty file name");
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOENT) return fail_code(path + ": no such file", "no-such-file", path);
        if (error == EACCES) return fail_code(path + ": permission denied", "permission-denied", path);
        return fail_os(path + ": cannot read", "open", error);
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        const bool folder = S_ISDIR(info.st_mode);
        ::close(fd);
        if (folder) return fail_code(path + ": is a folder", "is-a-folder", path);
        return fail_code(path + ": not a regular file", "not-a-regular-file", path);
    }
    return fd;
}

Result<std::string> read_regular_file(const std::string& path, std::size_t limit) {
    DNSPATH_TRY(const int fd, open_regular_file(path));
    std::string text;
    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            const int error = errno;
            ::close(fd);
            return fail_os(path + ": cannot read", "read", error);
        }
        if (got == 0) break;
        if (text.size() + static_cast<std::size_t>(got) > limit) {
            ::close(fd);
            return fail_code(path + ": over " + size_text(limit), "too-large", path);
        }
        text.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    return text;
}

}  // namespace dnspath::wire
