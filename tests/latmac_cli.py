"""What the Python tests share about the latmac binary: running it, and the instruction sets this
host can run (so a check can cover each)."""
import json
import os
import subprocess

LATMAC = os.environ.get("LATMAC", "build/latmac")
ISAS = ["avx512", "avx2", "reference"]  # best first


def latmac(*args, timeout=600):
    return subprocess.run([LATMAC, *args], capture_output=True, text=True, timeout=timeout)


def runnable_isas():
    """The instruction sets of ISAS this host can run, as `latmac info` reports them."""
    usable = json.loads(latmac("info", "--format", "json").stdout)["cpu"]["kernel_isas"]
    return [isa for isa in ISAS if isa in usable]
