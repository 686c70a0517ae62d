"""The `checkpoint` command: one entry point for central, the edge and operators."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from checkpoint import logs
from checkpoint.cli import demo, read, watchlist
from checkpoint.cli import edge as edge_cli
from checkpoint.cli import models as models_cli
from checkpoint.client import DEFAULT_CENTRAL, TOKEN_ENV, CentralClient
from checkpoint.errors import CentralUnavailable, CheckpointError, InvalidInput

logger = logging.getLogger(__name__)

EXIT_ERROR = 1
EXIT_UNAVAILABLE = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checkpoint", description="Smart Checkpoint: screening without stopping."
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="-v info, -vv debug")
    parser.add_argument(
        "--central",
        default=DEFAULT_CENTRAL,
        metavar="HOST:PORT",
        help=f"central's gRPC address (default {DEFAULT_CENTRAL})",
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="gRPC deadline, seconds")
    parser.add_argument(
        "--token",
        default=os.environ.get(TOKEN_ENV) or None,
        help=f"bearer token sent to central (default: ${TOKEN_ENV})",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    central = sub.add_parser("central", help="run the central service")
    central.add_argument("--config", type=Path, help="TOML config file")
    central.add_argument(
        "--redis",
        metavar="URL",
        help="external Redis (default: REDIS_URL, else an embedded server)",
    )
    central.add_argument(
        "--data-dir", type=Path, help="embedded Redis home (default ~/.local/share/checkpoint)"
    )
    central.add_argument(
        "--grpc", metavar="HOST:PORT", help=f"listen address (default {DEFAULT_CENTRAL})"
    )
    central.add_argument(
        "--http", metavar="HOST:PORT", help="serve the officers' tablet page here (default: off)"
    )
    central.set_defaults(run=_central, needs_client=False)

    watchlist.add_parser(sub)
    demo.add_parser(sub)
    edge_cli.add_parser(sub)
    models_cli.add_parser(sub)
    read.add_parser(sub)
    return parser


def _central(args: argparse.Namespace) -> int:
    from central.config import load_config
    from central.server import Central

    config = load_config(
        args.config, redis_url=args.redis, data_dir=args.data_dir, grpc=args.grpc, http=args.http
    )
    with Central(config) as central:
        print(
            f"central serving gRPC on {central.address} "
            f"(store: {config.redis_url or 'embedded Redis in ' + str(config.data_dir)})",
            flush=True,
        )
        if central.http_url:
            print(f"central serving the tablet page on {central.http_url}/", flush=True)
        _stop_on_signals(central.close)
        central.wait()
    return 0


def _stop_on_signals(stop: object) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %d: stopping", signum)
        stop()  # type: ignore[operator]

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.configure(args.verbose)
    if argv is None:
        # As a process (not called from tests): SIGTERM unwinds like Ctrl-C, so the
        # embedded Redis, gRPC server and edge threads are all closed on the way out.
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        if getattr(args, "needs_client", True):
            with CentralClient(args.central, timeout_s=args.timeout, token=args.token) as client:
                code: int = args.run(args, client)
        else:
            code = args.run(args)
    except CentralUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except InvalidInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except CheckpointError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
