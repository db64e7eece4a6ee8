// The capture component's public face: read taps (today: pcap/pcapng files) and dissect frames.
// Live taps in namespaces, correlation and attribution land with the capture issue.
#pragma once

#include "capture/packet.h"
#include "capture/pcap_file.h"
