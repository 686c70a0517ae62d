"""The tablet page and its JSON API (FastAPI), served by central beside gRPC.

Endpoints (every ``/api`` one needs an officer's bearer token unless central runs open):

- ``GET /`` - the page itself (static, no data in it; works offline: no CDN, no web font);
- ``GET /api/whoami`` - the token's name and whether central runs open;
- ``GET /api/alerts?checkpoint=&limit=`` - newest first; the ``X-Last-Event-Id`` header is
  the stream position read *before* the list, so a feed opened from it misses nothing;
- ``POST /api/alerts/{id}/ack`` - acknowledge as the token's holder;
- ``GET /api/alerts/{id}/evidence.jpg`` and ``/thumbnail.jpg`` - the pictures;
- ``GET /api/stream?checkpoint=&after=`` - server-sent events, one per alert event, with the
  event id as the SSE ``id`` so ``Last-Event-ID`` resumes it.

The page uses ``fetch`` for the stream as well as the API, because ``EventSource`` cannot
send an ``Authorization`` header and tokens must not travel in URLs (they end up in logs).
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from importlib import resources
from typing import Annotated, Any

import anyio
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from central.alerts import model
from central.alerts.convert import alert_to_json, event_to_json
from central.alerts.model import Picture
from central.alerts.store import AlertStore
from central.auth import Authenticator, PermissionDenied, Principal, Role, Unauthenticated
from checkpoint.errors import InvalidInput, NotFound

logger = logging.getLogger(__name__)

STREAM_POLL_MS = 500
HEARTBEAT_S = 5.0
STREAM_THREADS = 256
"""Live feeds wait on Redis in threads of their own, so they never starve the API's."""

_OFFICER = frozenset({Role.OFFICER})
_STATIC = resources.files("central.web") / "static"
_ASSETS = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}


class AckBody(BaseModel):
    officer: str = Field("", max_length=100, description="Used only when central runs open.")


def _officer(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
    """The caller, when its token has the officer role: 401 without a good token, else 403."""
    auth: Authenticator = request.app.state.auth
    try:
        return auth.require(authorization, _OFFICER, "reading alerts")
    except Unauthenticated as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    except PermissionDenied as exc:
        raise HTTPException(403, str(exc)) from None


OfficerDep = Annotated[Principal, Depends(_officer)]


def create_app(store: AlertStore, auth: Authenticator, stopping: threading.Event) -> FastAPI:
    """The web app over `store`; `stopping` ends every live feed when central stops."""
    app = FastAPI(title="Smart Checkpoint alerts", docs_url=None, redoc_url=None)
    limiter = anyio.CapacityLimiter(STREAM_THREADS)

    app.state.auth = auth

    @app.exception_handler(NotFound)
    def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(InvalidInput)
    def _invalid(request: Request, exc: InvalidInput) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse((_STATIC / "index.html").read_text(encoding="utf-8"))

    @app.get("/static/{name}")
    def asset(name: str) -> Response:
        if name not in _ASSETS:
            raise HTTPException(404, f"no asset {name!r}")
        return Response((_STATIC / name).read_bytes(), media_type=_ASSETS[name])

    @app.get("/api/whoami")
    def whoami(principal: OfficerDep) -> dict[str, Any]:
        return {"name": principal.name, "open": auth.open}

    @app.get("/api/alerts")
    def list_alerts(
        principal: OfficerDep,
        checkpoint: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> JSONResponse:
        position = store.last_event_id()
        alerts = store.recent(checkpoint or None, limit)
        return JSONResponse(
            [alert_to_json(a) for a in alerts], headers={"X-Last-Event-Id": position}
        )

    @app.get("/api/alerts/{alert_id}")
    def get_alert(alert_id: str, principal: OfficerDep) -> dict[str, Any]:
        alert = store.get(model.cursor(alert_id))
        if alert is None:
            raise NotFound(f"no alert {alert_id!r}")
        return alert_to_json(alert)

    @app.post("/api/alerts/{alert_id}/ack")
    def acknowledge(
        alert_id: str,
        principal: OfficerDep,
        body: AckBody | None = None,
    ) -> dict[str, Any]:
        name = principal.name
        if auth.open and body is not None and body.officer.strip():
            name = body.officer.strip()
        return alert_to_json(store.acknowledge(model.cursor(alert_id), name))

    @app.get("/api/alerts/{alert_id}/{name}.jpg")
    def picture(alert_id: str, name: str, principal: OfficerDep) -> Response:
        try:
            kind = Picture(name)
        except ValueError:
            raise HTTPException(404, f"no picture {name!r}") from None
        data = store.picture(model.cursor(alert_id), kind)
        if data is None:
            raise NotFound(f"alert {alert_id!r} has no {kind.value} picture")
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private"})

    @app.get("/api/stream")
    def stream(
        principal: OfficerDep,
        checkpoint: str | None = None,
        after: str | None = None,
        last_event_id: Annotated[str | None, Header()] = None,
    ) -> StreamingResponse:
        start = after or last_event_id
        cursor = model.cursor(start) if start else store.last_event_id()
        events = _feed(store, cursor, checkpoint or None, stopping, limiter)
        return StreamingResponse(
            events,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return app


async def _feed(
    store: AlertStore,
    cursor: str,
    checkpoint: str | None,
    stopping: threading.Event,
    limiter: anyio.CapacityLimiter,
) -> AsyncIterator[str]:
    """Server-sent events after `cursor` until the client leaves or central stops."""
    yield f"retry: 1000\n: connected at {cursor}\n\n"
    last_sent = time.monotonic()
    while not stopping.is_set():
        read = functools.partial(
            store.events_after, cursor, checkpoint=checkpoint, block_ms=STREAM_POLL_MS
        )
        cursor, events = await anyio.to_thread.run_sync(read, limiter=limiter)
        for event in events:
            data = json.dumps(event_to_json(event), ensure_ascii=False)
            yield f"id: {event.id}\nevent: alert\ndata: {data}\n\n"
            last_sent = time.monotonic()
        if time.monotonic() - last_sent >= HEARTBEAT_S:
            # lets the page tell a silent dead link from a quiet feed
            last_sent = time.monotonic()
            yield ": heartbeat\n\n"
