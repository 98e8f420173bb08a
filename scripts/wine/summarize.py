#!/usr/bin/env python3
"""Summarise `go test -json` output read on stdin (used by scripts/wine-test.sh).

Prints, per package, the top-level tests run, passed, skipped and failed (subtests are
counted apart), every skip with its reason, and the output of every failed test.
Exits 1 when a test or a package failed.
"""
import json
import sys
from collections import defaultdict

counts = defaultdict(lambda: defaultdict(int))
output = defaultdict(list)  # (package, test) -> lines
skips = []
failed = []
pkg_failed = []
order = []

for line in sys.stdin:
    try:
        ev = json.loads(line)
    except ValueError:
        sys.stdout.write(line)  # build errors and the like are not JSON
        continue
    pkg, test, action = ev.get("Package", ""), ev.get("Test"), ev.get("Action")
    if pkg and pkg not in order:
        order.append(pkg)
    if action == "output":
        output[(pkg, test)].append(ev.get("Output", ""))
        continue
    if action not in ("pass", "fail", "skip"):
        continue
    if test is None:
        if action == "fail":
            pkg_failed.append(pkg)
        continue
    kind = "sub" if "/" in test else "top"
    counts[pkg][kind + "_run"] += 1
    counts[pkg][kind + "_" + action] += 1
    if action == "skip" and kind == "top":
        reason = "".join(l for l in output[(pkg, test)] if not l.startswith(("=== ", "--- ")))
        skips.append((pkg, test, " ".join(reason.split())))
    if action == "fail":
        failed.append((pkg, test))

print("%-22s %5s %5s %5s %5s   %s" % ("package", "run", "pass", "skip", "fail", "subtests run/pass/skip/fail"))
for pkg in order:
    c = counts[pkg]
    print("%-22s %5d %5d %5d %5d   %d/%d/%d/%d%s" % (
        pkg, c["top_run"], c["top_pass"], c["top_skip"], c["top_fail"],
        c["sub_run"], c["sub_pass"], c["sub_skip"], c["sub_fail"],
        "   PACKAGE FAILED" if pkg in pkg_failed else ""))
tot = defaultdict(int)
for c in counts.values():
    for k, v in c.items():
        tot[k] += v
print("%-22s %5d %5d %5d %5d   %d/%d/%d/%d" % (
    "total", tot["top_run"], tot["top_pass"], tot["top_skip"], tot["top_fail"],
    tot["sub_run"], tot["sub_pass"], tot["sub_skip"], tot["sub_fail"]))
if skips:
    print("\nskipped:")
    for pkg, test, reason in skips:
        print("  %s %s: %s" % (pkg, test, reason))
for pkg, test in failed:
    print("\n--- FAIL %s %s" % (pkg, test))
    sys.stdout.write("".join(output[(pkg, test)]))
for pkg in pkg_failed:
    if not any(p == pkg for p, _ in failed):
        print("\n--- FAIL %s (package)" % pkg)
        sys.stdout.write("".join(output[(pkg, None)]))
sys.exit(1 if failed or pkg_failed else 0)
