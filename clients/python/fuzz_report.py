#!/usr/bin/env python3
"""Prints the answers per operation that fuzz_hooks.py tallied during a schemathesis run, and fails
unless every operation of the spec (but the excluded ones) got at least one 2xx answer.

    fuzz_report.py SPEC REPORT [--exclude OPERATION_ID ...]
"""
import argparse
import json
import sys

import yaml


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    parser.add_argument("report")
    parser.add_argument("--exclude", action="append", default=[])
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = yaml.safe_load(f)
    with open(args.report) as f:
        tally = json.load(f)
    operations = [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method, operation in item.items()
                  if isinstance(operation, dict) and operation.get("operationId") not in args.exclude
                  and method in ("get", "put", "post", "delete", "patch")]
    missing, total, success = [], 0, 0
    width = max(len(operation) for operation in operations)
    print(f"{'operation':<{width}}  2xx  4xx  5xx  answers by status")
    for operation in operations:
        counts = {int(status): n for status, n in tally.get(operation, {}).items()}
        ok = sum(n for status, n in counts.items() if 200 <= status < 300)
        client = sum(n for status, n in counts.items() if 400 <= status < 500)
        server = sum(n for status, n in counts.items() if status >= 500)
        total += sum(counts.values())
        success += ok
        print(f"{operation:<{width}} {ok:4} {client:4} {server:4}  {counts}")
        if ok == 0:
            missing.append(operation)
    print(f"{len(operations)} operations, {total} answers, {success} of them 2xx")
    if missing:
        print(f"no 2xx answer for {len(missing)} operations:\n  " + "\n  ".join(missing))
        sys.exit(1)


if __name__ == "__main__":
    main()
