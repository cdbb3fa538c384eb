"""`latmac infer` on ONNX's own backend node tests (Debian's libonnx-testdata): each test of an operator
the ONNX import reads, rewritten so that its first input is the network's input and every other input
is a constant (its value from the test's data), with only its first output kept (and an opset older
than the import reads declared as the oldest it reads when its operators are the same there), run at every
instruction set this host can run on 1 thread and at the best one on 2. Every test whose input is a
4-D float tensor must either compute ONNX's expected output (the largest difference, scaled by the
range of the expected output, within 1e-4) or be refused cleanly (exit 2, one line naming the
operator or saying what is not supported); a fixed list of them must compute it.

latmac's activations are [n, c, h, w], so a test whose input has rank 1 to 3 is run as 4-D ("(as 4-D)" in
the table) when, and only when, its operator computes each output value from the input value at the same
place whatever the rank: the unary element-wise ones (Relu, Sigmoid, HardSigmoid, HardSwish, Clip,
Identity, Dropout, which in inference is Identity) and Add, Mul and PRelu. 1s are prepended to the shape of
the input (declared and .npy, the values and their order unchanged) and of the output; for Add, Mul and
PRelu as many are prepended to the other operand's shape too, so that ONNX's broadcasting, which aligns
shapes at their last axes, pairs the same values as in the original test. Clip's bounds and Dropout's ratio
are scalars and stay as they are. The expected output is then the test's own, compared value by value
(flattened), so it is the same test. Operators whose meaning depends on the axes (Concat, Split, Slice,
ReduceMean, Gemm, MatMul, Flatten, pooling, Conv, BatchNormalization, Resize) are never rewritten: their
tests with an input other than 4-D are not applicable. The table of outcomes is printed as TAP comments.
Skipped when libonnx-testdata or Python's onnx is not installed."""
import os
import shutil
import subprocess
import sys
import tempfile

import tap
from latmac_cli import latmac, runnable_isas

TMP = tempfile.mkdtemp(prefix="latmac-node-tests-")
TOLERANCE = 1e-4
OLDEST_OPSET = 9  # the oldest opset the import reads (docs/networks.md)

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, numpy_helper
except ImportError:  # python3-onnx: tools/setup.sh test installs it
    onnx = None

# The operators the import reads, and the prefixes of their node tests' folders.
OPERATORS = {
    "Conv": ["test_conv_"], "BatchNormalization": ["test_batchnorm"], "Relu": ["test_relu"],
    "Clip": ["test_clip"], "HardSwish": ["test_hardswish"], "HardSigmoid": ["test_hardsigmoid"],
    "Sigmoid": ["test_sigmoid"], "PRelu": ["test_prelu"], "Add": ["test_add"], "Mul": ["test_mul"],
    "Concat": ["test_concat"], "Split": ["test_split"], "Slice": ["test_slice"],
    "GlobalAveragePool": ["test_globalaveragepool"], "ReduceMean": ["test_reduce_mean"],
    "MaxPool": ["test_maxpool"], "AveragePool": ["test_averagepool"], "Gemm": ["test_gemm"],
    "MatMul": ["test_matmul"], "Flatten": ["test_flatten"], "Identity": ["test_identity"],
    "Dropout": ["test_dropout"], "Resize": ["test_resize_"],
}
# Variants out of scope: training mode, a function's expansion into other operators, integer types,
# sequences and optional values.
EXCLUDED = ["training", "_expanded", "uint8", "int8", "integer", "sequence", "_opt"]
# Operators whose every output value depends only on the input value at the same place, whatever the
# tensor's rank: a test of them with a rank-1..3 input is run as 4-D (1s prepended to the shape).
RANK_FREE = {"Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Clip", "Identity", "Dropout"}
# Element-wise operators with ONNX's (numpy's) broadcasting, which aligns shapes at their last axes:
# prepending the same number of 1s to every operand leaves that alignment, so each value, unchanged.
BROADCASTING = {"Add", "Mul", "PRelu"}

# Node tests whose input is 4-D (or rewritten as 4-D) and that latmac computes, at every instruction set:
# refusing any of them is a regression.
MUST_MATCH = [
    "test_conv_with_strides_padding", "test_conv_with_strides_no_padding", "test_conv_with_autopad_same",
    "test_conv_with_strides_and_asymmetric_padding",
    "test_batchnorm_example", "test_batchnorm_epsilon",
    "test_maxpool_2d_default", "test_maxpool_2d_pads", "test_maxpool_2d_strides",
    "test_maxpool_2d_precomputed_pads", "test_maxpool_2d_precomputed_strides",
    "test_maxpool_2d_precomputed_same_upper",
    "test_maxpool_with_argmax_2d_precomputed_pads", "test_maxpool_with_argmax_2d_precomputed_strides",
    "test_averagepool_2d_default", "test_averagepool_2d_pads", "test_averagepool_2d_strides",
    "test_averagepool_2d_precomputed_pads", "test_averagepool_2d_precomputed_strides",
    "test_averagepool_2d_precomputed_same_upper",
    "test_globalaveragepool", "test_globalaveragepool_precomputed",
    "test_resize_upsample_scales_linear", "test_resize_upsample_scales_linear_align_corners",
    "test_identity",
    # rewritten as 4-D
    "test_relu", "test_sigmoid", "test_sigmoid_example", "test_hardswish", "test_clip_default_min",
    "test_dropout_default", "test_dropout_default_mask", "test_dropout_default_mask_ratio",
    "test_dropout_default_old", "test_dropout_default_ratio", "test_dropout_random_old",
]


def need_data():
    if onnx is None:
        raise tap.Skip("Python's onnx is not installed (python3-onnx)")
    if node_folder() is None:
        raise tap.Skip("ONNX's node tests are not installed (libonnx-testdata)")


def node_folder():
    """The folder of ONNX's node tests, where libonnx-testdata puts them (None when absent)."""
    candidates = ["/usr/include/onnx/backend/test/data/node", "/usr/share/libonnx-testdata/data/node"]
    try:
        listed = subprocess.run(["dpkg", "-L", "libonnx-testdata"], capture_output=True, text=True, timeout=60).stdout
        candidates = [os.path.dirname(line.rstrip("/"))
                      for line in listed.splitlines() if line.rstrip("/").endswith("/node/test_relu")] + candidates
    except (OSError, subprocess.SubprocessError):
        pass
    return next((c for c in candidates if os.path.isfile(os.path.join(c, "test_relu", "model.onnx"))), None)


def selected(folder):
    """The node tests of the operators in OPERATORS, without the EXCLUDED variants, in name order."""
    prefixes = [p for ps in OPERATORS.values() for p in ps]
    names = []
    for name in sorted(os.listdir(folder)):
        if not any(name.startswith(p) for p in prefixes) or any(e in name for e in EXCLUDED):
            continue
        if not os.path.isfile(os.path.join(folder, name, "model.onnx")):
            continue
        names.append(name)
    return names


def read_tensor(path):
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def raise_opset(model):
    """Declares OLDEST_OPSET in a model of an older opset when each of its operators means the same there
    (the GlobalAveragePool tests say opset 1); returns the opset it said, or None when left alone."""
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx") and opset.version < OLDEST_OPSET:
            try:
                same = all(onnx.defs.get_schema(n.op_type, opset.version).since_version ==
                           onnx.defs.get_schema(n.op_type, OLDEST_OPSET).since_version for n in model.graph.node)
            except Exception:  # an operator onnx.defs does not know there
                same = False
            if same:
                old, opset.version = opset.version, OLDEST_OPSET
                return old
    return None


def prepend_ones(shape, count):
    """Prepends `count` dimensions of 1 to a declared shape (a TensorShapeProto)."""
    dims = [onnx.TensorShapeProto.Dimension() for _ in range(count)]
    for d in dims:
        d.dim_value = 1
    old = list(shape.dim)
    del shape.dim[:]
    shape.dim.extend(dims + old)


def as_4d(graph, inputs):
    """Rewrites a test of RANK_FREE or BROADCASTING operators whose first input has rank 1 to 3 as one of
    4-D: 1s prepended to the first input's and the output's declared shapes, and as many to every other
    operand of a BROADCASTING operator (so that broadcasting pairs the same values). Other constants (the
    bounds of Clip, the ratio of Dropout) are left alone. Returns whether it did."""
    x, rank = inputs[0], len(inputs[0].dims)
    ops = {n.op_type for n in graph.node}
    if not 1 <= rank < 4 or not ops <= RANK_FREE | BROADCASTING or len(graph.node) != 1:
        return False
    output = graph.output[0].type.tensor_type
    if not output.HasField("shape") or len(output.shape.dim) != rank:
        return False
    node, count = graph.node[0], 4 - rank
    if node.op_type in BROADCASTING:
        others = [t for t in inputs[1:] if t.name in node.input[1:]]
        if len(others) != len(node.input) - 1 or any(len(t.dims) > rank for t in others):
            return False  # an operand not given, or of a higher rank than the input (that sets the output's)
        for t, value in zip(inputs[1:], graph.input[1:]):
            t.dims[:] = [1] * count + list(t.dims)
            prepend_ones(value.type.tensor_type.shape, count)
    x.dims[:] = [1] * count + list(x.dims)
    prepend_ones(graph.input[0].type.tensor_type.shape, count)
    prepend_ones(output.shape, count)
    return True


def prepare(folder, name):
    """Rewrites the node test `name` for latmac into TMP: returns (model path, input path, expected output,
    operator types), the opset raised from (or None) and whether it was rewritten as 4-D, or None when its
    first input is not a 4-D float tensor and cannot be rewritten as one (not applicable)."""
    model = onnx.load(os.path.join(folder, name, "model.onnx"))
    data = os.path.join(folder, name, "test_data_set_0")
    graph = model.graph
    inputs = [read_tensor(os.path.join(data, f"input_{k}.pb")) for k in range(len(graph.input))]
    for value, tensor in zip(graph.input, inputs):
        tensor.name = value.name
    x = inputs[0]
    if x.data_type != TensorProto.FLOAT:
        return None
    rewritten = len(x.dims) != 4 and as_4d(graph, inputs)
    if len(x.dims) != 4:
        return None
    for tensor in inputs[1:]:  # Resize's roi, scales and sizes too (an empty-named input stays absent)
        graph.initializer.append(tensor)
    del graph.input[1:]
    del graph.output[1:]
    if model.ir_version < 4:  # initializers that are not graph inputs
        model.ir_version = 4
    raised_from = raise_opset(model)
    path = os.path.join(TMP, name + ".onnx")
    onnx.save(model, path)
    x_path = os.path.join(TMP, name + ".x.npy")
    np.save(x_path, numpy_helper.to_array(x))
    expected = numpy_helper.to_array(read_tensor(os.path.join(data, "output_0.pb")))
    return (path, x_path, expected, sorted({n.op_type for n in graph.node})), raised_from, rewritten


def run_once(path, x_path, expected, ops, isa, threads):
    """One `latmac infer`: ("match", error), ("refused", message) or ("failed", why)."""
    y_path = os.path.join(TMP, "y.npy")
    if os.path.exists(y_path):
        os.remove(y_path)
    try:
        r = latmac("infer", "--model", path, "--input", x_path, "--output", y_path, "--isa", isa,
                   "--threads", str(threads))
    except subprocess.TimeoutExpired:
        return "failed", "timed out"
    lines = r.stderr.replace(TMP + os.sep, "").splitlines()
    if r.returncode == 2:
        said = lines[0] if len(lines) == 1 else ""
        if said.strip() and ("not supported" in said or any(op.lower() in said.lower() for op in ops)):
            return "refused", said.strip()
        return "failed", f"exit 2 without one clear line: {lines!r}"
    if r.returncode != 0:
        return "failed", f"exit {r.returncode}: " + " | ".join(lines)
    got = np.load(y_path).astype(np.float64).ravel()
    want = expected.astype(np.float64).ravel()
    if got.size != want.size:
        return "failed", f"output of {got.size} values, expected {want.size} {list(expected.shape)}"
    span = float(want.max() - want.min()) if want.size else 0.0
    error = float(np.abs(got - want).max()) / (span or 1.0) if want.size else 0.0
    if not error <= TOLERANCE:  # NaN too
        return "failed", f"wrong values: scaled error {error:.2e} (got {got[:6]}, expected {want[:6]})"
    return "match", error


RESULTS = None


def results():
    """{test name: (outcome, {(isa, threads): (kind, detail)})} for every selected node test, run once and
    kept; outcome is "match", "refused", "n/a" or "failed". Prints the table as TAP comments."""
    global RESULTS
    if RESULTS is not None:
        return RESULTS
    folder = node_folder()
    isas = runnable_isas()
    assert isas, "latmac info names no instruction set this host can run"
    runs = [(isa, 1) for isa in isas] + ([(isas[0], 2)] if (os.cpu_count() or 1) >= 2 else [])
    RESULTS, raised, rewritten = {}, {}, set()
    for name in selected(folder):
        prepared = prepare(folder, name)
        if prepared is None:
            RESULTS[name] = ("n/a", {})
            continue
        prepared, raised[name], as_4d_ = prepared
        if as_4d_:
            rewritten.add(name)
        per_run = {run: run_once(*prepared, *run) for run in runs}
        kinds = {kind for kind, _ in per_run.values()}
        RESULTS[name] = (kinds.pop() if len(kinds) == 1 and "failed" not in kinds else "failed", per_run)
    shown = {name: name + (" (as 4-D)" if name in rewritten else "") for name in RESULTS}
    width = max(len(n) for n in shown.values())
    print("# " + "node test".ljust(width) + "  outcome  " + "  ".join(f"{isa} {t}t".ljust(9) for isa, t in runs))
    for name, (outcome, per_run) in RESULTS.items():
        cells = []
        for run in runs:
            kind, detail = per_run.get(run, ("-", None))
            cells.append((f"{detail:.1e}" if kind == "match" else kind).ljust(9))
        print("# " + shown[name].ljust(width) + "  " + outcome.ljust(7) + "  " + "  ".join(cells).rstrip())
    for name, (outcome, per_run) in RESULTS.items():
        if outcome == "refused":
            print(f"# {name}: {next(iter(per_run.values()))[1]}")
    for name, old in raised.items():
        if old is not None:
            print(f"# {name}: opset {old} declared as {OLDEST_OPSET} (its operators are the same there)")
    counts = {k: sum(o == k for o, _ in RESULTS.values()) for k in ["match", "refused", "n/a", "failed"]}
    print(f"# {len(RESULTS)} node tests ({len(rewritten)} as 4-D): {counts['match']} match, {counts['refused']} refused, "
          f"{counts['n/a']} not applicable" + (f", {counts['failed']} failed" if counts["failed"] else ""), flush=True)
    return RESULTS


@tap.check("every node test of an operator the import reads, with a 4-D float input (or rewritten as 4-D), computes ONNX's expected "
           "output within 1e-4 at every instruction set and thread count, or is refused with one line")
def match_or_refuse():
    need_data()
    found = results()
    assert any(outcome != "n/a" for outcome, _ in found.values()), "no node test has a 4-D float input"
    lines = []
    for name, (outcome, per_run) in found.items():
        if outcome != "failed":
            continue
        said = {}  # what was said, and at which instruction sets and thread counts
        for (isa, t), (kind, detail) in per_run.items():
            text = f"{kind} {detail:.1e}" if kind == "match" else f"{kind}: {detail}"
            said.setdefault(text, []).append(f"{isa} {t}t")
        lines += [f"{name} ({', '.join(runs)}): {text}" for text, runs in said.items()]
    failed = sum(outcome == "failed" for outcome, _ in found.values())
    assert not failed, f"{failed} node tests neither match nor are refused cleanly:\n" + "\n".join(lines)


@tap.check("the node tests latmac supports (convolutions, BatchNorm, pooling, Resize, activations, ...) compute ONNX's expected output")
def must_match():
    need_data()
    found = results()
    wrong = [f"{name}: " + (found[name][0] if name in found else "not found") for name in MUST_MATCH
             if name not in found or found[name][0] != "match"]
    assert not wrong, f"{len(wrong)} of {len(MUST_MATCH)} node tests do not match:\n" + "\n".join(wrong)


if __name__ == "__main__":
    sys.exit(tap.run(cleanup=lambda: shutil.rmtree(TMP, ignore_errors=True)))
