"""The crowd stage: chunk files into tasks, simulate or import crowd work, aggregate to gold.

Modules: ``chunk`` (50-line chunks with exact offsets, stitching back),
``results`` (labelings, votes, skills: formats and readers), ``labelstudio``
(Label Studio tasks, labeling configs, export import), ``checks`` (the
bad-input policy), ``vote`` (crowd-kit acceptance of labelings),
``aggregate`` (consensus, project merge with AMBIGUOUS, gold records),
``simulate`` (a crowd with known truth). Heavy imports stay inside functions.
"""
