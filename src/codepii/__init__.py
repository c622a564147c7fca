"""codepii: detect and mask personal data in source code.

Importing the package is cheap: torch, transformers and ray are imported by
the functions that need them.
"""
__version__ = "0.1.0"
