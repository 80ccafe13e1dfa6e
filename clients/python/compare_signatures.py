#!/usr/bin/env python3
"""Compare the Python client generated from our spec with one generated from the original.

Generates both clients (python-legacy, same options as generate.sh) into a
temporary directory and compares, without importing them:

* DefaultApi methods: names, positional parameters (in order), optional
  keyword parameters;
* model classes: names, and constructor parameters (the original's must be a
  prefix of ours, so positional construction keeps working).

The original spec cannot be generated as it is (no info.title/version/license,
request bodies without a schema); those gaps are patched in a temporary copy
(schema-less bodies become `type: object`), which changes no signature.

    python3 clients/python/compare_signatures.py [--original PATH] [--ours PATH]

Needs openapi-generator-cli==5.4.0 (PyPI, needs Java) and PyYAML.
Exit status 1 if anything of the original is missing or changed.
"""
import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_ORIGINAL = ROOT.parent / "shared" / "reference" / "torc-service-openapi-2023-04.yaml"
DEFAULT_OURS = ROOT / "openapi" / "torc-service.yaml"
PROPS = "prependFormOrBodyParameters=true,packageName=swagger_client,projectName=torc-swagger-client"


def patch_original(src, dst):
    doc = yaml.safe_load(Path(src).read_text())
    info = doc.setdefault("info", {})
    info.setdefault("title", "original")
    info.setdefault("version", "0")
    info["license"] = {"name": "unknown"}
    for item in doc["paths"].values():
        for op in item.values():
            body = op.get("requestBody") if isinstance(op, dict) else None
            if body:
                for media in body.get("content", {}).values():
                    media.setdefault("schema", {"type": "object"})
    Path(dst).write_text(yaml.safe_dump(doc, sort_keys=False))


def generate(spec, out):
    exe = shutil.which("openapi-generator-cli") or str(Path(sys.executable).parent / "openapi-generator-cli")
    subprocess.run([exe, "generate", "-i", str(spec), "-g", "python-legacy", "-o", str(out),
                    f"--additional-properties={PROPS}"], check=True, stdout=subprocess.DEVNULL)


def api_methods(pkg):
    tree = ast.parse((pkg / "api" / "default_api.py").read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "DefaultApi")
    funcs = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
    out = {}
    for name, f in funcs.items():
        if name.startswith("_") or name.endswith("_with_http_info"):
            continue
        positional = [a.arg for a in f.args.args[1:]]
        optional = []
        info = funcs.get(name + "_with_http_info")
        for node in ast.walk(info) if info else []:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "all_params" for t in node.targets):
                optional = [e.value for e in node.value.elts if e.value not in positional]
                break
        out[name] = (positional, optional)
    return out


def model_constructors(pkg):
    out = {}
    for path in sorted((pkg / "models").glob("*.py")):
        tree = ast.parse(path.read_text())
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            init = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
            if init:
                out[cls.name] = [a.arg for a in init.args.args[1:] if a.arg != "local_vars_configuration"]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--original", default=str(DEFAULT_ORIGINAL))
    ap.add_argument("--ours", default=str(DEFAULT_OURS))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        patch_original(args.original, tmp / "original.yaml")
        generate(tmp / "original.yaml", tmp / "orig")
        generate(args.ours, tmp / "ours")
        a, b = api_methods(tmp / "orig" / "swagger_client"), api_methods(tmp / "ours" / "swagger_client")
        ma, mb = model_constructors(tmp / "orig" / "swagger_client"), model_constructors(tmp / "ours" / "swagger_client")

    errors, notes = [], []
    for name, (pos, opt) in sorted(a.items()):
        if name not in b:
            errors.append(f"method {name} missing")
            continue
        pos2, opt2 = b[name]
        if pos != pos2:
            errors.append(f"method {name}: positional {pos} became {pos2}")
        if set(opt) - set(opt2):
            errors.append(f"method {name}: optional parameters lost: {sorted(set(opt) - set(opt2))}")
        if set(opt2) - set(opt):
            notes.append(f"method {name}: optional parameters added: {sorted(set(opt2) - set(opt))}")
    for name in sorted(set(b) - set(a)):
        notes.append(f"method {name} added")
    for name, params in sorted(ma.items()):
        if name not in mb:
            errors.append(f"model {name} missing")
        elif mb[name][:len(params)] != params:
            errors.append(f"model {name}: constructor {params} became {mb[name]}")
        elif len(mb[name]) > len(params):
            notes.append(f"model {name}: constructor parameters appended: {mb[name][len(params):]}")
    for name in sorted(set(mb) - set(ma)):
        notes.append(f"model {name} added")

    for line in notes:
        print("note: " + line)
    for line in errors:
        print("ERROR: " + line)
    print(f"original: {len(a)} methods, {len(ma)} models; ours: {len(b)} methods, {len(mb)} models; "
          f"{len(errors)} incompatibility(ies)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
