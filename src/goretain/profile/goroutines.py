"""Goroutine profiles and dumps: group goroutines by creation site and wait state.

This is the LeakProf idea: goroutines blocked at the same place, created by the
same ``go`` statement, whose number keeps growing, are almost always leaked.

* From a text dump (``debug=2``) we know the exact ``created by`` frame and the
  runtime's wait reason (``chan send``, ``select``, ...), and Go >= 1.26 marks the
  goroutines its leak-detecting GC proved unreachable with ``(leaked)``.
* From a protobuf ``goroutine``/``goroutineleak`` profile the creation site is the
  goroutine's entry function (the outermost frame below ``runtime.goexit``) and the
  wait state is inferred from the runtime frames at the top of the stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from goretain.profile.model import is_user_function
from goretain.profile.types import Frame, Profile

# Innermost function -> wait state, for protobuf profiles (which carry none).
_STATE_BY_FUNCTION = {
    "runtime.chansend": "chan send",
    "runtime.chansend1": "chan send",
    "runtime.chanrecv": "chan receive",
    "runtime.chanrecv1": "chan receive",
    "runtime.chanrecv2": "chan receive",
    "runtime.selectgo": "select",
    "runtime.block": "select (no cases)",
    "sync.runtime_SemacquireMutex": "sync.Mutex.Lock",
    "sync.runtime_SemacquireRWMutex": "sync.RWMutex.Lock",
    "sync.runtime_SemacquireRWMutexR": "sync.RWMutex.RLock",
    "sync.runtime_SemacquireWaitGroup": "sync.WaitGroup.Wait",
    "sync.runtime_Semacquire": "semacquire",
    "sync.runtime_notifyListWait": "sync.Cond.Wait",
    "time.Sleep": "sleep",
    "internal/poll.runtime_pollWait": "IO wait",
    "runtime.gopark": "waiting",
}
_RUNNING = {"running", "runnable", "syscall", "preempted", ""}
_ROOT_SKIP = {"runtime.goexit", "runtime.main"}


@dataclass(frozen=True)
class Group:
    """Goroutines with the same creation site, wait state and blocking site."""

    key: str
    created_by: Frame | None
    state: str
    blocked_at: Frame | None

    def label(self) -> str:
        where = self.blocked_at.short() if self.blocked_at else "?"
        made = self.created_by.short() if self.created_by else "?"
        return f"[{self.state}] at {where}, created by {made}"


def _infer_state(stack: list[Frame]) -> str:
    for f in stack[:6]:
        state = _STATE_BY_FUNCTION.get(f.function)
        if state and state != "waiting":
            return state
    for f in stack[:6]:
        if f.function in _STATE_BY_FUNCTION:
            return _STATE_BY_FUNCTION[f.function]
    return "unknown"


def _entry(stack: list[Frame]) -> Frame | None:
    for f in reversed(stack):
        if f.function not in _ROOT_SKIP:
            return f
    return None


def _blocked_at(stack: list[Frame], modules: Sequence[str]) -> Frame | None:
    for f in stack:
        if is_user_function(f.function, modules):
            return f
    return stack[0] if stack else None


def is_blocked(state: str) -> bool:
    return state not in _RUNNING


def group(prof: Profile, modules: Sequence[str] = (), leaked_only: bool = False) -> tuple[list[Group], np.ndarray]:
    """Groups, and the goroutine count of each (leaked ones only if asked)."""
    counts: dict[Group, int] = {}
    values = prof.values[:, 0] if prof.values.shape[1] else np.ones(prof.n_samples, dtype=np.int64)
    for i in range(prof.n_samples):
        if leaked_only and prof.leaked is not None and not prof.leaked[i]:
            continue
        stack = prof.stack(i)
        if prof.wait_state is not None:
            state = prof.wait_state[i]
            cb = prof.created_by[i] if prof.created_by is not None else -1
            created = prof.frames[cb] if cb >= 0 else None
        else:
            state = _infer_state(stack)
            created = _entry(stack)
        blocked = _blocked_at(stack, modules)
        key = "|".join(
            (state, blocked.short() if blocked else "", created.short() if created else "")
        )
        g = Group(key, created, state, blocked)
        counts[g] = counts.get(g, 0) + int(values[i])
    groups = list(counts)
    return groups, np.asarray([counts[g] for g in groups], dtype=np.int64)
