"""tools/check_layers.py: the tree keeps the one-way include rule, and the check catches a breach
planted in a copy of the tree (an upward include, a sibling room, an include without its folder)."""
import pathlib
import shutil
import subprocess
import sys
import tempfile

import tap

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHECK = ROOT / "tools" / "check_layers.py"


def check_tree(root):
    return subprocess.run([sys.executable, str(CHECK), str(root)], capture_output=True, text=True)


def planted(path, include):
    """A copy of the sources with `#include "include"` added to `path`; returns the check's result."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "tree"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("build*", ".git", "*.png", "docs"))
        target = copy / path
        target.write_text(f'#include "{include}"\n' + target.read_text())
        return check_tree(copy)


@tap.check("the tree keeps the one-way include rule")
def tree_passes():
    r = check_tree(ROOT)
    assert r.returncode == 0, r.stderr


@tap.check("a kernel including the runner (an upward include) is refused")
def upward_refused():
    r = planted("kernels/op.c", "bench/measure/runner.h")
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert 'kernels/op.c:1: kernels (layer 0) includes "bench/measure/runner.h"' in r.stderr, r.stderr


@tap.check("the network engine including a peer (a sibling room) is refused")
def sibling_refused():
    r = planted("bench/net/plan.c", "bench/peers/peer.h")
    assert r.returncode == 1 and "bench/net (layer 2) includes" in r.stderr, r.stderr


@tap.check("an include without its folder is refused")
def bare_refused():
    r = planted("reports/html.c", "op.h")
    assert r.returncode == 1 and 'include "op.h" names no file of the tree by its folder' in r.stderr, r.stderr


@tap.check("a report including the analysis below it is allowed")
def downward_allowed():
    r = planted("reports/html.c", "bench/results/result_records.h")
    assert r.returncode == 0, r.stderr


sys.exit(tap.run())
