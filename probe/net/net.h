// The net part's public face, and the one door to privileged network operations: UDP/TCP
// exchanges, raw sockets for crafted fragments and TTL-limited traces, live capture handles,
// bursts and load, entering a tap's namespace, and giving up the privileges those no longer need.
#pragma once

#include "probe/net/burst.h"
#include "probe/net/fragments.h"
#include "probe/net/live_capture.h"
#include "probe/net/namespace.h"
#include "probe/net/privilege.h"
#include "probe/net/signals.h"
#include "probe/net/socket.h"
#include "probe/net/tls.h"
#include "probe/net/trace.h"
