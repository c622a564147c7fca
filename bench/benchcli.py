"""The command line the bench scripts share: option types that refuse bad values, and one-line errors.

A bench script runs as ``python bench/bench_x.py``, so this folder is on ``sys.path``::

    from benchcli import guard, positive_int
    p.add_argument("--files", type=positive_int, default=120, help="generated files (default %(default)s)")
    # (the script's other options)
    if __name__ == "__main__":
        guard(main)

A bad value stops argparse with its usage and one error line (exit 2); a CodepiiError,
a file the system refuses (a missing input, an unwritable output) or a failed step
(a subprocess, which printed its own error) prints one line and exits 2, as the
``codepii`` commands do. (Not ``bench_*.py``: ``make bench`` runs those.)
"""
from __future__ import annotations

import argparse
import functools
import os
import subprocess
from typing import Callable

def _number(kind: type, minimum: float, strict: bool, what: str) -> Callable[[str], float]:
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if value < minimum or (strict and value == minimum):
            raise argparse.ArgumentTypeError(f"{text} is not {what}")
        return value

    parse.__name__ = what
    return parse


positive_int = _number(int, 1, False, "a whole number of at least 1")
nonneg_int = _number(int, 0, False, "a whole number of at least 0")
positive_float = _number(float, 0.0, True, "a number above 0")
nonneg_float = _number(float, 0.0, False, "a number of at least 0")


def fraction(text: str) -> float:
    """A share between 0 and 1."""
    value = nonneg_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return value


def existing_file(text: str) -> str:
    if not os.path.isfile(os.path.expanduser(text)):
        raise argparse.ArgumentTypeError(f"{text}: no such file")
    return text


def existing_dir(text: str) -> str:
    if not os.path.isdir(os.path.expanduser(text)):
        raise argparse.ArgumentTypeError(f"{text}: no such folder")
    return text


def comma_list(item: Callable[[str], object] | None = None, choices=None) -> Callable[[str], list]:
    """``a,b,c`` as a list; each item parsed by ``item`` and, with ``choices``, one of them."""

    def parse(text: str) -> list:
        items = [t.strip() for t in text.split(",") if t.strip()]
        if not items:
            raise argparse.ArgumentTypeError(f"{text!r}: give at least one comma-separated value")
        for t in items:
            if choices is not None and t not in choices:
                raise argparse.ArgumentTypeError(f"{t!r} is not one of {', '.join(choices)}")
        return [item(t) for t in items] if item else items

    parse.__name__ = "comma-separated list"
    return parse


def guard(main: Callable[[], object]) -> None:
    """Run ``main`` as the ``codepii`` commands run theirs (``exit_on_user_error``: a CodepiiError is one
    line and exit 2); a file the system refuses (a missing input, an unwritable output) or a failed
    subprocess (which printed its own error) counts as a user error too."""
    from codepii.errors import exit_on_user_error

    @exit_on_user_error
    @functools.wraps(main)  # its __module__ (__main__) makes the script's name the error's prefix
    def run():
        from codepii.errors import CodepiiError

        try:
            return main()
        except OSError as exc:
            if exc.filename is None:
                raise
            raise CodepiiError(f"{exc.filename}: {exc.strerror}") from None
        except subprocess.CalledProcessError as exc:
            raise CodepiiError(f"{' '.join(map(str, exc.cmd))} exited {exc.returncode}") from None

    code = run()
    raise SystemExit(code if isinstance(code, int) else 0)
