"""The real-code corpus: release archives pinned by a manifest, and weak labels from what packages declare.

``fetch`` downloads and reads archives (never a reserved package, never a
vendored copy of one), ``declared`` and ``people`` find the people a package
declares, ``weak_label`` labels their occurrences. See docs/corpus.md.
"""
