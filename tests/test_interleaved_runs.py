#!/usr/bin/python3
"""tools/interleaved_runs.sh with the built latmac (LATMAC) as both the base and the new build: two
rounds of a tiny kernel run write base-1, new-1, new-2, base-2 in that order (the new build first in
round 2), then `latmac compare` runs on the pooled files and its status is the script's: 0 or 1 (the
same binary on both sides, so a regression could only be noise), never 2, with the case named in its
output; --compare-args reach compare. Bad usage exits 2 with one line and touches nothing.

Speaks TAP, so each check counts."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import tap

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "interleaved_runs.sh")
CASE = "kernels/relu_116_28/latmac/threads:1"
RUN = ["--", "--suite", "kernels", "--filter", "^kernels/relu_116_28/latmac/", "--threads", "1",
       "--repetitions", "5", "--min-time", "0.002", "--no-roofline"]
state = {}


def latmac():
    exe = os.environ.get("LATMAC")
    assert exe, "set LATMAC to the latmac binary (meson test does)"
    return exe


def script(*args):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=300)


def tmpdir():
    if "tmp" not in state:
        state["tmp"] = tempfile.mkdtemp(prefix="latmac-interleaved-")
    return state["tmp"]


def refused(*args):
    """The script exits 2 with one line on stderr, nothing on stdout; returns that line."""
    r = script(*args)
    assert r.returncode == 2, f"exit {r.returncode}, not 2: {r.stderr.strip()}"
    assert r.stdout == "", f"stdout not empty: {r.stdout!r}"
    lines = r.stderr.splitlines()
    assert len(lines) == 1, f"{len(lines)} lines on stderr, not 1:\n{r.stderr}"
    return lines[0]


@tap.check("two rounds write base-1, new-1, new-2, base-2 in that order (the new build first in round 2)")
def _():
    out = os.path.join(tmpdir(), "out")
    state["run"] = script(latmac(), latmac(), out, "--rounds", "2", *RUN)
    results = state["results"] = {f"{side}-{k}": os.path.join(out, f"{side}-{k}", "results.json")
                                  for side in ("base", "new") for k in (1, 2)}
    missing = [p for p in results.values() if not os.path.isfile(p)]
    assert not missing, f"not written: {missing}\n{state['run'].stderr.strip()[-2000:]}"
    order = sorted(results, key=lambda run: os.stat(results[run]).st_mtime_ns)
    assert order == ["base-1", "new-1", "new-2", "base-2"], f"runs written in the order {order}"


@tap.check("compare runs on the pooled files, exits 0 or 1 and names the case")
def _():
    assert "run" in state, "the interleaved run failed"
    r, results = state["run"], state["results"]
    pooled = f"compare {results['base-1']},{results['base-2']} {results['new-1']},{results['new-2']}"
    assert pooled in r.stderr, f"no '{pooled}' in stderr:\n{r.stderr}"
    assert r.returncode in (0, 1), f"exit {r.returncode}:\n{r.stderr.strip()[-2000:]}"
    assert CASE in r.stdout, f"no {CASE} in compare's output:\n{r.stdout}"


@tap.check("--compare-args reach compare (--format json gives JSON naming the case)")
def _():
    r = script(latmac(), latmac(), os.path.join(tmpdir(), "json"), "--rounds", "1",
               "--compare-args", "--format json", *RUN)
    assert r.returncode in (0, 1), f"exit {r.returncode}:\n{r.stderr.strip()[-2000:]}"
    json.loads(r.stdout)  # stdout is compare's alone
    assert CASE in r.stdout, f"no {CASE} in\n{r.stdout}"


@tap.check("--help describes the usage and exits 0")
def _():
    r = script("--help")
    assert r.returncode == 0 and "BASE_LATMAC NEW_LATMAC OUT_DIR" in r.stdout, r.stdout + r.stderr


@tap.check("a missing or non-executable binary exits 2 with one line")
def _():
    missing = os.path.join(tmpdir(), "no-such-latmac")
    assert missing in refused(missing, latmac(), os.path.join(tmpdir(), "m1"))
    assert missing in refused(latmac(), missing, os.path.join(tmpdir(), "m2"))
    plain = os.path.join(tmpdir(), "not-executable")
    with open(plain, "w") as f:
        f.write("#!/bin/sh\n")
    assert plain in refused(latmac(), plain, os.path.join(tmpdir(), "m3"))
    created = [d for d in ("m1", "m2", "m3") if os.path.exists(os.path.join(tmpdir(), d))]
    assert not created, f"OUT_DIR created: {created}"


@tap.check("an OUT_DIR holding files exits 2 with one line and is left as it was")
def _():
    out = os.path.join(tmpdir(), "full")
    os.makedirs(out)
    with open(os.path.join(out, "keep"), "w") as f:
        f.write("earlier")
    assert "not empty" in refused(latmac(), latmac(), out, *RUN)
    assert os.listdir(out) == ["keep"], os.listdir(out)


@tap.check("--rounds that is not a positive whole number exits 2 with one line")
def _():
    for bad in ("0", "-1", "two", "1.5", ""):
        assert "--rounds" in refused(latmac(), latmac(), os.path.join(tmpdir(), "r"), "--rounds", bad)
    assert "--rounds" in refused(latmac(), latmac(), os.path.join(tmpdir(), "r"), "--rounds")


@tap.check("too few arguments or an unknown option exit 2 with one line")
def _():
    refused(latmac(), latmac())
    assert "--bogus" in refused(latmac(), latmac(), os.path.join(tmpdir(), "u"), "--bogus")


def cleanup():
    if "tmp" in state:
        shutil.rmtree(state["tmp"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(tap.run(cleanup))
