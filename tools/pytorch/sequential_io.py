"""nn.Sequential <-> sparktrain: the layer string and safetensors files, with torch alone.

No safetensors package is needed: the format is an 8-byte little-endian header length, a JSON
header (dtype, shape, data_offsets per tensor; "__metadata__" string to string), padded with
spaces to a multiple of 8, then the raw little-endian tensor bytes in header order.

LAYERS is the one table of how each supported torch.nn layer is spelled in a sparktrain model
string (PyTorch's constructor call): adding a layer is one line there.
"""
import json
import re
import struct

import torch
from torch import nn

DTYPES = {"F64": torch.float64, "F32": torch.float32}
NAMES = {v: k for k, v in DTYPES.items()}


def _linear(m):
    return f"Linear({m.in_features}, {m.out_features}" + ("" if m.bias is not None else ", bias=False") + ")"


def _layer_norm(m):
    if len(m.normalized_shape) != 1:
        raise ValueError(f"LayerNorm{tuple(m.normalized_shape)}: only the last dimension can be normalized")
    return f"LayerNorm({m.normalized_shape[0]}, eps={m.eps!r}" + ("" if m.elementwise_affine else ", elementwise_affine=False") + ")"


def _log_softmax(m):
    if m.dim not in (1, -1):
        raise ValueError(f"LogSoftmax(dim={m.dim}): only over the features (dim=1)")
    return "LogSoftmax(dim=1)"


# torch class -> its sparktrain spelling (PyTorch's constructor call, as sparktrain's model key reads it)
LAYERS = {
    nn.Linear: _linear,
    nn.ReLU: lambda m: "ReLU()",
    nn.Tanh: lambda m: "Tanh()",
    nn.Sigmoid: lambda m: "Sigmoid()",
    nn.Dropout: lambda m: f"Dropout(p={m.p!r})",
    nn.GELU: lambda m: "GELU()" if m.approximate == "none" else f"GELU(approximate='{m.approximate}')",
    nn.SiLU: lambda m: "SiLU()",
    nn.LeakyReLU: lambda m: f"LeakyReLU(negative_slope={m.negative_slope!r})",
    nn.ELU: lambda m: f"ELU(alpha={m.alpha!r})",
    nn.Softplus: lambda m: f"Softplus(beta={m.beta!r}, threshold={m.threshold!r})",
    nn.Mish: lambda m: "Mish()",
    nn.Hardswish: lambda m: "Hardswish()",
    nn.LayerNorm: _layer_norm,
    nn.LogSoftmax: _log_softmax,
    nn.Identity: lambda m: "Identity()",
}


def to_spec(model):
    """The sparktrain model string of an nn.Sequential of supported layers."""
    parts = []
    for i, m in enumerate(model):
        spell = LAYERS.get(type(m))
        if spell is None:
            raise ValueError(f"layer {i} ({type(m).__name__}) has no sparktrain form; supported: "
                             + ", ".join(c.__name__ for c in LAYERS))
        parts.append(spell(m))
    return ", ".join(parts)


def from_spec(spec):
    """The nn.Sequential a sparktrain model string describes (float64, PyTorch's default init).

    The string is PyTorch's constructor calls (names in any case, parentheses optional without
    options), evaluated with only the supported classes in scope.
    """
    scope = {"__builtins__": {}, "True": True, "False": False}
    for cls in LAYERS:
        scope[cls.__name__] = scope[cls.__name__.lower()] = cls
    scope["nn"] = type("nn", (), {cls.__name__: cls for cls in LAYERS})
    layers = []
    for raw in re.split(r",(?![^()]*\))", spec):
        layer = eval(raw.strip(), scope)  # noqa: S307 - a layer string, only torch.nn classes in scope
        layers.append(layer() if isinstance(layer, type) else layer)
    return nn.Sequential(*layers).double()


def save_file(tensors, path, metadata=None, dtype=torch.float64):
    """Writes a state_dict-like mapping of tensors as safetensors (in the mapping's order)."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        data = t.detach().to(dtype).contiguous().cpu().numpy().astype("<" + ("f8" if dtype == torch.float64 else "f4"))
        raw = data.tobytes()
        header[name] = {"dtype": NAMES[dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def load_file(path):
    """(tensors, metadata) of a safetensors file of F64/F32 tensors."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, h in header.items():
        begin, end = h["data_offsets"]
        flat = torch.frombuffer(bytearray(blob[base + begin:base + end]), dtype=DTYPES[h["dtype"]])
        tensors[name] = flat.reshape(h["shape"]).clone()
    return tensors, metadata
