"""Reading a large export in a second process while the first one stores it.

Parsing and storing are each about one core's worth of Python, and a thread cannot run
them side by side (the GIL); a process can. The child opens the export again, reads it
exactly as `Parsed.__iter__` would, and sends plain tuples in batches through a pipe;
this process rebuilds the same Message objects. Nothing touches the disk on the way.

The child is a fresh interpreter (`python -m greyrock.ingest._ahead`), not a fork (the
parent may already run the classifier's threads) and not multiprocessing's "spawn" (which
re-imports the caller's main script). The export's path travels on stdin, not the command
line, where other users could read it. If the parent dies, the child's next write fails
and it exits; if the child dies, the parent raises, and the caller's transaction leaves
the case as it was.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from greyrock._gc import fewer_collections
from greyrock.errors import GreyrockError, InputError
from greyrock.model import Attachment, Channel, Direction, Kind, Message, ParseWarning, Source

from ._export import Entry, Export, open_export
from ._limits import Limits

__all__ = ["AHEAD_MIN_BYTES", "read_ahead"]

# Below this, starting a second interpreter (~0.3 s) costs more than it saves.
AHEAD_MIN_BYTES = 4 * 1024 * 1024
_BATCH = 500
_PIPE_BYTES = 1024 * 1024  # Linux's default limit for an unprivileged process

_CHANNELS = {c.value: c for c in Channel}
_KINDS = {k.value: k for k in Kind}
_DIRECTIONS = {d.value: d for d in Direction}


def _pack(m: Message) -> tuple[Any, ...]:
    attachments = tuple((a.name, a.mime, a.size, a.sha256, a.data, _ref(a.source), a.damaged)
                        for a in m.attachments)
    return (m.timestamp, m.channel.value, m.kind.value, m.direction.value, m.sender, m.body, m.source.file,
            m.source.locator, m.sender_name, m.recipients, attachments, m.extra)


def _ref(source: Any) -> tuple[str, str | None] | None:
    """A file of the export, as the other process can find it in its own opening."""
    return None if source is None else (source.file, source.member)


class _Sources:
    """This process's own opening of the export, for the attachments the child names: a
    zip member cannot cross a pipe, but its name can."""

    def __init__(self, path: str, limits: Limits | None, label: str | None = None) -> None:
        self._path, self._limits, self._label = path, limits, label
        self._export: Export | None = None
        self._entries: dict[tuple[str, str | None], Entry] = {}

    def get(self, ref: tuple[str, str | None] | None) -> Entry | None:
        if ref is None:
            return None
        if self._export is None:
            self._export = open_export(self._path, self._limits, self._label)
            self._entries = {(e.file, e.member): e for e in self._export.entries}
        return self._entries.get(tuple(ref))  # type: ignore[arg-type]

    def close(self) -> None:
        if self._export is not None:
            self._export.close()


def _unpack(row: tuple[Any, ...], sources: _Sources) -> Message:
    ts, channel, kind, direction, sender, body, file, locator, sender_name, recipients, attachments, extra = row
    return Message(ts, _CHANNELS[channel], _KINDS[kind], _DIRECTIONS[direction], sender, body, Source(file, locator),
                   sender_name, recipients,
                   tuple(Attachment(*a[:5], source=sources.get(a[5]), damaged=a[6]) for a in attachments), extra)


def _child() -> None:
    """`python -m greyrock.ingest._ahead`: the request arrives on stdin, batches leave on
    stdout, both pickled. (Pickle is safe here: both ends are this same code, run by the
    same user; the export's contents only ever travel as strings and bytes.)"""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # nothing printed by accident can corrupt the stream
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; a broken pipe stops us
    from greyrock import ingest

    def send(*item: Any) -> None:
        pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        path, format, me, region, limits, label = pickle.load(sys.stdin.buffer)
        send("ready")
        out.flush()
        parsed = ingest.parse(path, format=format, me=me, region=region, limits=limits, name=label)
        batch = []
        with fewer_collections():
            for message in parsed:
                batch.append(_pack(message))
                if len(batch) >= _BATCH:
                    send("messages", batch)
                    batch = []
        send("messages", batch)
        send("done", [(w.file, w.locator, w.reason) for w in parsed.warnings])
    except GreyrockError as exc:
        send("error", exc.message, exc.hint)
    except BrokenPipeError:
        return  # the parent is gone: nothing to report to
    except BaseException as exc:  # a bug: tell the parent what kind, never the content
        send("crash", type(exc).__name__)
    out.close()


def _widen(fd: int) -> None:
    """Let the child run up to a megabyte (a few thousand messages) ahead, so it keeps
    reading while this process is busy writing a batch. Linux only; elsewhere the default
    pipe buffer just makes the overlap smaller."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        pass


def read_ahead(
    path: str | os.PathLike[str], format: str | None, me: str | None, region: str | None,
    warnings: list[ParseWarning], limits: Limits | None = None, label: str | None = None,
) -> Iterator[Message]:
    """The messages `ingest.parse(path, ...)` gives, read in a child process. At the end,
    `warnings` holds exactly the warnings that reading gave. Where no child can be
    started (an unusual install), the export is read here instead. `label`: as `parse`'s `name`."""
    name = os.fspath(path)
    package_root = str(Path(__file__).resolve().parents[2])  # the folder holding greyrock/
    env = {k: v for k, v in os.environ.items() if k != "GREYROCK_PASSPHRASE"}  # the child needs no secrets
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    try:
        child = subprocess.Popen([sys.executable, "-m", "greyrock.ingest._ahead"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    except OSError:
        yield from _read_here(name, format, me, region, warnings, limits, label)
        return
    assert child.stdin is not None and child.stdout is not None
    _widen(child.stdout.fileno())
    sources = _Sources(name, limits, label)
    try:
        try:
            pickle.dump((name, format, me, region, limits, label), child.stdin)
            child.stdin.close()
            ready = pickle.load(child.stdout) == ("ready",)
        except (OSError, EOFError, pickle.UnpicklingError):
            ready = False
        if not ready:
            yield from _read_here(name, format, me, region, warnings, limits, label)
            return
        while True:
            try:
                what, *payload = pickle.load(child.stdout)
            except EOFError:
                raise RuntimeError(f"the process reading {name} stopped unexpectedly") from None
            if what == "messages":
                yield from (_unpack(row, sources) for row in payload[0])
            elif what == "done":
                warnings[:] = [ParseWarning(*w) for w in payload[0]]
                return
            elif what == "error":
                raise InputError(*payload)
            else:
                raise RuntimeError(f"reading {name} failed in the background ({payload[0]})")
    finally:
        sources.close()
        child.stdout.close()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _read_here(path: str, format: str | None, me: str | None, region: str | None,
               warnings: list[ParseWarning], limits: Limits | None, label: str | None = None) -> Iterator[Message]:
    from greyrock import ingest

    parsed = ingest.parse(path, format=format, me=me, region=region, limits=limits, name=label)
    yield from parsed
    warnings[:] = parsed.warnings


if __name__ == "__main__":
    _child()
