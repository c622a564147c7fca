"""User-facing errors: one line, the file/row/key, and the fix; exit code 2."""
from __future__ import annotations

import functools
import logging
import os
import sys
from typing import Callable, TypeVar

EXIT_USER_ERROR = 2
log = logging.getLogger("codepii")

F = TypeVar("F", bound=Callable[..., object])


class CodepiiError(Exception):
    """A problem with the user's input or environment, reported without a traceback."""


class RecordError(CodepiiError):
    """A record file is malformed (names the file and the line or row)."""


class SpanError(CodepiiError):
    """A span does not fit its record (names the record id and the span)."""


class ConfigError(CodepiiError):
    """A config key is unknown or has the wrong type (names the key)."""


def one_line(message: str) -> str:
    return " ".join(str(message).split())


def exit_on_user_error(fn: F) -> F:
    """Wrap a ``main`` so that a CodepiiError prints one line and exits 2.

    Anything else is a bug in codepii and keeps its traceback.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CodepiiError as exc:
            module = getattr(fn, "__module__", "codepii")
            prog = os.path.basename(sys.argv[0]) if module == "__main__" else module.split(".")[0]
            print(f"{prog}: error: {one_line(exc)}", file=sys.stderr)
            raise SystemExit(EXIT_USER_ERROR) from None
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            raise SystemExit(130) from None

    return wrapper  # type: ignore[return-value]
