"""One error hierarchy for the whole product (STYLE.md rule 7).

Every error raised on purpose derives from `CheckpointError` and carries a `category`, so
the CLI, the gRPC servicers and the logs can react to the kind of failure without parsing
messages.
"""


class CheckpointError(Exception):
    """Root of every error the product raises on purpose."""

    category = "internal"


class InvalidInput(CheckpointError):
    """Input from a user, file or camera that cannot be used; the message says why."""

    category = "invalid_input"


class InvalidPlate(InvalidInput):
    """A plate string that is not a plate under the grammar asked for."""

    category = "invalid_plate"


class InvalidEntry(InvalidInput):
    """A watchlist entry whose fields break a rule (unknown category, bad dates...)."""

    category = "invalid_entry"


class NotFound(CheckpointError):
    """The thing asked for does not exist (a watchlist entry, an alert)."""

    category = "not_found"


class ConfigError(CheckpointError):
    """Configuration that cannot be used; raised at start-up, never later."""

    category = "config"


class StoreUnavailable(CheckpointError):
    """The Redis store cannot be reached or started."""

    category = "store_unavailable"


class CentralUnavailable(CheckpointError):
    """Central could not be reached over gRPC (down, wrong address, deadline passed)."""

    category = "central_unavailable"
