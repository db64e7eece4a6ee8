// The DNS/EDNS wire codec and the probe-name scheme: the one piece probe, responder and capture share.
#pragma once

#include "probe/wire/bytes.h"
#include "probe/wire/edns.h"
#include "probe/wire/message.h"
#include "probe/wire/name.h"
#include "probe/wire/probe_name.h"
#include "probe/wire/result.h"
