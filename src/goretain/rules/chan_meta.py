"""GR202's rule metadata, shared by every channel module that builds its findings."""

from __future__ import annotations

from goretain.findings import Confidence, Severity
from goretain.rules.base import RuleMeta

META = RuleMeta(
    id="GR202",
    name="goroutine-blocked-channel",
    category="goroutine-blocked-channel",
    summary="a goroutine can block forever on a channel send or receive whose partner may not happen",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs=(
        "A goroutine blocked on a channel operation that no other goroutine will ever complete "
        "is never collected: its stack and everything it references stay in memory. The usual "
        "shapes: the receiver gave up (a `select` with a timeout or `ctx.Done()`, an early "
        "`return` on an error path) so the sender on an unbuffered channel blocks forever; N "
        "goroutines send but only one value is received; a goroutine sends twice; a goroutine "
        "ranges over a channel that is never closed; a channel nobody ever receives from. Give "
        "the channel a buffer as large as the number of sends, select on `ctx.Done()` in the "
        "sender, or close the channel (in a defer) when the producer is done. Also flagged: a "
        "send to a server loop that can exit on a stop/ctx case while callers still send; a "
        "goroutine that returns on an error path before its send or close; a channel field "
        "nobody sends on or closes; a bare receive whose senders all give up on cancellation; "
        "a buffered channel filled past its capacity before its receiver is started; goroutines "
        "started per item whose only receiving loop returns on the first error or on `ctx.Done()` / a "
        "timeout (the rest block: buffer the channel to `len(items)` or use errgroup); senders that "
        "call `wg.Done()` after their send while the receiver waits in `wg.Wait()` before receiving; "
        "a goroutine ranging over a field channel that the type's Close/Stop never closes; a goroutine "
        "ranging over a channel that is closed only at the end of the producer, which can `return` "
        "first (close it in a defer); a generator (returns a channel its goroutine fills with bare "
        "sends) whose caller stops ranging early (pass a ctx/done channel and select on it, or drain); "
        "a generator whose producer gives up only on the ctx it was given, while its caller stops "
        "ranging early and passed its own caller's ctx (or a background one) instead of a derived "
        "`WithCancel` it cancels. A channel made by a same-package helper (`func newErrc() chan error "
        "{ return make(chan error) }`) counts as made at the call, with the helper's capacity. Each "
        "finding names where the channel is made; sends of one channel that block for the same reason "
        "are one finding. Also: the timer drain `if !t.Stop() { <-t.C }` in a loop whose `select` "
        "also receives `<-t.C` without resetting `t` (after that case the channel is empty and the "
        "drain blocks forever; drain with `select { case <-t.C: default: }`). Also: a local producer "
        "goroutine that sends every item bare in a loop while the consuming `range` in the same "
        "function (or a goroutine-backed `iter.Seq` whose `yield` returns false) returns or breaks "
        "on a value; a hand-written errgroup whose `Go` starts goroutines sending on an unbuffered "
        "field channel while `Wait` returns on the first error. Func literals (handlers, callbacks, "
        "struct fields) that make their own channel are checked like functions."
    ),
    bad=(
        "package p\n\n"
        "import \"time\"\n\n"
        "func fetch(work func() int) int {\n"
        "\tch := make(chan int)\n"
        "\tgo func() { ch <- work() }()\n"
        "\tselect {\n"
        "\tcase v := <-ch:\n"
        "\t\treturn v\n"
        "\tcase <-time.After(time.Second):\n"
        "\t\treturn 0\n"
        "\t}\n"
        "}\n"
    ),
    good=(
        "package p\n\n"
        "import \"time\"\n\n"
        "func fetch(work func() int) int {\n"
        "\tch := make(chan int, 1) // the sender never blocks\n"
        "\tgo func() { ch <- work() }()\n"
        "\tselect {\n"
        "\tcase v := <-ch:\n"
        "\t\treturn v\n"
        "\tcase <-time.After(time.Second):\n"
        "\t\treturn 0\n"
        "\t}\n"
        "}\n"
    ),
    fix="give the channel a buffer for every send, select on ctx.Done() in the sender, or close the channel when done",
)

