"""ONNX models (bench/net/onnx_import.c) through `latmac list model`: small models built with Python's
onnx (python3-onnx) counted as worked out by hand, the exporters' idioms (a channel shuffle written as
Reshape-Transpose-Reshape over folded shape arithmetic, a chunk as two Slices, x * HardSigmoid(x))
read as latmac's own operators, bad files refused with one line and exit 2, and torchvision's
ShuffleNet V2 and MobileNets, exported by PyTorch, counted exactly as the zoo counts them."""
import json
import os
import shutil
import sys
import tempfile

import tap
from latmac_cli import latmac

TMP = tempfile.mkdtemp(prefix="latmac-onnx-")

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:  # python3-onnx: tools/setup.sh test installs it
    onnx = None


def need_onnx():
    if onnx is None:
        raise tap.Skip("Python's onnx is not installed (python3-onnx)")


def weight(name, *dims):
    return numpy_helper.from_array(np.full(dims, 0.01, dtype=np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def save(name, nodes, initializers, inputs=("x", [1, 3, 8, 8]), outputs=("y",), opset=13, folder=TMP):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info(inputs[0], TensorProto.FLOAT, inputs[1])],
                              [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs],
                              initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    path = os.path.join(folder, name + ".onnx")
    onnx.save(model, path)
    return path


def row(path, *args):
    r = latmac("list", "model", path, "--format", "json", *args)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 1, rows
    return rows[0]


def small_classifier():
    """conv 3->4 (3x3, pad 1, no bias), BatchNorm, ReLU, global pooling, flatten, Gemm 4->5 with bias."""
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c", "g", "b", "m", "v"], ["n"], name="bn", epsilon=1e-5),
        helper.make_node("Relu", ["n"], ["r"], name="relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["p"], name="pool"),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1),
    ]
    inits = [weight("w", 4, 3, 3, 3), weight("g", 4), weight("b", 4), weight("m", 4), weight("v", 4),
             weight("fw", 5, 4), weight("fb", 5)]
    return nodes, inits


def idioms():
    """A conv to 4 channels, split in halves by two Slices, concatenated back and shuffled in 2 groups
    whose sizes come from Shape arithmetic."""
    nodes = [
        helper.make_node("Slice", ["x4", "s0", "e0", "ax"], ["a"], name="slice_a"),
        helper.make_node("Slice", ["x4", "s1", "e1", "ax"], ["b"], name="slice_b"),
        helper.make_node("Concat", ["a", "b"], ["cat"], name="cat", axis=1),
        helper.make_node("Shape", ["cat"], ["shape"], name="shape"),
        helper.make_node("Gather", ["shape", "i1"], ["channels"], name="gather", axis=0),
        helper.make_node("Div", ["channels", "two"], ["per_group"], name="div"),
        helper.make_node("Unsqueeze", ["per_group", "zero"], ["per_group_1d"], name="unsqueeze"),
        helper.make_node("Concat", ["n2", "per_group_1d", "hw"], ["grouped_shape"], name="shape_cat", axis=0),
        helper.make_node("Reshape", ["cat", "grouped_shape"], ["grouped"], name="group"),
        helper.make_node("Transpose", ["grouped"], ["swapped"], name="swap", perm=[0, 2, 1, 3, 4]),
        helper.make_node("Reshape", ["swapped", "flat_shape"], ["y"], name="shuffle"),
    ]
    conv = helper.make_node("Conv", ["x", "w"], ["x4"], name="conv", kernel_shape=[1, 1])
    inits = [weight("w", 4, 3, 1, 1), ints("s0", [0]), ints("e0", [2]), ints("s1", [2]), ints("e1", [2**62]),
             ints("ax", [1]), ints("i1", 1), ints("two", 2), ints("zero", [0]), ints("n2", [1, 2]), ints("hw", [8, 8]),
             ints("flat_shape", [1, -1, 8, 8])]
    return [conv] + nodes, inits


def resize_model():
    """PRelu per channel, MaxPool with auto_pad SAME_UPPER, a per-channel bias, and Resize by scales and
    to sizes sliced from the input's folded shape."""
    nodes = [
        helper.make_node("PRelu", ["x", "slope"], ["p"], name="prelu"),
        helper.make_node("MaxPool", ["p"], ["m"], name="pool", kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER"),
        helper.make_node("Add", ["m", "bias"], ["a"], name="bias"),
        helper.make_node("Resize", ["a", "", "scales"], ["r"], name="up", mode="linear"),
        helper.make_node("Shape", ["r"], ["shape"], name="shape"),
        helper.make_node("Slice", ["shape", "s0", "e2"], ["nc"], name="nc"),
        helper.make_node("Concat", ["nc", "hw"], ["sizes"], name="sizes", axis=0),
        helper.make_node("Resize", ["r", "", "", "sizes"], ["y"], name="to_size", mode="linear",
                         coordinate_transformation_mode="align_corners"),
    ]
    inits = [weight("slope", 3, 1, 1), weight("bias", 3, 1, 1), numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales"),
             ints("s0", [0]), ints("e2", [2]), ints("hw", [5, 7])]
    return nodes, inits


def hard_swish_model():
    return [helper.make_node("HardSigmoid", ["x"], ["s"], name="hs", alpha=1.0 / 6),
            helper.make_node("Mul", ["x", "s"], ["y"], name="hswish")], []


@tap.check("a small classifier is counted as worked out by hand, at its own input and at another")
def counted_by_hand():
    need_onnx()
    path = save("small", *small_classifier())
    r = row(path)
    # conv: 8*8 outputs x 4 channels x 3*3*3 taps; FC: 4 x 5
    assert r["madds"] == 8 * 8 * 4 * 27 + 20, r
    assert r["params"] == 4 * 27 + 2 * 4 + 5 * 4 + 5, r  # BatchNorm: gamma and beta, as the papers count
    assert (r["name"], r["input"], r["batch"], r["layers"]) == ("small", "8x8", 1, 5), r  # flatten is no layer
    r = latmac("list", "model", path, "--per-layer", "--format", "json")
    layers = json.loads(r.stdout)
    assert [(l["layer"], l["op"], l["output"]) for l in layers] == [
        ("conv", "conv", "8x8x4"), ("bn", "batchnorm", "8x8x4"), ("relu", "relu", "8x8x4"),
        ("pool", "global_avgpool", "1x1x4"), ("fc", "fc", "1x1x5")], layers
    assert sum(l["madds"] for l in layers) == 8 * 8 * 4 * 27 + 20 and sum(l["params"] for l in layers) == 141, layers
    r = latmac("list", "nets", "--per-layer")
    assert r.returncode == 2 and "--per-layer applies to 'list model'" in r.stderr, r.stderr
    bigger = row(path, "--input", "16x16", "--batch", "2")
    assert (bigger["input"], bigger["batch"]) == ("16x16", 2), bigger
    assert bigger["madds"] == 2 * (16 * 16 * 4 * 27 + 20), bigger


@tap.check("Reshape-Transpose-Reshape over folded Shape arithmetic is one channel shuffle; two Slices one split")
def exporter_idioms():
    need_onnx()
    r = row(save("idioms", *idioms()))
    assert r["layers"] == 4, r  # conv, split, concat, shuffle


@tap.check("PRelu, auto_pad on pooling, a bias and Resize by scales and to folded sizes are read")
def resize_and_friends():
    need_onnx()
    path = save("resize", *resize_model(), inputs=("x", [1, 3, 7, 7]))  # SAME_UPPER pads 1 on every side
    layers = json.loads(latmac("list", "model", path, "--per-layer", "--format", "json").stdout)
    assert [(l["op"], l["output"]) for l in layers] == [
        ("prelu", "7x7x3"), ("maxpool", "4x4x3"), ("bias", "4x4x3"), ("resize_bilinear", "8x8x3"),
        ("resize_bilinear", "5x7x3")], layers
    nodes, inits = resize_model()
    nodes[3] = helper.make_node("Resize", ["a", "", "scales"], ["r"], name="up")
    refused(save("nearest", nodes, inits, inputs=("x", [1, 3, 7, 7])), "only mode 'linear' (bilinear) is supported")
    refused(save("uneven", *resize_model()), "(window 3x3, stride 2x2, pads 0 0 1 1)")


@tap.check("x * HardSigmoid(x) is one hard swish; HardSigmoid used otherwise stays a layer")
def hard_swish():
    need_onnx()
    assert row(save("hswish", *hard_swish_model()))["layers"] == 1
    nodes = [helper.make_node("HardSigmoid", ["x"], ["y"], name="hs", alpha=1.0 / 6)]
    assert row(save("hsigmoid", nodes, []))["layers"] == 1
    nodes = [helper.make_node("HardSigmoid", ["x"], ["s"], name="hs", alpha=1.0 / 6),
             helper.make_node("Relu", ["x"], ["r"], name="relu"),
             helper.make_node("Mul", ["r", "s"], ["y"], name="gate")]
    assert row(save("gate", nodes, []))["layers"] == 3


def refused(path, expected, *args):
    r = latmac("list", "model", path, *args)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == "", r.stdout
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("latmac list: "), r.stderr
    assert expected in lines[0], (expected, lines[0])


@tap.check("an unsupported operator is refused with its type, the node's name and its position")
def unsupported_operator():
    need_onnx()
    nodes, inits = small_classifier()
    nodes.append(helper.make_node("Softmax", ["y"], ["z"], name="probabilities"))
    path = save("softmax", nodes, inits, outputs=("z",))
    refused(path, "softmax.onnx: node 7 ('probabilities', Softmax): operator Softmax is not supported")


@tap.check("a constant added along the width, and ceil_mode adding a partial window, are refused, not misread")
def misleading_shapes():
    need_onnx()
    # x is [1, 3, 8, 8]: a [3] constant broadcasts over the width (ONNX aligns trailing axes), not the channels
    width = save("width_bias", [helper.make_node("Add", ["x", "k"], ["y"], name="add")], [weight("k", 8)])
    refused(width, "add'")
    refused(width, "only a bias is supported")
    per_channel = save("bias", [helper.make_node("Add", ["x", "k"], ["y"], name="add")], [weight("k", 3, 1, 1)])
    assert row(per_channel)["params"] == 3
    pool = [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)]
    assert row(save("ceil_tiles", pool, [], inputs=("x", [1, 3, 9, 9])))["input"] == "9x9"
    refused(save("ceil_partial", pool, []), "ceil_mode 1 where it adds a partial window (8x8 input, window 3, stride 2)")


@tap.check("run --model times a model beside the zoo, named after its file, whole and per layer")
def run_model():
    need_onnx()
    path = save("small", *small_classifier())
    out = os.path.join(TMP, "run")
    r = latmac("run", "--suite", "nets", "--model", path, "--per-layer", "--threads", "1", "--repetitions", "1",
               "--min-time", "0.001", "--no-roofline", "--quiet", "--out", out)
    assert r.returncode == 0, r.stderr
    cases = {b["name"]: b for b in json.load(open(os.path.join(out, "results.json")))["benchmarks"]}
    whole = "nets/small.onnx@1x8x8/latmac/threads:1"
    assert whole in cases, sorted(cases)
    assert cases[whole]["madds"] == 8 * 8 * 4 * 27 + 20, cases[whole]
    layers = [name for name in cases if name.startswith("nets/small.onnx@1x8x8/layer:")]
    assert len(layers) == 3, layers  # conv (BatchNorm folded, ReLU fused), pooling, FC
    assert not any("mobilenet" in name for name in cases), "no zoo network unless --nets names one"
    bad = os.path.join(TMP, "bad.onnx")
    open(bad, "wb").write(b"not a model")
    r = latmac("run", "--suite", "nets", "--model", bad, "--out", os.path.join(TMP, "never"))
    assert r.returncode == 2 and "bad.onnx: not an ONNX model" in r.stderr, (r.returncode, r.stderr)
    assert not os.path.exists(os.path.join(TMP, "never"))
    r = latmac("run", "--suite", "nets", "--model", f"{path},{TMP}/../{os.path.basename(TMP)}/small.onnx")
    assert r.returncode == 2 and "two models named small.onnx" in r.stderr, r.stderr


@tap.check("infer computes a small model's output as NumPy does, and refuses bad input without touching the output")
def infer_small_model():
    need_onnx()
    path = save("small", *small_classifier())
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype(np.float32)
    x_path, y_path = os.path.join(TMP, "x.npy"), os.path.join(TMP, "y.npy")
    np.save(x_path, x)
    r = latmac("infer", "--model", path, "--input", x_path, "--output", y_path)
    assert r.returncode == 0, r.stderr
    # by hand: every weight is 0.01; BatchNorm (gamma, beta, mean, variance all 0.01) then ReLU
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = sum(padded[:, :, i:i + 8, j:j + 8].sum(axis=1) for i in range(3) for j in range(3)) * 0.01
    bn = np.maximum((conv - 0.01) / np.sqrt(0.01 + 1e-5) * 0.01 + 0.01, 0)
    expected = np.repeat(bn.mean(axis=(1, 2))[:, None], 4, axis=1).sum(axis=1, keepdims=True) * 0.01 + 0.01
    y = np.load(y_path)
    assert y.shape == (2, 5) and np.allclose(y, np.repeat(expected, 5, axis=1), rtol=1e-5, atol=1e-7), (y, expected)
    before = open(y_path, "rb").read()
    np.save(os.path.join(TMP, "x4.npy"), np.zeros((1, 4, 8, 8), np.float32))
    np.save(os.path.join(TMP, "x3.npy"), np.zeros((3, 8, 8), np.float32))
    np.save(os.path.join(TMP, "i8.npy"), np.zeros((1, 3, 8, 8), np.int64))
    for args, expected in [
        (["--model", path, "--input", os.path.join(TMP, "x4.npy")], "the input has 4 channels where small takes 3"),
        (["--model", path, "--input", os.path.join(TMP, "x3.npy")], "expected an array [N, C, H, W]"),
        (["--model", path, "--input", os.path.join(TMP, "i8.npy")], "dtype '<i8' is not supported"),
        (["--model", path, "--input", path], "small.onnx"),
        (["--model", path, "--net", "mobilenet_v2"], "give one network"),
        (["--net", "nonet"], "no network named 'nonet'"),
        (["--model", path, "--isa", "sse9"], "--isa: 'sse9'"),
        (["--model", path, "--threads", "0"], "--threads"),
    ]:
        r = latmac("infer", *args, "--output", y_path)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert len(r.stderr.splitlines()) == 1 and expected in r.stderr, (args, expected, r.stderr)
        assert open(y_path, "rb").read() == before, args
    r = latmac("infer", "--model", path)
    assert r.returncode == 2 and "--output Y.npy is required" in r.stderr, r.stderr


@tap.check("missing, empty, non-protobuf, truncated and graphless files are refused with one line")
def unreadable_files():
    need_onnx()
    refused(os.path.join(TMP, "absent.onnx"), "cannot read")
    empty = os.path.join(TMP, "empty.onnx")
    open(empty, "wb").close()
    refused(empty, "is empty")
    text = os.path.join(TMP, "text.onnx")
    with open(text, "w") as f:
        f.write("this is not a protobuf at all\n" * 10)
    refused(text, "not an ONNX model")
    whole = open(save("whole", *small_classifier()), "rb").read()
    cut = os.path.join(TMP, "cut.onnx")
    with open(cut, "wb") as f:
        f.write(whole[: len(whole) * 2 // 3])
    refused(cut, "not an ONNX model")
    tensor = os.path.join(TMP, "tensor.onnx")  # a protobuf, but a tensor's, not a model's
    with open(tensor, "wb") as f:
        f.write(ints("t", [1, 2, 3]).SerializeToString())
    refused(tensor, "not an ONNX model")


@tap.check("missing weights, wrong shapes, a cycle, huge dimensions, external data and old opsets are refused")
def malformed_models():
    need_onnx()
    nodes, inits = small_classifier()
    refused(save("no_weight", nodes, inits[1:]), "node 1 ('conv', Conv): input 'w' is not defined before this node")
    wrong = [weight("w", 4, 3, 3, 3), weight("g", 3)] + inits[2:]
    refused(save("wrong_bn", nodes, wrong), "node 2 ('bn', BatchNormalization): 'g' has 3 elements for 4 channels")
    cycle = [helper.make_node("Relu", ["later"], ["early"], name="first"),
             helper.make_node("Relu", ["early"], ["later"], name="second")]
    refused(save("cycle", cycle, [], outputs=("later",)), "input 'later' is not defined before this node")
    huge = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2**40, 2**40, 3, 3])  # and no data
    refused(save("huge", nodes, [huge] + inits[1:]), "tensor 'w' declares impossible dimensions")
    external = weight("w", 4, 3, 3, 3)
    onnx.external_data_helper.set_external_data(external, location="weights.bin")
    external.ClearField("raw_data")
    refused(save("external", nodes, [external] + inits[1:]), "keeps its data in an external file")
    refused(save("old", nodes, inits, opset=8), "opset 8 is not supported (9 to 17)")
    refused(save("symbolic", nodes, inits, inputs=("x", [1, 3, "height", 8])), "give the input size")


@tap.check("torchvision's ShuffleNet V2 1.0x and MobileNets, exported by PyTorch, count as the zoo's")
def torchvision_models():
    need_onnx()
    try:
        import torch
        import torchvision
    except ImportError:
        raise tap.Skip("PyTorch or torchvision is not installed (python3-torch, python3-torchvision)")
    zoo = {r["name"]: r for r in json.loads(latmac("list", "nets", "--format", "json").stdout)}
    torch.manual_seed(0)
    for name in ["shufflenet_v2_x1_0", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small"]:
        model = getattr(torchvision.models, name)().eval()
        path = os.path.join(TMP, name + ".onnx")
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, training=torch.onnx.TrainingMode.PRESERVE,
                          do_constant_folding=False)
        r = row(path)
        assert r["params"] == sum(p.numel() for p in model.parameters()), (name, r["params"])
        for key in ["madds", "params", "mac", "mac_unfused", "peak_activation_bytes", "layers", "steps"]:
            assert r[key] == zoo[name][key], (name, key, r[key], zoo[name][key])
        os.remove(path)


def write_corpus(folder):
    """The fuzzer's seed corpus (tests/fuzz.sh): the small models of these checks."""
    save("small", *small_classifier(), folder=folder)
    save("idioms", *idioms(), folder=folder)
    save("hswish", *hard_swish_model(), folder=folder)
    save("resize", *resize_model(), inputs=("x", [1, 3, 7, 7]), folder=folder)
    save("small_opset9", *small_classifier(), opset=9, folder=folder)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--corpus"]:
        write_corpus(sys.argv[2])
        shutil.rmtree(TMP, ignore_errors=True)
        sys.exit(0)
    sys.exit(tap.run(cleanup=lambda: shutil.rmtree(TMP, ignore_errors=True)))
