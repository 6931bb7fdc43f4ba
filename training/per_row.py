"""Make the int8 model's scores independent of batching: quantise activations per token.

onnxruntime's dynamic quantisation picks one int8 scale for a whole activation tensor, i.e.
for every token of every message in a batch, so a message's scores moved with whatever it
was batched with (some label decisions changed). This rewrites each
DynamicQuantizeLinear into a symmetric quantisation with one scale per token (per row of
the last axis), stored as uint8 around a fixed zero point of 128 so onnxruntime keeps its
fast u8s8 kernels. A token's scale depends only on that token: the same text gets the same
scores alone or in any batch, and the runtime can batch for speed.

The integer product is still dequantised by the model's own Cast and Mul (with the
activation scale set to 1, so onnxruntime may fuse them as it always does); the per-token
scale is applied right after, before the bias. The weights stay as quantize_dynamic made
them.

Used by train.py after quantize_dynamic; also runnable on a model file:
    python training/per_row.py IN.onnx [OUT.onnx]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantise_per_row(model: onnx.ModelProto) -> int:
    """Rewrite every DynamicQuantizeLinear in place; returns how many were rewritten."""
    graph = model.graph
    graph.initializer.extend(
        numpy_helper.from_array(np.array(v, dtype=dt), name)
        for name, v, dt in [
            ("per_row_eps", 1e-8, np.float32),
            ("per_row_127", 127.0, np.float32),
            ("per_row_128", 128.0, np.float32),
            ("per_row_one", 1.0, np.float32),
            ("per_row_zero", 128, np.uint8),
        ]
    )
    consumers: dict[str, list[onnx.NodeProto]] = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            consumers[name].append(node)

    def only(name: str, op: str) -> onnx.NodeProto:
        found = consumers[name]
        if len(found) != 1 or found[0].op_type != op:
            raise ValueError(f"{name}: expected one {op} consumer, found {[n.op_type for n in found]}")
        return found[0]

    producer = {name: node for node in graph.node for name in node.output}
    row_scale_of: dict[str, str] = {}  # dequantised product -> the per-token scale to apply
    fused: dict[int, onnx.NodeProto] = {}  # MatMulInteger -> MatMulIntegerToFloat
    dropped: set[int] = set()  # the Cast and Muls the fused kernel replaces
    nodes: list[onnx.NodeProto] = []
    for node in graph.node:
        if node.op_type != "DynamicQuantizeLinear":
            nodes.append(node)
            continue
        x = node.input[0]
        q, scale, zero = node.output
        p = f"{x}_per_row"
        nodes += [
            helper.make_node("Abs", [x], [f"{p}_abs"]),
            helper.make_node("ReduceMax", [f"{p}_abs"], [f"{p}_max"], axes=[-1], keepdims=1),  # opset 17
            helper.make_node("Max", [f"{p}_max", "per_row_eps"], [f"{p}_safe"]),
            helper.make_node("Div", [f"{p}_safe", "per_row_127"], [f"{p}_scale"]),
            helper.make_node("Div", ["per_row_127", f"{p}_safe"], [f"{p}_inverse"]),
            # |x| * 127 / max|x| <= 127, so no clipping; 128 is even, so adding it before
            # rounding rounds halves exactly as after.
            helper.make_node("Mul", [x, f"{p}_inverse"], [f"{p}_scaled"]),
            helper.make_node("Add", [f"{p}_scaled", "per_row_128"], [f"{p}_shift"]),
            helper.make_node("Round", [f"{p}_shift"], [f"{p}_round"]),
            helper.make_node("Cast", [f"{p}_round"], [q], to=TensorProto.UINT8),
            helper.make_node("Identity", ["per_row_zero"], [zero]),
            helper.make_node("Identity", ["per_row_one"], [scale]),
        ]
        for matmul in consumers[q]:
            if matmul.op_type != "MatMulInteger":
                raise ValueError(f"{q}: consumed by {matmul.op_type}, expected MatMulInteger")
            cast = only(matmul.output[0], "Cast")
            dequant = only(cast.output[0], "Mul")
            (scales,) = (producer[name] for name in dequant.input if name != cast.output[0])
            (weight_scale,) = (name for name in scales.input if name != scale)
            # One fused kernel for the integer product and its dequantisation by the weight
            # scale; the per-token scale is applied after it, before the bias.
            fused[id(matmul)] = helper.make_node(
                "MatMulIntegerToFloat",
                [q, matmul.input[1], "per_row_one", weight_scale, zero, matmul.input[3]],
                [dequant.output[0]],
                domain="com.microsoft",
            )
            dropped |= {id(cast), id(dequant), id(scales)}
            row_scale_of[dequant.output[0]] = f"{p}_scale"
    out: list[onnx.NodeProto] = []
    for node in nodes:
        if id(node) in dropped:
            continue
        out.append(fused.get(id(node), node))
        for name in node.output if id(node) not in fused else fused[id(node)].output:
            if name in row_scale_of:
                out.append(helper.make_node("Mul", [name, row_scale_of[name]], [f"{name}_per_row"]))
                for consumer in consumers[name]:
                    consumer.input[:] = [f"{name}_per_row" if i == name else i for i in consumer.input]
    del graph.node[:]
    graph.node.extend(out)
    if not any(op.domain == "com.microsoft" for op in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    del graph.value_info[:]  # recorded for the old uint8/scalar outputs; onnxruntime re-infers
    return len(set(row_scale_of.values()))


def rewrite_file(path: Path, out: Path | None = None) -> int:
    model = onnx.load(str(path))
    n = quantise_per_row(model)
    onnx.checker.check_model(model)
    onnx.save(model, str(out or path))
    return n


if __name__ == "__main__":
    src = Path(sys.argv[1])
    dst = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    print(f"rewrote {rewrite_file(src, dst)} activation quantisations to per-token int8")
