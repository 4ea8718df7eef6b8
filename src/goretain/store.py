"""SQLite store for live snapshots: targets, series (one per process), profiles.

Layout (WAL mode; one transaction per scrape round, so a crash loses at most the
round in flight):

* ``targets`` — one row per watched service (name, URL);
* ``series`` — one per process of a target; a restart starts a new series;
  ``mark`` (JSON) is what we last saw of the process (cmdline, binary, counters);
* ``snapshots`` — one per scrape round: our clock, memstats from /debug/vars;
* ``profiles`` — one per (snapshot, kind): the samples as stack ids and values
  (the parsed series) and the raw profile bytes, both compressed;
* ``strings``, ``frames``, ``stacks``, ``metas`` — interned across all snapshots, so
  a stack or a function name is stored once however often it is scraped;
* ``events`` — problems seen while scraping (down, HTTP 404/500, hang, garbage).

Blobs are zlib streams. Consecutive profiles of one kind are nearly identical, so a
blob may be compressed with an earlier *key* blob of the same series and kind as the
preset dictionary (``*_base`` names that profile; keys have no base): the chain is at
most one deep, so any profile decodes from two rows.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from goretain.errors import UserError
from goretain.profile.types import Frame, Mapping, Profile

SCHEMA_VERSION = 1
_ZDICT = 32768  # zlib's window: only the last 32 KiB of a preset dictionary count
_REKEY_RATIO = 0.5  # start a new key when a delta is more than half a standalone blob
_REKEY_EVERY = 360

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS targets(
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, url TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS series(
    id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL REFERENCES targets(id),
    started_ns INTEGER NOT NULL, reason TEXT NOT NULL, mark TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS series_target ON series(target_id, id);
CREATE TABLE IF NOT EXISTS snapshots(
    id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL REFERENCES series(id),
    time_ns INTEGER NOT NULL, memstats TEXT);
CREATE INDEX IF NOT EXISTS snapshots_series ON snapshots(series_id, time_ns);
CREATE TABLE IF NOT EXISTS strings(id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS frames(
    id INTEGER PRIMARY KEY, func INTEGER NOT NULL, file INTEGER NOT NULL, line INTEGER NOT NULL,
    UNIQUE(func, file, line));
CREATE TABLE IF NOT EXISTS stacks(id INTEGER PRIMARY KEY, frames BLOB NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS metas(id INTEGER PRIMARY KEY, json TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS profiles(
    id INTEGER PRIMARY KEY, snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    kind TEXT NOT NULL, profile_time_ns INTEGER NOT NULL, meta_id INTEGER NOT NULL,
    n INTEGER NOT NULL, total INTEGER NOT NULL,
    samples BLOB NOT NULL, samples_base INTEGER,
    raw BLOB, raw_base INTEGER, raw_len INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS profiles_snapshot ON profiles(snapshot_id, kind);
CREATE TABLE IF NOT EXISTS events(
    id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
    endpoint TEXT NOT NULL, problem TEXT NOT NULL, message TEXT NOT NULL);
"""


@dataclass
class SeriesInfo:
    id: int
    target: str
    url: str
    started_ns: int
    reason: str
    mark: dict[str, Any]
    snapshots: int = 0
    first_ns: int = 0
    last_ns: int = 0


@dataclass
class StoredProfile:
    """One stored profile (for export): its raw bytes are fetched on demand."""

    id: int
    snapshot_id: int
    kind: str
    time_ns: int


class _Keys:
    """Per (series, kind, column): the current key blob used as a zlib dictionary."""

    def __init__(self) -> None:
        self._keys: dict[tuple[int, str, str], tuple[int, bytes, int]] = {}

    def get(self, k: tuple[int, str, str]) -> tuple[int, bytes, int] | None:
        return self._keys.get(k)

    def set(self, k: tuple[int, str, str], pid: int, data: bytes) -> None:
        self._keys[k] = (pid, data[-_ZDICT:], 0)

    def bump(self, k: tuple[int, str, str]) -> None:
        pid, data, n = self._keys[k]
        self._keys[k] = (pid, data, n + 1)

    def clear(self) -> None:
        self._keys.clear()


def _compress(data: bytes, zdict: bytes | None = None) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, zdict) if zdict else zlib.compressobj(9)
    return c.compress(data) + c.flush()


def _decompress(blob: bytes, zdict: bytes | None = None) -> bytes:
    d = zlib.decompressobj(15, zdict) if zdict else zlib.decompressobj()
    return d.decompress(blob) + d.flush()


def _pack_samples(stack_ids: np.ndarray, values: np.ndarray) -> bytes:
    n, k = values.shape
    head = np.asarray([n, k], dtype="<i8").tobytes()
    return head + stack_ids.astype("<i4").tobytes() + values.astype("<i8").tobytes()


def _unpack_samples(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    n, k = np.frombuffer(data[:16], dtype="<i8").tolist()
    ids = np.frombuffer(data[16 : 16 + 4 * n], dtype="<i4").astype(np.int64)
    vals = np.frombuffer(data[16 + 4 * n : 16 + 4 * n + 8 * n * k], dtype="<i8").reshape(n, k).astype(np.int64)
    return ids, vals


class Store:
    """A goretain store; thread-safe (one connection, one lock)."""

    def __init__(self, path: str, readonly: bool = False) -> None:
        self.path = path
        if readonly and not os.path.exists(path):
            raise UserError(f"{path}: no such store")
        try:
            # Readers open read-write too: after a crash, the first connection
            # replays the write-ahead log, which a read-only one cannot do.
            self.db = sqlite3.connect(path, check_same_thread=False, timeout=10)
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                with self.db:
                    self.db.executescript(_SCHEMA)
                    self.db.execute(
                        "INSERT OR IGNORE INTO meta(key, value) VALUES('schema', ?)", (str(SCHEMA_VERSION),)
                    )
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                raise UserError(f"{path}: not a goretain store (no tables)") from None
            raise UserError(f"{path}: cannot open store ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{path}: not a goretain store ({exc})") from None
        if row is None or int(row[0]) != SCHEMA_VERSION:
            raise UserError(f"{path}: store schema {row[0] if row else '?'} is not {SCHEMA_VERSION}")
        self.lock = threading.RLock()
        self._strings: dict[str, int] = {}
        self._frames: dict[Frame, int] = {}
        self._stacks: dict[bytes, int] = {}
        self._keys = _Keys()
        # Read side caches.
        self._frame_by_id: dict[int, Frame] = {}
        self._stack_by_id: dict[int, np.ndarray] = {}

    def close(self) -> None:
        with self.lock, contextlib.suppress(sqlite3.Error):
            self.db.close()

    # ---- targets and series --------------------------------------------

    def target_id(self, name: str, url: str) -> int:
        with self.lock, self.db:
            self.db.execute("INSERT OR IGNORE INTO targets(name, url) VALUES(?, ?)", (name, url))
            self.db.execute("UPDATE targets SET url=? WHERE name=?", (url, name))
            return int(self.db.execute("SELECT id FROM targets WHERE name=?", (name,)).fetchone()[0])

    def targets(self) -> list[tuple[str, str]]:
        with self.lock:
            return [(r[0], r[1]) for r in self.db.execute("SELECT name, url FROM targets ORDER BY name")]

    def latest_series(self, target_id: int) -> SeriesInfo | None:
        with self.lock:
            row = self.db.execute(
                "SELECT s.id FROM series s WHERE s.target_id=? ORDER BY s.id DESC LIMIT 1", (target_id,)
            ).fetchone()
        return self.series_info(int(row[0])) if row else None

    def new_series(self, target_id: int, started_ns: int, reason: str, mark: dict[str, Any]) -> int:
        with self.lock, self.db:
            cur = self.db.execute(
                "INSERT INTO series(target_id, started_ns, reason, mark) VALUES(?, ?, ?, ?)",
                (target_id, started_ns, reason, json.dumps(mark, sort_keys=True)),
            )
            return int(cur.lastrowid or 0)

    def series_info(self, series_id: int) -> SeriesInfo:
        with self.lock:
            r = self.db.execute(
                "SELECT s.id, t.name, t.url, s.started_ns, s.reason, s.mark FROM series s "
                "JOIN targets t ON t.id = s.target_id WHERE s.id=?", (series_id,),
            ).fetchone()
            c = self.db.execute(
                "SELECT count(*), min(time_ns), max(time_ns) FROM snapshots WHERE series_id=?", (series_id,)
            ).fetchone()
        return SeriesInfo(int(r[0]), r[1], r[2], int(r[3]), r[4], json.loads(r[5]), int(c[0]), int(c[1] or 0), int(c[2] or 0))

    def series_of(self, target: str) -> list[SeriesInfo]:
        with self.lock:
            ids = [
                int(r[0]) for r in self.db.execute(
                    "SELECT s.id FROM series s JOIN targets t ON t.id=s.target_id WHERE t.name=? ORDER BY s.id",
                    (target,),
                )
            ]
        return [self.series_info(i) for i in ids]

    # ---- writing ---------------------------------------------------------

    def add_snapshot(
        self,
        series_id: int,
        time_ns: int,
        profiles: Sequence[tuple[Profile, bytes]],
        memstats: dict[str, Any] | None = None,
        mark: dict[str, Any] | None = None,
    ) -> int:
        """Store one scrape round atomically; returns the snapshot id."""
        with self.lock:
            try:
                with self.db:
                    cur = self.db.execute(
                        "INSERT INTO snapshots(series_id, time_ns, memstats) VALUES(?, ?, ?)",
                        (series_id, time_ns, json.dumps(memstats, sort_keys=True) if memstats else None),
                    )
                    sid = int(cur.lastrowid or 0)
                    for prof, raw in profiles:
                        self._add_profile(series_id, sid, prof, raw)
                    if mark is not None:
                        self.db.execute(
                            "UPDATE series SET mark=? WHERE id=?", (json.dumps(mark, sort_keys=True), series_id)
                        )
                    return sid
            except BaseException:
                # The interning caches may name rows that were rolled back.
                self._strings.clear()
                self._frames.clear()
                self._stacks.clear()
                self._keys.clear()
                raise

    def add_event(self, target_id: int, time_ns: int, endpoint: str, problem: str, message: str) -> None:
        with self.lock, self.db:
            self.db.execute(
                "INSERT INTO events(target_id, time_ns, endpoint, problem, message) VALUES(?, ?, ?, ?, ?)",
                (target_id, time_ns, endpoint, problem, message),
            )

    def problem_counts(self, target_id: int, since_ns: int = 0, until_ns: int | None = None) -> list[tuple[str, str, int, str]]:
        """(endpoint, problem, count, last message) of the events in a time range."""
        with self.lock:
            return [
                (r[0], r[1], int(r[2]), r[3])
                for r in self.db.execute(
                    "SELECT endpoint, problem, count(*), max(message) FROM events WHERE target_id=? "
                    "AND time_ns>=? AND time_ns<=? GROUP BY endpoint, problem ORDER BY count(*) DESC, endpoint",
                    (target_id, since_ns, until_ns if until_ns is not None else 1 << 62),
                )
            ]

    def target_row(self, name: str) -> tuple[int, str] | None:
        with self.lock:
            r = self.db.execute("SELECT id, url FROM targets WHERE name=?", (name,)).fetchone()
        return (int(r[0]), r[1]) if r else None

    def _string(self, s: str) -> int:
        i = self._strings.get(s)
        if i is None:
            self.db.execute("INSERT OR IGNORE INTO strings(s) VALUES(?)", (s,))
            i = self._strings[s] = int(self.db.execute("SELECT id FROM strings WHERE s=?", (s,)).fetchone()[0])
        return i

    def _frame(self, f: Frame) -> int:
        i = self._frames.get(f)
        if i is None:
            key = (self._string(f.function), self._string(f.file), f.line)
            self.db.execute("INSERT OR IGNORE INTO frames(func, file, line) VALUES(?, ?, ?)", key)
            i = self._frames[f] = int(
                self.db.execute("SELECT id FROM frames WHERE func=? AND file=? AND line=?", key).fetchone()[0]
            )
        return i

    def _stack(self, frame_ids: np.ndarray) -> int:
        blob = frame_ids.astype("<i4").tobytes()
        i = self._stacks.get(blob)
        if i is None:
            self.db.execute("INSERT OR IGNORE INTO stacks(frames) VALUES(?)", (blob,))
            i = self._stacks[blob] = int(self.db.execute("SELECT id FROM stacks WHERE frames=?", (blob,)).fetchone()[0])
        return i

    def _meta(self, prof: Profile) -> int:
        main = prof.main_binary()
        doc = {
            "sample_types": prof.sample_types,
            "default": prof.default_sample_type,
            "period_type": prof.period_type,
            "period": prof.period,
            "binary": [main.filename, main.build_id] if main else None,
        }
        text = json.dumps(doc, sort_keys=True)
        self.db.execute("INSERT OR IGNORE INTO metas(json) VALUES(?)", (text,))
        return int(self.db.execute("SELECT id FROM metas WHERE json=?", (text,)).fetchone()[0])

    def _blob(self, series_id: int, kind: str, column: str, data: bytes) -> tuple[bytes, int | None, bool]:
        """(compressed, base profile id or None, is a new key)."""
        k = (series_id, kind, column)
        plain = _compress(data)
        key = self._keys.get(k)
        if key is not None and key[2] < _REKEY_EVERY:
            delta = _compress(data, key[1])
            if len(delta) <= _REKEY_RATIO * len(plain):
                self._keys.bump(k)
                return delta, key[0], False
        return plain, None, True

    def _add_profile(self, series_id: int, snapshot_id: int, prof: Profile, raw: bytes) -> None:
        fids = np.fromiter((self._frame(f) for f in prof.frames), dtype=np.int64, count=len(prof.frames))
        offs = prof.stack_offsets
        stack_ids = np.empty(prof.n_samples, dtype=np.int64)
        for i in range(prof.n_samples):
            stack_ids[i] = self._stack(fids[prof.stack_frames[offs[i] : offs[i + 1]]])
        samples = _pack_samples(stack_ids, prof.values)
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        s_blob, s_base, s_key = self._blob(series_id, prof.kind, "samples", samples)
        r_blob, r_base, r_key = self._blob(series_id, prof.kind, "raw", raw)
        total = int(prof.values[:, prof.type_index(None)].sum()) if prof.n_samples else 0
        cur = self.db.execute(
            "INSERT INTO profiles(snapshot_id, kind, profile_time_ns, meta_id, n, total, samples, "
            "samples_base, raw, raw_base, raw_len) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (snapshot_id, prof.kind, prof.time_nanos, self._meta(prof), prof.n_samples, total,
             s_blob, s_base, r_blob, r_base, len(raw)),
        )
        pid = int(cur.lastrowid or 0)
        if s_key:
            self._keys.set((series_id, prof.kind, "samples"), pid, samples)
        if r_key:
            self._keys.set((series_id, prof.kind, "raw"), pid, raw)

    # ---- reading ---------------------------------------------------------

    def _plain(self, column: str, pid: int) -> bytes:
        row = self.db.execute(f"SELECT {column}, {column}_base FROM profiles WHERE id=?", (pid,)).fetchone()
        blob, base = row
        if base is None:
            return _decompress(blob)
        key = self.db.execute(f"SELECT {column} FROM profiles WHERE id=?", (base,)).fetchone()[0]
        return _decompress(blob, _decompress(key)[-_ZDICT:])

    def raw(self, profile_id: int) -> bytes:
        """The profile as scraped, gzip-compressed (readable by go tool pprof)."""
        with self.lock:
            return gzip.compress(self._plain("raw", profile_id), mtime=0)

    def _frames_for(self, ids: Sequence[int]) -> None:
        need = [i for i in ids if i not in self._frame_by_id]
        for a in range(0, len(need), 500):
            chunk = need[a : a + 500]
            q = ",".join("?" * len(chunk))
            for fid, fn, file, line in self.db.execute(
                f"SELECT f.id, a.s, b.s, f.line FROM frames f JOIN strings a ON a.id=f.func "
                f"JOIN strings b ON b.id=f.file WHERE f.id IN ({q})", chunk,
            ):
                self._frame_by_id[int(fid)] = Frame(fn, file, int(line))

    def _stacks_for(self, ids: Sequence[int]) -> None:
        need = [i for i in ids if i not in self._stack_by_id]
        for a in range(0, len(need), 500):
            chunk = need[a : a + 500]
            q = ",".join("?" * len(chunk))
            for sid, blob in self.db.execute(f"SELECT id, frames FROM stacks WHERE id IN ({q})", chunk):
                self._stack_by_id[int(sid)] = np.frombuffer(blob, dtype="<i4").astype(np.int64)

    def snapshots(self, series_id: int, since_ns: int = 0) -> list[tuple[int, int, dict[str, Any] | None]]:
        """(snapshot id, time, memstats) of a series, oldest first."""
        with self.lock:
            return [
                (int(r[0]), int(r[1]), json.loads(r[2]) if r[2] else None)
                for r in self.db.execute(
                    "SELECT id, time_ns, memstats FROM snapshots WHERE series_id=? AND time_ns>=? ORDER BY time_ns, id",
                    (series_id, since_ns),
                )
            ]

    def profile_rows(self, series_id: int, kind: str, since_ns: int = 0) -> list[StoredProfile]:
        with self.lock:
            return [
                StoredProfile(int(r[0]), int(r[1]), kind, int(r[2]))
                for r in self.db.execute(
                    "SELECT p.id, p.snapshot_id, s.time_ns FROM profiles p JOIN snapshots s ON s.id=p.snapshot_id "
                    "WHERE s.series_id=? AND p.kind=? AND s.time_ns>=? ORDER BY s.time_ns, s.id",
                    (series_id, kind, since_ns),
                )
            ]

    def load(self, rows: Sequence[StoredProfile], source: str = "") -> list[Profile]:
        """Rebuild Profiles from stored samples; time_nanos is the scrape time."""
        with self.lock:
            decoded = []
            for r in rows:
                meta_id = self.db.execute("SELECT meta_id FROM profiles WHERE id=?", (r.id,)).fetchone()[0]
                meta = json.loads(self.db.execute("SELECT json FROM metas WHERE id=?", (meta_id,)).fetchone()[0])
                ids, vals = _unpack_samples(self._plain("samples", r.id))
                decoded.append((r, meta, ids, vals))
            self._stacks_for(sorted({int(i) for _, _, ids, _ in decoded for i in ids.tolist()}))
            self._frames_for(sorted({int(f) for _, _, ids, _ in decoded for i in ids.tolist() for f in self._stack_by_id[i].tolist()}))
        return [self._profile(r, meta, ids, vals, source) for r, meta, ids, vals in decoded]

    def _profile(self, r: StoredProfile, meta: dict[str, Any], ids: np.ndarray, vals: np.ndarray, source: str) -> Profile:
        local: dict[int, int] = {}
        frames: list[Frame] = []
        parts = []
        offsets = [0]
        for sid in ids.tolist():
            st = self._stack_by_id[sid]
            loc = []
            for f in st.tolist():
                j = local.get(f)
                if j is None:
                    j = local[f] = len(frames)
                    frames.append(self._frame_by_id[f])
                loc.append(j)
            parts.append(np.asarray(loc, dtype=np.int32))
            offsets.append(offsets[-1] + len(loc))
        binary = meta.get("binary")
        return Profile(
            source=f"{source}#{r.snapshot_id}" if source else f"snapshot {r.snapshot_id}",
            kind=r.kind,
            sample_types=[tuple(t) for t in meta["sample_types"]],  # type: ignore[misc]
            frames=frames,
            stack_offsets=np.asarray(offsets, dtype=np.int64),
            stack_frames=np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32),
            values=vals,
            default_sample_type=meta.get("default") or "",
            period_type=tuple(meta["period_type"]) if meta.get("period_type") else None,  # type: ignore[arg-type]
            period=int(meta.get("period") or 0),
            time_nanos=r.time_ns,
            mappings=[Mapping(1, 0, 0, 0, binary[0], binary[1])] if binary else [],
        )

    def stats(self) -> dict[str, int]:
        with self.lock:
            out = {}
            for table in ("targets", "series", "snapshots", "profiles", "strings", "frames", "stacks", "events"):
                out[table] = int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            out["raw_bytes"] = int(self.db.execute("SELECT coalesce(sum(raw_len), 0) FROM profiles").fetchone()[0])
            out["stored_raw_bytes"] = int(self.db.execute("SELECT coalesce(sum(length(raw)), 0) FROM profiles").fetchone()[0])
            out["stored_sample_bytes"] = int(self.db.execute("SELECT coalesce(sum(length(samples)), 0) FROM profiles").fetchone()[0])
            return out


@contextlib.contextmanager
def open_store(path: str, readonly: bool = False) -> Iterator[Store]:
    s = Store(path, readonly)
    try:
        yield s
    finally:
        s.close()

