"""The local seqeval ``evaluate`` module; load it with ``codepii.metrics.load_seqeval()``."""
import os

# evaluate.load() takes the directory; the module file inside has the directory's name.
METRIC_DIR = os.path.dirname(os.path.abspath(__file__))
