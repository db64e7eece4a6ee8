// The wire part's public face: the DNS/EDNS codec, DNSSEC records and signatures, the IP/ICMP/UDP/TCP
// packet codec, the probe-name scheme and the error-value type — the one place bytes are parsed.
#pragma once

#include "probe/wire/bytes.h"
#include "probe/wire/edns.h"
#include "probe/wire/file.h"
#include "probe/wire/key_file.h"
#include "probe/wire/dnssec.h"
#include "probe/wire/message.h"
#include "probe/wire/name.h"
#include "probe/wire/packet.h"
#include "probe/wire/probe_name.h"
#include "probe/wire/result.h"
#include "probe/wire/tsig.h"
