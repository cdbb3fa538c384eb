#!/usr/bin/env python3
"""Counts the test cases in meson test logs (testlog.json) and prints 'N passed, N failed, N skipped'.

Every test program speaks TAP, so each test case counts, not just each program. A program that
crashed, timed out or stopped before its plan was complete counts its missing cases as failed
(at least one). A log that does not exist (the build failed) counts as one failure.
Before that line it prints which kernel instruction sets the tests exercised, from the lines
"# instruction sets used: ..." the kernel, plan and ceilings tests print (LATMAC_ISA caps them).
Exits 1 when any test failed.
Usage: ci_count_tests.py LOG [LOG ...]
"""
import json
import re
import sys

PLAN = re.compile(r"^1\.\.(\d+)")
RESULT = re.compile(r"^(not )?ok\b(.*)$")
ISAS = re.compile(r"^# instruction sets used: (.*)$")


def count(log_path, isas):
    passed = failed = skipped = 0
    try:
        with open(log_path, encoding="utf-8") as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        print(f"ci_count_tests: cannot read {log_path}: {e}", file=sys.stderr)
        return 0, 1, 0
    for entry in entries:
        planned, seen, bad = None, 0, 0
        for line in entry.get("stdout", "").splitlines():
            if m := ISAS.match(line):
                isas.update(name.strip() for name in m.group(1).split(","))
            if (m := PLAN.match(line)) and planned is None:
                planned = int(m.group(1))
            elif m := RESULT.match(line):
                seen += 1
                if m.group(1):
                    bad += 1
                elif re.search(r"#\s*skip", m.group(2), re.IGNORECASE):
                    skipped += 1
                else:
                    passed += 1
        missing = max(planned - seen, 0) if planned is not None else 0
        bad += missing
        if entry.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL") and bad == 0:
            bad = 1
        failed += bad
    return passed, failed, skipped


def main():
    totals = [0, 0, 0]
    isas = set()
    for path in sys.argv[1:]:
        for i, n in enumerate(count(path, isas)):
            totals[i] += n
    order = ["avx512", "avx2", "reference"]
    exercised = sorted(isas, key=lambda name: order.index(name) if name in order else len(order))
    print("kernel instruction sets exercised: " + (", ".join(exercised) if exercised else "none reported"))
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 1 if totals[1] else 0


if __name__ == "__main__":
    sys.exit(main())
