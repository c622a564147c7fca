"""The ``codepii`` command.

Each subcommand lives in ``codepii/commands/<name>.py`` with ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``. Those modules are light:
heavy imports (torch, transformers, ray) happen inside ``run`` so that
``codepii --help`` stays fast.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Sequence

from . import __version__
from .errors import exit_on_user_error
from .progress import quiet_hf_bars

# name -> module; the order is the order of ``codepii --help``.
COMMANDS: dict[str, str] = {
    "validate": "codepii.commands.validate",
    "synth": "codepii.commands.synth",
    "corpus": "codepii.commands.corpus",
    "crowd": "codepii.commands.crowd",
    "detect": "codepii.commands.detect",
    "mask": "codepii.commands.mask",
    "calibrate": "codepii.commands.calibrate",
    "demo": "codepii.commands.demo",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codepii",
        description="Detect and mask PII in source code: synthetic data, crowd aggregation, "
        "detection, masking and evaluation. The training, masking and evaluation recipes live in "
        "train/train.py, mask/mask.py (also `codepii mask`) and eval/eval.py.",
    )
    parser.add_argument("--version", action="version", version=f"codepii {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(
            name,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", module.HELP),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(_run=module.run, _takes_overrides=getattr(module, "TAKES_OVERRIDES", False))
    return parser


@exit_on_user_error
def main(argv: Sequence[str] | None = None) -> int:
    quiet_hf_bars()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # key=value overrides after another flag (`mask input=A --config C output=B`) land in `extra`.
    if extra and (not getattr(args, "_takes_overrides", False) or any(a.startswith("-") or "=" not in a for a in extra)):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.overrides = [*args.overrides, *extra]
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
