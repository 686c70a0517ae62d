"""Logging set-up for the command-line entry points: key=value messages, greppable."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure(verbosity: int = 0) -> None:
    """WARNING by default, INFO with -v, DEBUG with -vv; always to stderr."""
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format=FORMAT, stream=sys.stderr, force=True)
