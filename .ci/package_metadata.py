"""Every published package carries what crates.io and docs.rs show: a description, a README,
keywords (at most 5), categories, the license, the repository, and docs.rs metadata that
documents all features with their labels (`--cfg docsrs`)."""

import json
import subprocess
import sys

published = set(sys.argv[1:])
meta = json.loads(
    subprocess.check_output(
        ["cargo", "metadata", "--no-deps", "--format-version", "1", "--locked"]
    )
)
failed = False
for package in meta["packages"]:
    if package["name"] not in published:
        continue
    published.discard(package["name"])
    problems = []
    for key in ("description", "readme", "license", "repository", "rust_version"):
        if not package.get(key):
            problems.append(f"no {key}")
    if not 1 <= len(package.get("keywords") or []) <= 5:
        problems.append("keywords: 1 to 5")
    if not package.get("categories"):
        problems.append("no categories")
    if package["publish"] is not None and package["publish"] == []:
        problems.append("publish = false")
    docs_rs = ((package.get("metadata") or {}).get("docs") or {}).get("rs") or {}
    is_lib = any("lib" in target["kind"] for target in package["targets"])
    if is_lib and (
        docs_rs.get("all-features") is not True
        or "docsrs" not in " ".join(docs_rs.get("rustdoc-args", []))
    ):
        problems.append("[package.metadata.docs.rs]: all-features and --cfg docsrs")
    for problem in problems:
        print(f"{package['name']}: {problem}")
        failed = True
if published:
    print(f"not workspace packages: {sorted(published)}")
    failed = True
sys.exit(1 if failed else 0)
