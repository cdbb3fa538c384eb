#!/usr/bin/env python3
"""Runs a cmocka test program and passes its TAP output on, with skips spelled as TAP means them.

cmocka 1.1.5 (Debian 12) prints a skipped test as "not ok N # SKIP ...", which meson's TAP parser
counts as a failure; TAP's own form is "ok N # SKIP ...". Every other line, and the program's exit
status, pass through unchanged.
"""
import re
import subprocess
import sys

SKIPPED = re.compile(r"^not ok(\s+\d+.*#\s*SKIP\b.*)$", re.IGNORECASE)


def main():
    if len(sys.argv) < 2:
        print("usage: cmocka_tap.py PROGRAM [ARGS...]", file=sys.stderr)
        return 2
    with subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True) as program:
        for line in program.stdout:
            sys.stdout.write(SKIPPED.sub(r"ok\1", line))
            sys.stdout.flush()
    return program.returncode if program.returncode >= 0 else 128 - program.returncode


if __name__ == "__main__":
    sys.exit(main())
