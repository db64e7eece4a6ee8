#!/usr/bin/env python3
"""Validates result.json files against docs/result.schema.json with a real JSON Schema validator.

Usage: validate_result.py SCHEMA RESULT... — prints "valid", or the first errors and exits 1.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is missing (apt-get install python3-jsonschema)")
    sys.exit(2)

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
errors = []
for path in sys.argv[2:]:
    try:
        document = json.load(open(path))
    except (OSError, ValueError) as error:
        errors.append(f"{path}: {error}")
        continue
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path))[:5]:
        where = "/".join(str(part) for part in error.path)
        errors.append(f"{path}: {where}: {error.message[:200]}")
print("valid" if not errors else "\n".join(errors))
sys.exit(0 if not errors else 1)
