"""Per-role bearer tokens: who may call which gRPC method and HTTP endpoint.

Tokens live in the central config file as ``[[auth.tokens]]`` tables (token, role, name).
Three roles, kept apart so a stolen tablet cannot edit the watchlist and a lane computer
cannot read the officers' alerts:

- ``edge``: Screening (and its restriction rules), and Watchlist.Subscribe / Check (its
  local cache);
- ``operator``: every Watchlist method;
- ``officer``: Alerts (read the feed, acknowledge), over gRPC and the tablet page.

With no tokens configured central runs open, and then only on loopback (`check_bind`):
an open central on a network address would hand the watchlist to anyone on the LAN.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import grpc
from pydantic import Field, field_validator

from checkpoint.errors import CheckpointError, ConfigError
from checkpoint.settings import Settings

logger = logging.getLogger(__name__)

MIN_TOKEN_CHARS = 16


class Role(StrEnum):
    EDGE = "edge"
    OPERATOR = "operator"
    OFFICER = "officer"


class Unauthenticated(CheckpointError):
    """No bearer token, or one central does not know (HTTP 401, gRPC UNAUTHENTICATED)."""

    category = "unauthenticated"


class PermissionDenied(CheckpointError):
    """A known token whose role may not do this (HTTP 403, gRPC PERMISSION_DENIED)."""

    category = "permission_denied"


class TokenConfig(Settings):
    token: str = Field(
        min_length=MIN_TOKEN_CHARS, description="The bearer secret; long and random."
    )
    role: Role = Field(description="edge, operator or officer.")
    name: str = Field(min_length=1, description="Who holds it; recorded on acknowledgements.")


class AuthConfig(Settings):
    tokens: tuple[TokenConfig, ...] = Field(
        (), description="Known tokens; none means open, loopback only."
    )

    @field_validator("tokens")
    @classmethod
    def _unique(cls, tokens: tuple[TokenConfig, ...]) -> tuple[TokenConfig, ...]:
        seen: set[str] = set()
        for item in tokens:
            if item.token in seen:
                raise ValueError(f"token of {item.name!r} is configured twice")
            seen.add(item.token)
        return tokens


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind a token."""

    name: str
    roles: frozenset[Role]


OPEN_PRINCIPAL = Principal("anonymous", frozenset(Role))
"""Who calls when central runs open (no tokens): every role, loopback only."""

_SERVICE = "/checkpoint.v1."
METHOD_ROLES: Mapping[str, frozenset[Role]] = {
    "Screening/Screen": frozenset({Role.EDGE}),
    "Screening/GetRestrictions": frozenset({Role.EDGE, Role.OPERATOR}),
    "Watchlist/Subscribe": frozenset({Role.EDGE, Role.OPERATOR}),
    "Watchlist/Check": frozenset({Role.EDGE, Role.OPERATOR}),
    "Watchlist/*": frozenset({Role.OPERATOR}),
    "Alerts/*": frozenset({Role.OFFICER}),
}


def roles_for(method: str) -> frozenset[Role] | None:
    """Roles allowed to call a full gRPC method name; None for public ones (health).

    A method of the product's own package that the table does not name is closed to all.
    """
    if not method.startswith(_SERVICE):
        return None
    name = method[len(_SERVICE) :]
    service = name.split("/", 1)[0]
    return METHOD_ROLES.get(name, METHOD_ROLES.get(f"{service}/*", frozenset()))


def bearer(header: str | None) -> str | None:
    """The token in an ``Authorization: Bearer <token>`` value, or None."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class Authenticator:
    """Maps bearer tokens to principals and checks roles; shared by gRPC and HTTP.

    Tokens are looked up by their SHA-256 so the comparison does not leak the secret's
    prefix through timing.
    """

    def __init__(self, config: AuthConfig) -> None:
        self._by_digest = {
            _digest(t.token): Principal(t.name, frozenset({t.role})) for t in config.tokens
        }

    @property
    def open(self) -> bool:
        return not self._by_digest

    def principal(self, authorization: str | None) -> Principal:
        """Who holds the token in an Authorization value.

        Raises:
            Unauthenticated: tokens are configured and this one is missing or unknown.
        """
        if self.open:
            return OPEN_PRINCIPAL
        token = bearer(authorization)
        if token is None:
            raise Unauthenticated("missing bearer token (Authorization: Bearer <token>)")
        found = self._by_digest.get(_digest(token))
        if found is None:
            raise Unauthenticated("unknown bearer token")
        return found

    def require(self, authorization: str | None, allowed: frozenset[Role], what: str) -> Principal:
        """The principal when its role is in `allowed`.

        Raises:
            Unauthenticated: as `principal`.
            PermissionDenied: a known token without an allowed role.
        """
        principal = self.principal(authorization)
        if not principal.roles & allowed:
            wanted = " or ".join(sorted(r.value for r in allowed)) or "no role"
            have = ",".join(sorted(r.value for r in principal.roles))
            raise PermissionDenied(
                f"{what} needs role {wanted}; the token of {principal.name} has role {have}"
            )
        return principal


def is_loopback(address: str) -> bool:
    """True for ``127.x.x.x:PORT``, ``[::1]:PORT`` and ``localhost:PORT``."""
    host = address.rsplit(":", 1)[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(auth: Authenticator, addresses: Mapping[str, str | None]) -> None:
    """Refuse to run open on a network address; warn when running open on loopback.

    Args:
        auth: the configured authenticator.
        addresses: listener name (``grpc``, ``http``) -> HOST:PORT, None when not serving.

    Raises:
        ConfigError: no tokens are configured and a listener is not on loopback.
    """
    if not auth.open:
        return
    for name, address in addresses.items():
        if address is not None and not is_loopback(address):
            raise ConfigError(
                f"refusing to serve {name} on {address} without authentication: add "
                "[[auth.tokens]] (token, role, name) to the config file, or listen on 127.0.0.1"
            )
    logger.warning("no auth tokens configured: central runs open, on loopback only")


def metadata_authorization(context: grpc.ServicerContext) -> str | None:
    """The ``authorization`` metadata value of a call, if any."""
    for key, value in context.invocation_metadata() or ():
        if key == "authorization":
            return value if isinstance(value, str) else value.decode()
    return None


_STATUS = {
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
}


class AuthInterceptor(grpc.ServerInterceptor):  # type: ignore[misc, type-arg]
    """Checks every call's bearer token against `METHOD_ROLES` before the servicer runs."""

    def __init__(self, auth: Authenticator) -> None:
        self._auth = auth

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = continuation(details)
        allowed = roles_for(details.method)
        if handler is None or allowed is None or self._auth.open:
            return handler
        header = dict(details.invocation_metadata or ()).get("authorization")
        try:
            self._auth.require(header if isinstance(header, str) else None, allowed, details.method)
        except (Unauthenticated, PermissionDenied) as exc:
            logger.info("grpc auth refused method=%s: %s", details.method, exc)
            return _denial(handler, _STATUS[type(exc)], str(exc))
        return handler


def _denial(
    handler: grpc.RpcMethodHandler[Any, Any], code: grpc.StatusCode, message: str
) -> grpc.RpcMethodHandler[Any, Any]:
    """A handler of the same shape as `handler` that aborts every call with `code`."""

    def deny(request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(code, message)

    kwargs = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(deny, **kwargs)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(deny, **kwargs)
    if handler.response_streaming:
        return grpc.unary_stream_rpc_method_handler(deny, **kwargs)
    return grpc.unary_unary_rpc_method_handler(deny, **kwargs)
