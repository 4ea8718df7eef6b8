"""Text goroutine dumps: ``/debug/pprof/goroutine?debug=2``, panics and SIGQUIT traces.

Each goroutine becomes one sample (value 1) of a ``goroutine`` profile, with its
wait state, minutes blocked, the ``(leaked)`` mark of Go >= 1.26 and its creation
site (the ``created by`` frame) kept alongside.
"""

from __future__ import annotations

import re

import numpy as np

from goretain.errors import UserError
from goretain.profile.types import GOROUTINE, Frame, FrameTable, Profile

_HEADER = re.compile(
    r"^goroutine (\d+)(?: gp=\S+)?(?: m=\S+)?(?: mp=\S+)? \[([^\]]*)\](?: \{.*\})?:\s*$"
)
_SNIFF = re.compile(rb"(?m)^goroutine \d+ (?:gp=\S+ )?(?:m=\S+ )?(?:mp=\S+ )?\[[^\]\n]*\]")
_FILE_LINE = re.compile(r"^\t(.*?):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=\S+ sp=\S+ pc=\S+)?\s*$")
_CREATED = re.compile(r"^created by (.+?)(?: in goroutine \d+)?\s*$")
_MINUTES = re.compile(r"^(\d+) minutes$")


def looks_like_dump(data: bytes) -> bool:
    """True when the bytes look like a text goroutine dump (not a protobuf)."""
    head = data[: 1 << 16]
    if b"\x00" in head[:4096]:
        return False
    return _SNIFF.search(head) is not None


def _function_name(line: str) -> str:
    """``main.(*T).m(0x1, {0x2, 0x3})`` -> ``main.(*T).m``."""
    s = line.strip()
    if s.endswith(")"):
        depth = 0
        for i in range(len(s) - 1, -1, -1):
            c = s[i]
            if c == ")":
                depth += 1
            elif c == "(":
                depth -= 1
                if depth == 0:
                    return s[:i]
    return s


def parse_state(status: str) -> tuple[str, int, bool]:
    """``chan send (leaked), 12 minutes, locked to thread`` -> (state, minutes, leaked)."""
    parts = [p.strip() for p in status.split(",")]
    state = parts[0] if parts else ""
    leaked = False
    for flag in (" (leaked)", " (scan)", " (durable)"):
        if flag in state:
            leaked = leaked or flag == " (leaked)"
            state = state.replace(flag, "")
    minutes = 0
    for p in parts[1:]:
        m = _MINUTES.match(p)
        if m:
            minutes = int(m.group(1))
    return state, minutes, leaked


def parse(data: bytes, source: str) -> Profile:
    text = data.decode("utf-8", errors="replace")
    table = FrameTable()
    frames = table.frames
    fidx = table.index

    stacks: list[list[int]] = []
    states: list[str] = []
    minutes: list[int] = []
    leaked: list[bool] = []
    created: list[int] = []
    cur: list[int] | None = None
    pending: str | None = None  # function line waiting for its file:line
    pending_created = False
    for raw_line in text.splitlines():
        m = _HEADER.match(raw_line)
        if m:
            state, mins, lk = parse_state(m.group(2))
            cur = []
            stacks.append(cur)
            states.append(state)
            minutes.append(mins)
            leaked.append(lk)
            created.append(-1)
            pending, pending_created = None, False
            continue
        if cur is None:
            continue
        if not raw_line.strip():
            cur, pending = None, None
            continue
        fl = _FILE_LINE.match(raw_line)
        if fl and pending is not None:
            fr = fidx(Frame(pending, fl.group(1), int(fl.group(2))))
            if pending_created:
                created[-1] = fr
            else:
                cur.append(fr)
            pending, pending_created = None, False
            continue
        if raw_line.startswith("\t") or raw_line.startswith("..."):
            continue
        cm = _CREATED.match(raw_line)
        if cm:
            pending, pending_created = cm.group(1), True
        else:
            pending, pending_created = _function_name(raw_line), False
    if not stacks:
        raise UserError(f"{source}: no goroutines found in the text dump")
    lengths = np.fromiter((len(s) for s in stacks), dtype=np.int64, count=len(stacks))
    offsets = np.zeros(len(stacks) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.fromiter((f for s in stacks for f in s), dtype=np.int32, count=int(offsets[-1]))
    return Profile(
        source=source,
        kind=GOROUTINE,
        sample_types=[("goroutine", "count")],
        frames=frames,
        stack_offsets=offsets,
        stack_frames=flat,
        values=np.ones((len(stacks), 1), dtype=np.int64),
        wait_state=states,
        wait_minutes=np.asarray(minutes, dtype=np.int64),
        leaked=np.asarray(leaked, dtype=bool),
        created_by=np.asarray(created, dtype=np.int32),
    )
