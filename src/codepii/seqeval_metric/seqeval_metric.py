"""Entity-level seqeval as a local ``evaluate`` metric, loadable offline by path.

``evaluate.load("seqeval")`` fetches a hub module and fails offline (NOTES.md),
so codepii ships this one and loads it with ``evaluate.load(<this dir>)``.
evaluate copies this file into its module cache and scans its import lines:
keep one import per line and import nothing from codepii here.
"""
import datasets
import evaluate
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

_DESCRIPTION = "Entity-level precision, recall and F1 per class and micro-averaged (seqeval, IOB2, strict)."
_KWARGS = """
Args:
    predictions: list of tag sequences (one per example), e.g. [["O", "B-EMAIL", "I-EMAIL"]].
    references: list of gold tag sequences of the same lengths.
    mode: "strict" (default; exact IOB2 chunks) or "default" (seqeval's lenient conlleval mode).
    zero_division: value of a metric whose denominator is zero (default 0).
Returns:
    {CLASS: {"precision", "recall", "f1", "support"}, ..., "micro": {...}}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class SeqevalMetric(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="seqeval: https://github.com/chakki-works/seqeval",
            inputs_description=_KWARGS,
            features=datasets.Features(
                {
                    "predictions": datasets.Sequence(datasets.Value("string", id="label"), id="sequence"),
                    "references": datasets.Sequence(datasets.Value("string", id="label"), id="sequence"),
                }
            ),
        )

    def _compute(self, predictions, references, mode="strict", zero_division=0):
        strict = mode == "strict"
        report = classification_report(
            y_true=references,
            y_pred=predictions,
            output_dict=True,
            mode="strict" if strict else None,
            scheme=IOB2 if strict else None,
            zero_division=zero_division,
        )
        out = {}
        for name, row in report.items():
            key = "micro" if name == "micro avg" else name
            if name in ("macro avg", "weighted avg"):
                continue
            out[key] = {
                "precision": float(row["precision"]),
                "recall": float(row["recall"]),
                "f1": float(row["f1-score"]),
                "support": int(row["support"]),
            }
        return out
