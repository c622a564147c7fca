"""codepii.io.arrow_columns: the masked text, pii and filter arrays equal what pa.array builds."""
from __future__ import annotations

import random
import subprocess
import sys

import pyarrow as pa
import pytest

from codepii.io.arrow_columns import bool_array, entries_array, string_array
from codepii.io.shard_writers import pii_type

WORDS = ["", "a", "é", "日本語", "🙂 <EMAIL>", "x" * 300, "line\r\nbreak", "\x00nul"]


def random_entry(rng: random.Random, with_hash: bool) -> dict:
    entry = {"start": rng.randrange(10**6), "end": rng.randrange(2**40), "category": rng.choice(["EMAIL", "KEY", "é"]),
             "score": rng.choice([None, 0.0, 1.0, rng.random()])}
    if with_hash:
        entry["value_hash"] = rng.choice(["", "ab" * 32])
    return entry


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("with_hash", [False, True])
def test_entries_equal_pa_array(seed, with_hash):
    rng = random.Random(seed)
    rows = [[random_entry(rng, with_hash) for _ in range(rng.choice([0, 0, 1, 3, 9]))] for _ in range(rng.randrange(0, 40))]
    tp = pii_type(with_hash)
    built = entries_array(rows, tp)
    built.validate(full=True)
    assert built.equals(pa.array(rows, type=tp)) and built.to_pylist() == pa.array(rows, type=tp).to_pylist()


@pytest.mark.parametrize("tp", [pa.string(), pa.large_string()])
def test_strings_equal_pa_array(tp):
    rng = random.Random(7)
    for n in (0, 1, 8, 9, 100):
        values = [rng.choice(WORDS + [None]) for _ in range(n)]
        built = string_array(values, tp)
        built.validate(full=True)
        assert built.type == tp and built.equals(pa.array(values, type=tp)), values


def test_bools_equal_pa_array():
    for flags in ([], [True], [False], [True, False] * 9, [False] * 17):
        built = bool_array(flags)
        built.validate(full=True)
        assert built.equals(pa.array(flags, pa.bool_()))


def test_masking_parquet_does_not_import_pandas(tmp_path):
    """pa.array would import pandas (~0.2 s) in every process that writes a shard: each worker of a run."""
    import pyarrow.parquet as pq

    (tmp_path / "in").mkdir()
    texts = ["mail jane.roe@corp.example.io from 10.1.2.3", "nothing", None]
    pq.write_table(pa.table({"id": ["a", "b", "c"], "content": texts}), tmp_path / "in" / "a.parquet")
    code = (
        "import sys\n"
        "from codepii.config import load_config\n"
        "from codepii.mask.config import MaskConfig\n"
        "from codepii.mask.executor import LocalExecutor\n"
        f"cfg = load_config(MaskConfig, None, ['input={tmp_path / 'in'}', 'output={tmp_path / 'out'}'])\n"
        "assert LocalExecutor(cfg).run().totals()['rows_out'] == 2\n"
        "print('pandas' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"
