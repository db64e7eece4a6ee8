#include "capture/pcap_file.h"

#include <pcap/pcap.h>

namespace dnspath::capture {

void PcapFile::Closer::operator()(void* handle) const { pcap_close(static_cast<pcap_t*>(handle)); }

Result<PcapFile> PcapFile::open(const std::string& path) {
    char error[PCAP_ERRBUF_SIZE] = {};
    pcap_t* handle = pcap_open_offline(path.c_str(), error);
    if (handle == nullptr) return fail("cannot read capture " + path + ": " + error);
    return PcapFile(handle);
}

int PcapFile::link_type() const { return pcap_datalink(static_cast<pcap_t*>(handle_.get())); }

Result<std::uint64_t> PcapFile::for_each(const std::function<void(const Frame&)>& visit) {
    auto* handle = static_cast<pcap_t*>(handle_.get());
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    std::uint64_t number = 0;
    for (;;) {
        int status = pcap_next_ex(handle, &header, &data);
        if (status == PCAP_ERROR_BREAK) break;  // end of file
        if (status != 1) return fail(std::string("capture read error: ") + pcap_geterr(handle));
        Frame frame;
        frame.number = ++number;
        frame.timestamp = static_cast<double>(header->ts.tv_sec) + static_cast<double>(header->ts.tv_usec) / 1e6;
        frame.data = wire::ByteView(data, header->caplen);
        visit(frame);
    }
    return number;
}

}  // namespace dnspath::capture
