"""The masking pipeline: readers, detectors, a replacer, writers and the shard executor."""
