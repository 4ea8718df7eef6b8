"""GR401's rule metadata, shared by every lock module that builds its findings."""

from __future__ import annotations

from goretain.findings import Confidence, Severity
from goretain.rules.base import RuleMeta

META = RuleMeta(
    id="GR401",
    name="goroutine-blocked-lock",
    category="goroutine-blocked-lock",
    summary="a mutex is not released on some path or locked twice, or a WaitGroup can never reach zero",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs=(
        "Go mutexes are not reentrant and are not released when a function returns. A path "
        "that returns (or continues a loop) while holding the lock, a second `Lock` of a mutex "
        "the goroutine already holds (often through a method call, or a `defer mu.Unlock()` inside "
        "a loop that locks the same mutex on every pass), or an `RLock` followed by `Lock` of the "
        "same RWMutex leaves every goroutine that wants the lock blocked forever; a same-package "
        "helper that returns its result locked counts as that Lock. "
        "A WaitGroup whose `Add` runs inside the new goroutine, whose `Done` is skipped by an "
        "early return (in a func literal or a named worker given `&wg`), whose `Add(len(xs))` "
        "counts loop passes that `continue` past the `go` statement, or whose `Done` is missing "
        "altogether makes `Wait` return too early or never; a `Cond.Wait` nobody Signals or "
        "Broadcasts never returns (a Cond has no spurious wakeups), and a bare `Cond.Wait` with no "
        "condition to check, whose signallers run without the lock a bounded number of times, can "
        "miss its wakeup and wait forever; a `Close`/`Stop`/`Shutdown` that changes the state under "
        "the Cond's lock without a Broadcast leaves goroutines in a `for ... { c.Wait() }` loop "
        "parked forever. Holding a lock while running a "
        "callback that locks it again, while sending to a goroutine that must take the same "
        "lock before it receives, or while waiting for an inner mutex whose holder needs the "
        "outer lock to release it, blocks both sides forever. Use `defer mu.Unlock()` right "
        "after `Lock`, call callbacks, sends and lock-free helpers after releasing the lock, "
        "`Add` before `go`, `defer wg.Done()` first thing in the goroutine, and Broadcast after "
        "every change of the state a Cond guards."
    ),
    bad=(
        "package p\n\n"
        "import \"sync\"\n\n"
        "type Cache struct {\n"
        "\tmu sync.Mutex\n"
        "\tm  map[string]int\n"
        "}\n\n"
        "func (c *Cache) Get(k string) (int, bool) {\n"
        "\tc.mu.Lock()\n"
        "\tv, ok := c.m[k]\n"
        "\tif !ok {\n"
        "\t\treturn 0, false // still locked\n"
        "\t}\n"
        "\tc.mu.Unlock()\n"
        "\treturn v, true\n"
        "}\n"
    ),
    good=(
        "package p\n\n"
        "import \"sync\"\n\n"
        "type Cache struct {\n"
        "\tmu sync.Mutex\n"
        "\tm  map[string]int\n"
        "}\n\n"
        "func (c *Cache) Get(k string) (int, bool) {\n"
        "\tc.mu.Lock()\n"
        "\tdefer c.mu.Unlock()\n"
        "\tv, ok := c.m[k]\n"
        "\treturn v, ok\n"
        "}\n"
    ),
    fix="defer the Unlock right after Lock; do not call methods that lock the same mutex while holding it"
)
