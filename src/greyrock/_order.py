"""Putting a stream of records in order with bounded memory and no file on disk.

`greyrock parse` prints an export oldest first, and exports run to millions of records in
whatever order the app wrote them. Holding every Message to sort them cost about 1.3 kB a
record (264 MB at 200,000 SMS). Here the caller hands over each record already encoded
(the bytes it will print) with its sort key; records are sorted in runs of `run` at a
time, and each full run is kept zlib-compressed in memory (JSON compresses five to ten
times). The runs are then merged lazily. A temporary file would be simpler, but it
would be a plaintext copy of the other person's messages left on the reader's disk.

The sort is stable: records with equal keys come out in the order they went in.
"""

from __future__ import annotations

import heapq
import zlib
from array import array
from collections.abc import Iterable, Iterator
from operator import itemgetter

__all__ = ["in_order"]

RUN = 25_000  # records sorted at once: about 12 MB of JSON Lines
_BLOCK = 1_000  # records per compressed block: the unit read back during the merge (one per run at a time)
_first = itemgetter(0)


class _Run:
    """One sorted run, held as compressed blocks of records with their keys beside them."""

    __slots__ = ("blocks",)

    def __init__(self, records: list[tuple[float, bytes]]) -> None:
        self.blocks: list[tuple[array, array, bytes]] = []
        for at in range(0, len(records), _BLOCK):
            part = records[at : at + _BLOCK]
            keys = array("d", (key for key, _ in part))
            sizes = array("Q", (len(data) for _, data in part))
            self.blocks.append((keys, sizes, zlib.compress(b"".join(data for _, data in part), 1)))

    def __iter__(self) -> Iterator[tuple[float, bytes]]:
        for keys, sizes, packed in self.blocks:
            data = zlib.decompress(packed)
            at = 0
            for key, size in zip(keys, sizes):
                yield key, data[at : at + size]
                at += size


def in_order(records: Iterable[tuple[float, bytes]], run: int = RUN) -> Iterator[bytes]:
    """The records' bytes sorted by key (stable), holding at most `run` records
    uncompressed at a time."""
    runs: list[_Run] = []
    buffer: list[tuple[float, bytes]] = []
    for record in records:
        buffer.append(record)
        if len(buffer) >= run:
            buffer.sort(key=_first)
            runs.append(_Run(buffer))
            buffer = []
    buffer.sort(key=_first)
    if not runs:
        for _, data in buffer:
            yield data
        return
    # heapq.merge breaks ties by the order of its inputs: earlier runs first, so stable.
    for _, data in heapq.merge(*runs, buffer, key=_first):
        yield data
