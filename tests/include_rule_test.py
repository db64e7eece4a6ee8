#!/usr/bin/env python3
"""The house rule, checked: each part includes only the public header of another part, and only
of a part below it (data flows one way). Usage: include_rule_test.py SOURCE_DIR

Prints one line per violation and a closing count; exits 1 on any violation.
"""
import os
import re
import sys

# part: (folders or files it owns, its public header, the parts it may include)
PARTS = {
    "wire": (["probe/wire/"], "probe/wire/wire.h", []),
    "model": (["probe/model/"], "probe/model/model.h", []),
    "judge": (["probe/judge/"], "probe/judge/judge.h", ["model"]),
    "profile": (["probe/profile/"], "probe/profile/profile.h", ["wire", "model"]),
    "net": (["probe/net/"], "probe/net/net.h", ["wire"]),
    "responder": (["probe/responder/"], "probe/responder/responder.h", ["wire", "net"]),
    "lab": (["probe/lab/"], "probe/lab/lab.h", ["wire", "profile", "model", "net", "run", "reports"]),
    "engine": (["probe/engine/", "probe/kinds/", "probe/runner.cpp", "probe/probe.h"], "probe/probe.h",
               ["wire", "model", "judge", "profile", "net"]),
    "diagnose": (["probe/diagnose/"], "probe/diagnose/diagnose.h", ["wire", "model", "net"]),
    "peers": (["probe/peers/"], "probe/peers/peers.h", ["wire", "model", "net"]),
    "capture": (["capture/"], "capture/capture.h", ["wire", "model", "net"]),
    "reports": (["reports/"], "reports/report.h", ["wire", "model"]),
    "run": (["probe/run/"], "probe/run/run.h", ["wire", "model", "judge", "profile", "net", "engine", "capture", "reports",
                                                "peers", "diagnose"]),
    "cli": (["probe/cli/"], None, ["wire", "model", "judge", "profile", "net", "responder", "lab", "engine",
                                   "capture", "reports", "diagnose", "peers", "run"]),
}


def part_of(path):
    for name, (owned, _, _) in PARTS.items():
        if any(path == own or (own.endswith("/") and path.startswith(own)) for own in owned):
            return name
    return None


def main():
    root = sys.argv[1]
    violations = []
    checked = 0
    for folder in ("probe", "capture", "reports"):
        for directory, _, files in os.walk(os.path.join(root, folder)):
            for file in files:
                if not file.endswith((".cpp", ".h")):
                    continue
                path = os.path.relpath(os.path.join(directory, file), root)
                part = part_of(path)
                if part is None:
                    violations.append(f"{path}: belongs to no part")
                    continue
                checked += 1
                for number, line in enumerate(open(os.path.join(root, path), encoding="utf-8"), 1):
                    found = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                    if not found:
                        continue
                    included = found.group(1)
                    other = part_of(included)
                    if other is None or other == part:
                        continue
                    public = PARTS[other][1]
                    if other not in PARTS[part][2]:
                        violations.append(f"{path}:{number}: {part} may not include {other} ({included}): a back edge")
                    elif included != public:
                        violations.append(f"{path}:{number}: {included} is internal to {other}; include {public}")
    for violation in violations:
        print(violation)
    print(f"{checked} files checked, {len(violations)} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
