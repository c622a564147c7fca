"""codepii: detect and mask personal data in source code.

Importing the package is cheap: torch, transformers and ray are imported by
the functions that need them, and ``codepii.Masker`` (``codepii/api.py``,
docs/api.md) is loaded on first access.
"""
__version__ = "0.1.0"
__all__ = ["Masker", "__version__"]


def __getattr__(name: str):
    if name == "Masker":
        from .api import Masker

        return Masker
    raise AttributeError(f"module 'codepii' has no attribute {name!r}")
