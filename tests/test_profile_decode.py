"""The pprof decoder: vectorised sample decoding against the plain protobuf parse,
bad input, and a fuzz test (never a hang, never an unhandled exception)."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goretain import cli
from goretain.errors import UserError
from goretain.profile import decode, model, textdump
from goretain.profile.schema import message_class
from goretain.profile.stats import linfit, mann_kendall
from goretain.profile.trend import LEAKING, NOISE, STABLE, classify

Profile = message_class("Profile")


def build(
    stacks: list[list[int]],
    values: list[list[int]],
    *,
    nlocs: int = 6,
    id_base: int = 1,
    inline: bool = False,
    labels: bool = False,
    types: tuple[str, ...] = ("alloc_objects", "alloc_space", "inuse_objects", "inuse_space"),
) -> bytes:
    """A profile whose location k (id id_base + k) is function fk at line 10 + k."""
    strings = [""]

    def s(x: str) -> int:
        if x not in strings:
            strings.append(x)
        return strings.index(x)

    p = Profile()
    for t in types:
        p.sample_type.add(type=s(t), unit=s("bytes" if t.endswith("space") else "count"))
    for k in range(nlocs):
        p.function.add(id=k + 1, name=s(f"example.com/m.f{k}"), filename=s("m.go"))
    p.function.add(id=nlocs + 1, name=s("runtime.inlined"), filename=s("r.go"))
    for k in range(nlocs):
        loc = p.location.add(id=id_base + k, address=0x1000 + k)
        if inline and k % 2:
            loc.line.add(function_id=nlocs + 1, line=99)
        loc.line.add(function_id=k + 1, line=10 + k)
    for stack, vals in zip(stacks, values, strict=True):
        smp = p.sample.add(location_id=[id_base + k for k in stack], value=vals)
        if labels:
            smp.label.add(key=s("bytes"), num=len(stack))
    p.string_table.extend(strings)
    p.time_nanos = 1_700_000_000_000_000_000
    p.period = 524288
    return p.SerializeToString()


def expected_frames(stack: list[int], inline: bool) -> list[str]:
    out = []
    for k in stack:
        if inline and k % 2:
            out.append("runtime.inlined")
        out.append(f"example.com/m.f{k}")
    return out


stacks_st = st.lists(st.integers(0, 5), min_size=0, max_size=12)
values_st = st.lists(st.integers(-(2**62), 2**62), min_size=4, max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    samples=st.lists(st.tuples(stacks_st, values_st), min_size=1, max_size=40),
    id_base=st.sampled_from([1, 200, 100_000, 2**40]),
    inline=st.booleans(),
    labels=st.booleans(),
)
def test_vectorised_decoding_matches_protobuf(samples, id_base, inline, labels) -> None:
    stacks = [s for s, _ in samples]
    values = [v for _, v in samples]
    data = build(stacks, values, id_base=id_base, inline=inline, labels=labels)
    prof = decode.parse(data, "p")
    assert prof.kind == "heap"
    assert prof.n_samples == len(samples)
    assert prof.values.tolist() == values
    for i, stack in enumerate(stacks):
        assert [f.function for f in prof.stack(i)] == expected_frames(stack, inline)
    if labels:
        assert prof.labels(0)[0].key == "bytes"
        assert prof.labels(0)[0].num == len(stacks[0])


def test_chunked_decoding_of_many_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "_CHUNK", 7)
    monkeypatch.setattr(model, "_CHUNK", 5)
    rng = np.random.default_rng(1)
    stacks = [rng.integers(0, 6, rng.integers(0, 9)).tolist() for _ in range(100)]
    values = [[1, int(v), 1, int(v)] for v in rng.integers(1, 1 << 40, 100)]
    prof = decode.parse(gzip.compress(build(stacks, values, inline=True)), "p")
    for i, stack in enumerate(stacks):
        assert [f.function for f in prof.stack(i)] == expected_frames(stack, True)
    # cum counts a sample once per frame even when a frame repeats (recursion).
    table = model.aggregate(prof, 3, "leaf", ())
    for k in range(6):
        want = sum(v[3] for s, v in zip(stacks, values, strict=True) if k in s)
        [idx] = [i for i, site in enumerate(table.sites) if site.frame.function == f"example.com/m.f{k}"]
        assert int(table.cum[idx]) == want
        want_flat = sum(v[3] for s, v in zip(stacks, values, strict=True) if s and s[0] == k and not (k % 2))
        if not k % 2:
            assert int(table.flat[idx]) == want_flat


def test_user_site_skips_runtime_frames() -> None:
    data = build([[1, 2], [3]], [[1, 8, 1, 8], [1, 4, 1, 4]], inline=True)
    prof = decode.parse(data, "p")
    leaf = model.aggregate(prof, 3, "leaf")
    user = model.aggregate(prof, 3, "user")
    names = lambda t: {t.sites[i].frame.function: int(t.flat[i]) for i in np.flatnonzero(t.flat)}  # noqa: E731
    assert names(leaf) == {"runtime.inlined": 12}
    assert names(user) == {"example.com/m.f1": 8, "example.com/m.f3": 4}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (gzip.compress(b""), "empty profile"),
        (gzip.compress(np.random.default_rng(0).bytes(1000))[:200], "truncated gzip"),
        (b"\x1f\x8b\x08\x00garbage-garbage", "corrupt gzip"),
        (b"hello, I am a text file\n", "not a pprof profile"),
        (b"heap profile: 1: 2 [3: 4] @ heap/1048576\n", "legacy text profile"),
        (build([], [], types=("inuse_space",)), "empty profile (no samples)"),
        (b"\x0a\x02\x08\x01", "not a pprof profile"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, capsys, data: bytes, message: str) -> None:
    path = tmp_path / "p.pb.gz"
    path.write_bytes(data)
    assert cli.main(["top", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and str(path) in err


def test_missing_file_and_directory(tmp_path, capsys) -> None:
    assert cli.main(["top", str(tmp_path / "nope")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert cli.main(["top", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_mismatched_value_count_is_rejected() -> None:
    p = Profile.FromString(build([[0]], [[1, 2, 3, 4]]))
    p.sample[0].value.append(5)
    with pytest.raises(UserError, match="5 values"):
        decode.parse(p.SerializeToString(), "p")


GOOD = gzip.decompress(gzip.compress(build([[0, 1, 2], [3], [4, 5]], [[1, 2, 3, 4]] * 3, inline=True, labels=True)))


@settings(max_examples=300, deadline=2000)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.tuples(st.integers(0, len(GOOD) - 1), st.binary(min_size=1, max_size=8)).map(
            lambda m: GOOD[: m[0]] + m[1] + GOOD[m[0] + len(m[1]) :]
        ),
        st.integers(0, len(GOOD)).map(lambda n: GOOD[:n]),
        st.integers(0, len(GOOD)).map(lambda n: gzip.compress(GOOD)[:n]),
    )
)
def test_fuzz_decoder_never_crashes(data: bytes) -> None:
    try:
        prof = decode.parse(data, "fuzz")
    except UserError as exc:
        assert "\n" not in str(exc)
        return
    # Whatever decoded must be usable.
    for mode in model.MODES:
        model.aggregate(prof, 0, mode)


def test_text_dump_parsing() -> None:
    dump = b"""panic: boom

goroutine 1 [running]:
main.main()
\t/src/main.go:10 +0x1d

goroutine 18 gp=0xc000007a40 m=nil [chan send (leaked), 12 minutes, locked to thread] {k: v}:
main.(*S).send(0xc0000a0000, {0x1, 0x2})
\t/src/main.go:20 +0x45
...additional frames elided...
created by main.start in goroutine 1
\t/src/main.go:15 +0x55
"""
    assert textdump.looks_like_dump(dump)
    prof = decode.parse(dump, "d")
    assert prof.wait_state == ["running", "chan send"]
    assert prof.leaked.tolist() == [False, True]
    assert prof.wait_minutes.tolist() == [0, 12]
    assert [f.function for f in prof.stack(1)] == ["main.(*S).send"]
    assert prof.frames[prof.created_by[1]].line == 15
    assert prof.created_by[0] == -1


def test_statistics() -> None:
    assert mann_kendall([1, 2, 3, 4, 5, 6]) == (15, pytest.approx(1 / 720))
    assert mann_kendall([5, 5, 5, 5])[1] == 1.0
    assert linfit([0, 1, 2], [1, 3, 5])[:2] == (2.0, 1.0)
    t = [0.0, 1, 2, 3, 4, 5]
    assert classify(t, [10, 20, 30, 40, 50, 60], 5)[0] == LEAKING
    assert classify(t, [60, 60, 60, 60, 60, 60], 5)[0] == STABLE
    assert classify(t, [10, 90, 10, 90, 10, 12], 5)[0] == STABLE  # churn back to baseline
    assert classify(t, [1, 2, 1, 2, 1, 2], 5)[0] == NOISE
