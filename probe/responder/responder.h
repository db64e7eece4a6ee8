// The responder's public face: the far end that answers with exact sizes, signs when asked and
// echoes what it saw (pure answer logic, zone signer, and the poll-loop server around them).
#pragma once

#include "probe/responder/answer.h"
#include "probe/responder/server.h"
#include "probe/responder/service.h"
#include "probe/responder/signer.h"
