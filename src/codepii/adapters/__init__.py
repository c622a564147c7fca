"""Adapters of ``codepii.Masker`` to pipeline frameworks: ``datatrove`` (a PipelineStep) and ``ray_data``
(a ``map_batches`` actor class). Each imports its framework; ``datasets.map`` takes a Masker as it is."""
