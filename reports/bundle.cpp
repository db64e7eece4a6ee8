// `report --bundle`: a result, its report in every format and its taps in one .tar.gz for a
// ticket. Written in process (ustar headers, POSIX.1-1988, over zlib's gzip stream), so making a
// bundle needs no tar binary and spawns nothing.
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "reports/messages.h"
#include "reports/report.h"

namespace dnspath::reports {
namespace {

namespace fs = std::filesystem;

// A gzip stream of tar entries; closed (two zero blocks, then the gzip trailer) by finish().
class TarGzWriter {
public:
    explicit TarGzWriter(const std::string& path) : file_(gzopen(path.c_str(), "wb6")) {}
    ~TarGzWriter() {
        if (file_) gzclose(file_);
    }
    TarGzWriter(const TarGzWriter&) = delete;
    TarGzWriter& operator=(const TarGzWriter&) = delete;
    bool open() const { return file_ != nullptr; }

    Result<void> add(const std::string& name, const std::string& bytes) {
        DNSPATH_TRY_VOID(header(name, bytes.size()));
        DNSPATH_TRY_VOID(write(bytes.data(), bytes.size()));
        return pad(bytes.size());
    }

    Result<void> add_file(const std::string& name, const fs::path& source) {
        std::error_code error;
        const auto size = fs::file_size(source, error);
        if (error) return fail("cannot read " + source.string() + ": " + error.message());
        std::ifstream in(source, std::ios::binary);
        if (!in) return fail("cannot read " + source.string());
        DNSPATH_TRY_VOID(header(name, size));
        std::array<char, 65536> chunk{};
        std::uintmax_t copied = 0;
        while (copied < size) {
            const auto want = static_cast<std::streamsize>(std::min<std::uintmax_t>(chunk.size(), size - copied));
            if (!in.read(chunk.data(), want)) break;
            DNSPATH_TRY_VOID(write(chunk.data(), static_cast<std::size_t>(want)));
            copied += static_cast<std::uintmax_t>(want);
        }
        if (copied != size) return fail(source.string() + " changed while it was read");
        return pad(size);
    }

    Result<void> finish() {
        static const std::array<char, 1024> end{};
        DNSPATH_TRY_VOID(write(end.data(), end.size()));
        const int closed = gzclose(file_);
        file_ = nullptr;
        if (closed != Z_OK) return fail("cannot finish the gzip stream");
        return {};
    }

private:
    // A ustar header: octal fields, the checksum over the header with its own field as spaces.
    Result<void> header(const std::string& name, std::uintmax_t size) {
        if (name.size() >= 100) return fail("a bundle entry's name is too long: " + name);
        std::array<char, 512> block{};
        auto field = [&](std::size_t offset, std::size_t length, std::uintmax_t value) {
            std::snprintf(block.data() + offset, length, "%0*jo", static_cast<int>(length - 1), value);
        };
        std::memcpy(block.data(), name.data(), name.size());
        field(100, 8, 0644);
        field(108, 8, 0);
        field(116, 8, 0);
        field(124, 12, size);
        field(136, 12, static_cast<std::uintmax_t>(std::time(nullptr)));
        block[156] = '0';
        std::memcpy(block.data() + 257, "ustar", 6);
        std::memcpy(block.data() + 263, "00", 2);
        std::memset(block.data() + 148, ' ', 8);
        unsigned sum = 0;
        for (char c : block) sum += static_cast<unsigned char>(c);
        std::snprintf(block.data() + 148, 8, "%06o", sum);
        return write(block.data(), block.size());
    }
    Result<void> pad(std::uintmax_t size) {
        static const std::array<char, 512> zeros{};
        const std::size_t rest = static_cast<std::size_t>((512 - size % 512) % 512);
        return write(zeros.data(), rest);
    }
    Result<void> write(const char* data, std::size_t length) {
        if (length == 0) return {};
        if (gzwrite(file_, data, static_cast<unsigned>(length)) != static_cast<int>(length))
            return fail("cannot write the bundle");
        return {};
    }

    gzFile file_;
};

// The bundle's folder name: the file's name without .tar.gz (or .tgz).
std::string folder_of(const std::string& bundle_path) {
    std::string name = fs::path(bundle_path).filename().string();
    for (const std::string suffix : {".tar.gz", ".tgz"})
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            return name.substr(0, name.size() - suffix.size());
    return name;
}

}  // namespace

Result<std::vector<std::string>> write_bundle(const RunResult& result, const std::string& result_path,
                                              const std::string& bundle_path, Language language) {
    const std::string folder = folder_of(bundle_path);
    const fs::path result_dir = fs::path(result_path).parent_path();
    std::vector<std::pair<std::string, fs::path>> taps;
    std::vector<std::string> missing;
    std::error_code error;
    for (const auto& tap : result.taps) {
        if (tap.pcapng.empty()) continue;
        const fs::path name = fs::path(tap.pcapng).filename();
        const fs::path beside = result_dir / "taps" / name;
        if (fs::exists(beside, error)) taps.emplace_back(name.string(), beside);
        else if (fs::exists(tap.pcapng, error)) taps.emplace_back(name.string(), fs::path(tap.pcapng));
        else missing.push_back(tap.name);
    }
    const std::string partial = bundle_path + ".partial";
    {
        TarGzWriter tar(partial);
        if (!tar.open()) return fail("cannot write " + bundle_path);
        std::ifstream in(result_path, std::ios::binary);
        const std::string json{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        TextOptions text;
        text.language = language;
        DNSPATH_TRY_VOID(tar.add(folder + "/result.json", json.empty() ? to_json(result) : json));
        DNSPATH_TRY_VOID(tar.add(folder + "/report.txt", render_text(result, text)));
        DNSPATH_TRY_VOID(tar.add(folder + "/report.html", render_html(result, language, PagePlace{"", "", true})));
        DNSPATH_TRY_VOID(tar.add(folder + "/report.md", render_markdown(result, language)));
        DNSPATH_TRY_VOID(tar.add(folder + "/report.xml", render_junit(result, language)));
        for (const auto& [name, source] : taps) DNSPATH_TRY_VOID(tar.add_file(folder + "/taps/" + name, source));
        DNSPATH_TRY_VOID(tar.finish());
    }
    fs::rename(partial, bundle_path, error);
    if (error) return fail("cannot write " + bundle_path + ": " + error.message());
    return missing;
}

}  // namespace dnspath::reports
