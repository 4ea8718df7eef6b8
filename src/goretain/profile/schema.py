"""The pprof ``profile.proto`` schema, built at runtime (no generated code to go stale).

Besides the real schema, two *views* of the same bytes are built for speed:

* ``ProfileMerged`` declares ``sample`` as a singular message.  Protobuf merges
  repeated occurrences of a singular message field, which concatenates the repeated
  fields inside it, so the upb backend hands us every sample's values (and every
  location id) as one flat container without a Python object per sample.
* ``ProfileRawSamples`` declares ``sample`` as ``repeated bytes``: the raw encoding of
  each sample, used to recover per-sample stack boundaries with vectorised code.
"""

from __future__ import annotations

import functools
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_PACKAGE = "goretain.pprof"

_F = descriptor_pb2.FieldDescriptorProto
_OPT, _REP = _F.LABEL_OPTIONAL, _F.LABEL_REPEATED
_I64, _U64, _BOOL, _STR, _BYTES, _MSG = (
    _F.TYPE_INT64,
    _F.TYPE_UINT64,
    _F.TYPE_BOOL,
    _F.TYPE_STRING,
    _F.TYPE_BYTES,
    _F.TYPE_MESSAGE,
)

# (name, number, label, type, message type name or "")
_Field = tuple[str, int, int, int, str]

_MESSAGES: dict[str, list[_Field]] = {
    "ValueType": [("type", 1, _OPT, _I64, ""), ("unit", 2, _OPT, _I64, "")],
    "Label": [
        ("key", 1, _OPT, _I64, ""),
        ("str", 2, _OPT, _I64, ""),
        ("num", 3, _OPT, _I64, ""),
        ("num_unit", 4, _OPT, _I64, ""),
    ],
    "Sample": [
        ("location_id", 1, _REP, _U64, ""),
        ("value", 2, _REP, _I64, ""),
        ("label", 3, _REP, _MSG, "Label"),
    ],
    "Mapping": [
        ("id", 1, _OPT, _U64, ""),
        ("memory_start", 2, _OPT, _U64, ""),
        ("memory_limit", 3, _OPT, _U64, ""),
        ("file_offset", 4, _OPT, _U64, ""),
        ("filename", 5, _OPT, _I64, ""),
        ("build_id", 6, _OPT, _I64, ""),
        ("has_functions", 7, _OPT, _BOOL, ""),
        ("has_filenames", 8, _OPT, _BOOL, ""),
        ("has_line_numbers", 9, _OPT, _BOOL, ""),
        ("has_inline_frames", 10, _OPT, _BOOL, ""),
    ],
    "Line": [
        ("function_id", 1, _OPT, _U64, ""),
        ("line", 2, _OPT, _I64, ""),
        ("column", 3, _OPT, _I64, ""),
    ],
    "Location": [
        ("id", 1, _OPT, _U64, ""),
        ("mapping_id", 2, _OPT, _U64, ""),
        ("address", 3, _OPT, _U64, ""),
        ("line", 4, _REP, _MSG, "Line"),
        ("is_folded", 5, _OPT, _BOOL, ""),
    ],
    "Function": [
        ("id", 1, _OPT, _U64, ""),
        ("name", 2, _OPT, _I64, ""),
        ("system_name", 3, _OPT, _I64, ""),
        ("filename", 4, _OPT, _I64, ""),
        ("start_line", 5, _OPT, _I64, ""),
    ],
}

_PROFILE_REST: list[_Field] = [
    ("mapping", 3, _REP, _MSG, "Mapping"),
    ("location", 4, _REP, _MSG, "Location"),
    ("function", 5, _REP, _MSG, "Function"),
    ("string_table", 6, _REP, _STR, ""),
    ("drop_frames", 7, _OPT, _I64, ""),
    ("keep_frames", 8, _OPT, _I64, ""),
    ("time_nanos", 9, _OPT, _I64, ""),
    ("duration_nanos", 10, _OPT, _I64, ""),
    ("period_type", 11, _OPT, _MSG, "ValueType"),
    ("period", 12, _OPT, _I64, ""),
    ("comment", 13, _REP, _I64, ""),
    ("default_sample_type", 14, _OPT, _I64, ""),
    ("doc_url", 15, _OPT, _STR, ""),
]
_SAMPLE_TYPE: _Field = ("sample_type", 1, _REP, _MSG, "ValueType")

_MESSAGES["Profile"] = [_SAMPLE_TYPE, ("sample", 2, _REP, _MSG, "Sample"), *_PROFILE_REST]
# Everything except the samples (which are skipped as bytes and never looked at).
_MESSAGES["ProfileMerged"] = [_SAMPLE_TYPE, ("sample", 2, _OPT, _MSG, "Sample"), *_PROFILE_REST]
_MESSAGES["ProfileRawSamples"] = [_SAMPLE_TYPE, ("sample", 2, _REP, _BYTES, ""), *_PROFILE_REST]


def _add_message(fdp: descriptor_pb2.FileDescriptorProto, name: str, fields: list[_Field]) -> None:
    msg = fdp.message_type.add(name=name)
    for fname, number, label, ftype, type_name in fields:
        f = msg.field.add(name=fname, number=number, label=label, type=ftype)
        if type_name:
            f.type_name = f".{_PACKAGE}.{type_name}"


@functools.lru_cache(maxsize=1)
def _pool() -> descriptor_pool.DescriptorPool:
    fdp = descriptor_pb2.FileDescriptorProto(
        name="goretain_pprof_profile.proto", package=_PACKAGE, syntax="proto3"
    )
    for name, fields in _MESSAGES.items():
        _add_message(fdp, name, fields)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return pool


def message_class(name: str) -> Any:
    """The message class for ``name`` (Profile, ProfileMerged, ProfileRawSamples, ...)."""
    return message_factory.GetMessageClass(_pool().FindMessageTypeByName(f"{_PACKAGE}.{name}"))
