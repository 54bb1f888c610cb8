"""nn.Sequential <-> sparktrain: the layer string and safetensors files, with torch alone.

No safetensors package is needed: the format is an 8-byte little-endian header length, a JSON
header (dtype, shape, data_offsets per tensor; "__metadata__" string to string), padded with
spaces to a multiple of 8, then the raw little-endian tensor bytes in header order.

LAYERS is the one table of what each supported torch.nn layer is called in a sparktrain model
string (and back): adding a layer is one line there.
"""
import json
import re
import struct

import torch
from torch import nn

DTYPES = {"F64": torch.float64, "F32": torch.float32}
NAMES = {v: k for k, v in DTYPES.items()}


def _linear_spec(m):
    if m.bias is None:
        return f"Linear({m.in_features}, {m.out_features}, bias=False)"
    return f"linear({m.in_features},{m.out_features})"


# torch class -> (its sparktrain spelling, how to build it from the spec's arguments)
LAYERS = {
    nn.Linear: (_linear_spec, lambda a, kw: nn.Linear(int(a[0]), int(a[1]), bias=kw.get("bias", "True") == "True")),
    nn.ReLU: (lambda m: "relu", lambda a, kw: nn.ReLU()),
    nn.Tanh: (lambda m: "tanh", lambda a, kw: nn.Tanh()),
    nn.Sigmoid: (lambda m: "sigmoid", lambda a, kw: nn.Sigmoid()),
    nn.Dropout: (lambda m: f"Dropout(p={m.p})", lambda a, kw: nn.Dropout(float(kw.get("p", a[0] if a else 0.5)))),
}
_BY_NAME = {cls.__name__.lower(): cls for cls in LAYERS}


def to_spec(model):
    """The sparktrain model string of an nn.Sequential of supported layers."""
    parts = []
    for i, m in enumerate(model):
        entry = LAYERS.get(type(m))
        if entry is None:
            raise ValueError(f"layer {i} ({type(m).__name__}) has no sparktrain form; supported: "
                             + ", ".join(c.__name__ for c in LAYERS))
        parts.append(entry[0](m))
    return ", ".join(parts)


def from_spec(spec):
    """The nn.Sequential a sparktrain model string describes (float64, PyTorch's default init)."""
    layers = []
    for raw in re.split(r",(?![^()]*\))", spec):
        m = re.fullmatch(r"\s*(?:nn\.)?([A-Za-z]+)\s*(?:\((.*)\))?\s*", raw)
        if m is None or m.group(1).lower() not in _BY_NAME:
            raise ValueError(f"unknown layer '{raw.strip()}'")
        args, kw = [], {}
        for a in filter(None, (x.strip() for x in (m.group(2) or "").split(","))):
            if "=" in a:
                k, v = (s.strip() for s in a.split("=", 1))
                kw[k] = v
            else:
                args.append(a)
        layers.append(LAYERS[_BY_NAME[m.group(1).lower()]][1](args, kw))
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
