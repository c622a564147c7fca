"""The Arrow arrays masking writes (the masked text, the pii entries, a row filter), laid out from buffers.

``pa.array`` over Python objects first asks pandas whether they are pandas objects, and so imports it:
~0.2 s once in every process that writes a shard, which a ``workers=N`` run pays per worker and a small
run notices. These arrays are simple enough to lay out directly: UTF-8 bytes and offsets, a values
buffer per field, a validity bitmap where a value is null. They equal what ``pa.array`` builds
(tests/unit/test_io_arrow_columns.py compares them on random rows).
"""
from __future__ import annotations

from array import array
from itertools import accumulate
from typing import Any, Mapping, Sequence

_INT32, _INT64 = "i", "q"  # C int and long long: 4 and 8 bytes on every platform pyarrow ships for
assert array(_INT32).itemsize == 4 and array(_INT64).itemsize == 8


def _bitmap(flags: Sequence[bool]):
    """(validity/bool bitmap buffer, count of False), least significant bit first."""
    import pyarrow as pa

    bits = int("".join("1" if flag else "0" for flag in reversed(flags)) or "0", 2)  # linear in len(flags)
    return pa.py_buffer(bits.to_bytes((len(flags) + 7) // 8 or 1, "little")), len(flags) - bin(bits).count("1")


def bool_array(flags: Sequence[bool]):
    import pyarrow as pa

    return pa.Array.from_buffers(pa.bool_(), len(flags), [None, _bitmap(flags)[0]])


def string_array(values: Sequence[str | None], type):
    """A string or large_string array of ``values`` (None: null)."""
    import pyarrow as pa

    data = [b"" if v is None else v.encode("utf-8") for v in values]
    code = _INT64 if pa.types.is_large_string(type) else _INT32
    try:
        offsets = array(code, accumulate(map(len, data), initial=0))
    except OverflowError:  # over 2 GiB in one string batch: Arrow's own conversion says what it can do
        return pa.array(values, type=type)
    validity, nulls = _validity(values)
    return pa.Array.from_buffers(type, len(values), [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))],
                                 null_count=nulls)


def _validity(values: Sequence[Any]):
    if all(v is not None for v in values):
        return None, 0
    return _bitmap([v is not None for v in values])


def _number_array(values: Sequence[int | float | None], type, code: str):
    import pyarrow as pa

    validity, nulls = _validity(values)
    data = array(code, (0 if v is None else v for v in values))
    return pa.Array.from_buffers(type, len(values), [validity, pa.py_buffer(data)], null_count=nulls)


def _field_array(values: Sequence[Any], type):
    import pyarrow as pa

    if pa.types.is_int64(type):
        return _number_array(values, type, _INT64)
    if pa.types.is_float64(type):
        return _number_array(values, type, "d")
    if pa.types.is_string(type) or pa.types.is_large_string(type):
        return string_array(values, type)
    return pa.array(values, type=type)  # a type the pii entries do not use today


def entries_array(rows: Sequence[Sequence[Mapping[str, Any]]], type):
    """A list<struct> array (the pii column): one list of entry dicts per row; a key an entry lacks is null."""
    import pyarrow as pa

    entries = [e for row in rows for e in row]
    struct = type.value_type
    children = [_field_array([e.get(f.name) for e in entries], f.type) for f in struct]
    values = pa.StructArray.from_arrays(children, fields=list(struct))
    offsets = array(_INT32, accumulate(map(len, rows), initial=0))
    offsets = pa.Array.from_buffers(pa.int32(), len(rows) + 1, [None, pa.py_buffer(offsets)])
    return pa.ListArray.from_arrays(offsets, values, type=type)
