#!/usr/bin/env python3
"""Every coded error and profile problem the sources raise, and every CLI line they print, has a
sentence in both catalogues: a code without one would fall back to English under --lang ja.
Usage: error_codes_test.py SOURCE_DIR

Prints one line per missing sentence and a closing count; exits 1 on any.
"""
import os
import re
import sys

CALLS = {  # the call, the catalogue's prefix for its code
    "fail_code": "error:",
    "fail_usage": "error:",
    "coded_error": "profile:",
}
CODE = re.compile(r',\s*"([a-z][a-z0-9-]*[a-z0-9])"')
CLI_LINE = re.compile(r'cli_line\(\s*"([a-z]+:[a-z0-9-]+)"')


def call_arguments(text, start):
    """The text between the call's parentheses, `start` at its opening parenthesis."""
    depth, index = 0, start
    in_string = False
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:index]
        index += 1
    return ""


def used_keys(root):
    keys = {}
    for folder in ("probe", "capture", "reports"):
        for directory, _, files in os.walk(os.path.join(root, folder)):
            for file in files:
                if not file.endswith((".cpp", ".h")):
                    continue
                path = os.path.join(directory, file)
                text = open(path, encoding="utf-8").read()
                for call, prefix in CALLS.items():
                    for found in re.finditer(r"\b" + call + r"\(", text):
                        arguments = call_arguments(text, found.end() - 1)
                        code = CODE.search(arguments)
                        if code:
                            keys.setdefault(prefix + code.group(1), os.path.relpath(path, root))
                for found in CLI_LINE.finditer(text):
                    keys.setdefault(found.group(1), os.path.relpath(path, root))
    return keys


def catalogue_keys(path):
    return set(re.findall(r'\{"([a-z]+:[a-z0-9-]+)",', open(path, encoding="utf-8").read()))


def main():
    root = sys.argv[1]
    used = used_keys(root)
    missing = []
    for language in ("en", "ja"):
        known = set()
        for name in (f"catalogue_{language}.cpp", f"catalogue_{language}_words.cpp"):
            known |= catalogue_keys(os.path.join(root, "reports", name))
        missing += [f"{where}: {key} has no {language} sentence" for key, where in sorted(used.items()) if key not in known]
    for line in missing:
        print(line)
    print(f"{len(used)} keys used, {len(missing)} sentences missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
