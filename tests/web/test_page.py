"""The tablet page in a real browser: headless system Chromium driven by Playwright.

Central runs for real (embedded Redis, gRPC, uvicorn); a hit goes in through
Screening.Screen with an edge token and must appear on the page, be acknowledged with a
click, and land in Redis. Set UPDATE_SCREENSHOTS=1 to refresh docs/img/ from this run.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Browser, Page, expect, sync_playwright

from central.alerts.store import PREFIX
from central.auth import AuthConfig
from central.server import Central
from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.watchlist import Category, EntryKind, Severity, make_entry
from proto import checkpoint_pb2 as pb

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DATA = Path(__file__).resolve().parent / "data"
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
VEHICLE = (DATA / "vehicle.jpg").read_bytes()
FRAME = (DATA / "frame.jpg").read_bytes()
EDGE, OPERATOR, OFFICER = (
    "edge-token-0123456789",
    "operator-token-0123456789",
    "officer-token-0123456789",
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs the system Chromium (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        return DOCS_IMG
    return tmp_path


@pytest.fixture
def web(central_with: Callable[..., Central], auth_config: AuthConfig) -> Central:
    escalation = {"escalate_after_s": 1.5, "escalation_check_s": 0.1}
    server = central_with(auth=auth_config, http="127.0.0.1:0", alerts=escalation)
    with CentralClient(server.address, token=OPERATOR) as operator:
        for plate, reason, category, severity in (
            ("冀A12345", "stolen saloon, reported 2026-11-20", Category.STOLEN, Severity.HIGH),
            ("京A8B2Z5", "unpaid fines", Category.ENFORCEMENT, Severity.MEDIUM),
        ):
            entry = make_entry(EntryKind.PLATE, plate, reason, category=category, severity=severity)
            operator.upsert(wire.entry_to_pb(entry))
    return server


def screen(server: Central, plate: str, checkpoint: str = "G4-north", lane: str = "lane-2") -> str:
    with CentralClient(server.address, token=EDGE) as edge:
        response = edge.screen(
            pb.Passage(
                passage_id=uuid.uuid4().hex,
                checkpoint_id=checkpoint,
                lane_id=lane,
                plate=pb.PlateReading(
                    text=plate,
                    confidence=0.93,
                    candidates=[pb.PlateCandidate(text=plate, confidence=0.93)] if plate else [],
                ),
                evidence_jpeg=VEHICLE,
                thumbnail_jpeg=FRAME,
            )
        )
    return response.alert_id


def sign_in(page: Page, token: str) -> None:
    page.fill("#token", token)
    page.click("#login-form button[type=submit]")


def test_hit_appears_is_acknowledged_and_lands_in_redis(
    browser: Browser, web: Central, redis_client: redis.Redis, shots: Path
) -> None:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{web.http_url}/")
    expect(page.locator("#login")).to_be_visible()
    sign_in(page, "wrong-token-0123456789")
    expect(page.locator("#login-error")).to_have_text("Token refused")
    expect(page.locator("#feed")).to_be_hidden()
    sign_in(page, OFFICER)
    expect(page.locator("#status")).to_have_attribute("data-state", "live")

    started = time.monotonic()
    stop_id = screen(web, "冀A12345")
    stop = page.locator(f'article[data-id="{stop_id}"]')
    expect(stop).to_be_visible(timeout=3000)
    seen_after = time.monotonic() - started
    expect(stop.locator(".verdict")).to_contain_text("STOP")
    expect(stop.locator(".plate")).to_have_text("冀A12345")
    expect(stop.locator(".lane")).to_have_text("lane-2")
    expect(stop.locator(".reason")).to_contain_text("stolen saloon")
    expect(stop.locator("img.evidence")).to_have_class("evidence loaded")
    assert stop.locator("img.evidence").evaluate("img => img.naturalWidth") == 480
    assert seen_after < 2.0, f"the card took {seen_after:.2f} s"

    lookalike_id = screen(web, "京A8BZZ5", lane="lane-1")
    lookalike = page.locator(f'article[data-id="{lookalike_id}"]')
    expect(lookalike.locator(".verdict")).to_contain_text("CHECK")
    lookalike.locator("button.ack").click()
    expect(lookalike.locator(".acked")).to_contain_text("officer-wang")
    unreadable_id = screen(web, "", lane="lane-3")
    expect(page.locator("article.card").first).to_have_attribute("data-id", unreadable_id)

    # Nobody acknowledged the high-severity STOP: it escalates, on the card and the banner.
    expect(stop).to_have_class("card stop escalated", timeout=5000)
    expect(page.locator("#escalations")).to_contain_text("冀A12345")
    page.screenshot(path=str(shots / "alerts-tablet.png"), full_page=True)

    stop.locator("button.ack").click()
    expect(stop.locator(".acked")).to_contain_text("Acknowledged by officer-wang")
    expect(page.locator("#escalations")).to_be_hidden()
    stored = redis_client.hgetall(f"{PREFIX}a:{stop_id}")
    assert stored["acknowledged_by"] == "officer-wang"
    assert int(stored["acknowledged_at"]) > int(stored["time"])
    context.close()


def test_phone_layout_and_checkpoint_filter(browser: Browser, web: Central, shots: Path) -> None:
    north = screen(web, "冀A12345", checkpoint="G4-north")
    south = screen(web, "", checkpoint="G4-south", lane="lane-5")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.add_init_script(f"localStorage.setItem('checkpoint.token', '{OFFICER}')")
    page = context.new_page()
    page.goto(f"{web.http_url}/")
    expect(page.locator(f'article[data-id="{north}"]')).to_be_visible()
    expect(page.locator(f'article[data-id="{south}"]')).to_be_visible()
    expect(page.locator("img.loaded")).to_have_count(4)  # both cards' two pictures
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    page.screenshot(path=str(shots / "alerts-phone.png"))

    # The phone drops off Wi-Fi; an alert comes meanwhile; it is there once back online.
    context.set_offline(True)
    expect(page.locator("#status")).to_have_attribute("data-state", "reconnecting")
    missed = screen(web, "", checkpoint="G4-south", lane="lane-6")
    context.set_offline(False)
    expect(page.locator(f'article[data-id="{missed}"]')).to_be_visible(timeout=5000)
    expect(page.locator("#status")).to_have_attribute("data-state", "live")
    assert page.locator("article.card").count() == 3

    page.fill("#checkpoint", "G4-south")
    page.click("#filter button[type=submit]")
    expect(page.locator("article.card")).to_have_count(2)
    expect(page.locator("article.card").last).to_have_attribute("data-id", south)
    assert "checkpoint=G4-south" in page.url
    context.close()
