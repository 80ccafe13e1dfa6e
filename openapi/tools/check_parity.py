#!/usr/bin/env python3
"""Check that openapi/torc-service.yaml keeps the structure of the original spec.

Compares, for every operation of the original (April 2023) document: path,
method, operationId, and each parameter's name, location, required flag and
type; and checks that every schema name of the original still exists.
Additions are allowed: the operations in ADDED_OPERATIONS, and optional query
parameters appended after an operation's original parameters.

    python3 openapi/tools/check_parity.py [ORIGINAL.yaml]

Default ORIGINAL: ../shared/reference/torc-service-openapi-2023-04.yaml
relative to the repository root. Exit status 1 on any difference.
"""
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "openapi" / "torc-service.yaml"
DEFAULT_ORIGINAL = ROOT.parent / "shared" / "reference" / "torc-service-openapi-2023-04.yaml"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
ADDED_OPERATIONS = {"get_openapi_json", "get_openapi_yaml", "post_workflows_workflow_jobs_complete_jobs"}


def operations(doc):
    ops = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            params = [(p["name"], p["in"], bool(p.get("required", False)), p.get("schema", {}).get("type"))
                      for p in op.get("parameters", [])]
            has_body = "requestBody" in op
            ops[op["operationId"]] = (path, method, params, has_body)
    return ops


def main():
    original_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ORIGINAL
    original = yaml.safe_load(original_path.read_text())
    ours = yaml.safe_load(OURS.read_text())
    a, b = operations(original), operations(ours)
    problems = []
    for op_id, (path, method, params, has_body) in a.items():
        if op_id not in b:
            problems.append(f"missing operation {op_id}")
            continue
        p2, m2, params2, body2 = b[op_id]
        if (path, method) != (p2, m2):
            problems.append(f"{op_id}: {method} {path} became {m2} {p2}")
        # Additions are allowed only as optional query parameters after the original ones
        # (generated clients take them as keyword arguments, so call sites stay valid).
        added = params2[len(params):]
        if params2[:len(params)] != params or any(loc != "query" or required for _, loc, required, _ in added):
            problems.append(f"{op_id}: parameters {params} became {params2}")
        if has_body != body2:
            problems.append(f"{op_id}: request body presence {has_body} became {body2}")
    extra = set(b) - set(a) - ADDED_OPERATIONS
    for op_id in sorted(extra):
        problems.append(f"unexpected new operation {op_id}")
    missing_schemas = set(original["components"]["schemas"]) - set(ours["components"]["schemas"])
    for name in sorted(missing_schemas):
        problems.append(f"missing schema {name}")
    for p in problems:
        print(p)
    print(f"original: {len(a)} operations, {len(original['components']['schemas'])} schemas; "
          f"ours: {len(b)} operations, {len(ours['components']['schemas'])} schemas; {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
