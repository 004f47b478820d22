"""Values between our own processes over a pipe: each a pickle behind its length.

Only for a child this process started (the reads worker, central's report builders): a pickle
runs code, so it never crosses to anything else.
"""

from __future__ import annotations

import pickle
import struct
from typing import Any, BinaryIO

FRAME = struct.Struct(">Q")


def write_value(stream: BinaryIO, value: Any) -> None:
    data = pickle.dumps(value)
    stream.write(FRAME.pack(len(data)) + data)
    stream.flush()


def read_value(stream: BinaryIO) -> Any:
    header = stream.read(FRAME.size)
    if len(header) < FRAME.size:
        raise EOFError("the other side closed the pipe")
    (size,) = FRAME.unpack(header)
    return pickle.loads(stream.read(size))  # noqa: S301 (our own processes, over their pipes)
