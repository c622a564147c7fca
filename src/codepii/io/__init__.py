"""Every reader and writer of the project (DESIGN.md, "Layout"; STYLE.md, rule 14).

- ``paths``: format detection, path/glob/directory/URL expansion, the fsspec helper, checksums;
- ``jsonl``: the one JSONL parser, with per-line errors (line, byte offset, reason; never the text);
- ``parquet``, ``hf``, ``readers``: streaming readers of every format, column checks;
- ``atomic``: temp name in the target directory -> fsync -> rename (copy+delete on object stores);
- ``writers``: record writers (JSONL, .gz, .zst, Parquet with an explicit or all-rows schema, HF);
- ``gold``: gold/prediction records from ours or the BigCode layouts;
- ``shards``, ``shard_writers``: the masking engine's shard readers and writers.

Importing it is cheap: pyarrow, fsspec and datasets are imported by the functions that use them.
"""
from .atomic import AtomicFile, atomic_move, atomic_open, remove, remove_stale_temps, temp_name, write_json, write_text
from .gold import CATEGORY_ALIASES, normalize_gold, read_gold, record_spans
from .hf import iter_hf_batches
from .jsonl import DEFAULT_BATCH_ROWS, BadLine, iter_jsonl_batches, iter_jsonl_lines
from .parquet import iter_parquet_batches, read_parquet_schema
from .paths import (FORMATS, detect_format, expand_paths, is_hf_dataset_dir, is_url, join, refuse_overwriting_inputs,
                    sha256_of, url_fs)
from .readers import (iter_batches, iter_file_batches, iter_records, read_records, require_columns,
                      require_shard_columns, shard_columns)
from .writers import JsonlWriter, ParquetWriter, RecordWriter, entities_type, open_writer, write_records

__all__ = [
    "AtomicFile", "BadLine", "CATEGORY_ALIASES", "DEFAULT_BATCH_ROWS", "FORMATS", "JsonlWriter", "ParquetWriter",
    "RecordWriter", "atomic_move", "atomic_open", "detect_format", "entities_type", "expand_paths",
    "is_hf_dataset_dir", "is_url", "iter_batches", "iter_file_batches", "iter_hf_batches", "iter_jsonl_batches",
    "iter_jsonl_lines", "iter_parquet_batches", "iter_records", "join", "normalize_gold", "open_writer",
    "read_gold", "read_parquet_schema", "read_records", "record_spans", "refuse_overwriting_inputs", "remove",
    "remove_stale_temps",
    "require_columns", "require_shard_columns", "sha256_of", "shard_columns", "temp_name", "url_fs",
    "write_json", "write_records", "write_text",
]
