"""Browser tests: Python Playwright driving Debian's Chromium against pytest-django's live server.

One Chromium for the whole session; each test gets its own browser context (cookies, viewport). The live
server needs transactional database access, which flushes everything after each test (Wagtail's root
page too), so every journey builds the small world it needs. Synchronisation is by explicit waits on
selectors, URLs and responses; no sleeps.
"""

import mimetypes
import os
import re
import threading
from contextlib import nullcontext
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise refuse to run.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--autoplay-policy=no-user-gesture-required"]
TIMEOUT_MS = 30_000
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def e2e_site(transactional_db, live_server, settings):
    """The flushed database refilled with what every journey needs: the units and the home page."""
    from content.services import ensure_home_page
    from localities.management.commands.import_localities import DEFAULT_FILE
    from localities.services import import_units

    gate = wrap_live_server(live_server)
    gate.open()
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    yield ensure_home_page()
    # The flush that follows must have the database to itself: a request still running (a progress beacon
    # sent as a page closed) finishes first, later ones are refused.
    gate.close()


RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


def ranged_media(environ, start_response):
    """Answer a byte-range request for /media/ as nginx does in production (Django's live server serves
    /media/ whole, and Chromium cannot seek in audio served without ranges); None if not one."""
    from django.conf import settings

    wanted = RANGE.match(environ.get("HTTP_RANGE", ""))
    path = environ.get("PATH_INFO", "")
    if not wanted or not path.startswith(settings.MEDIA_URL):
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    file = (root / path.removeprefix(settings.MEDIA_URL)).resolve()
    if root not in file.parents or not file.is_file():
        return None
    size = file.stat().st_size
    first, last = int(wanted[1]), min(int(wanted[2] or size - 1), size - 1)
    with file.open("rb") as handle:
        handle.seek(first)
        body = handle.read(last - first + 1)
    start_response("206 Partial Content", [
        ("Content-Type", mimetypes.guess_type(file.name)[0] or "application/octet-stream"),
        ("Content-Range", f"bytes {first}-{last}/{size}"), ("Accept-Ranges", "bytes"),
        ("Content-Length", str(len(body)))])
    return [body]


class Gate:
    """The live server's door: one request at a time when the server threads share the test's in-memory
    SQLite connection (Chromium fetches in parallel, and two threads on one sqlite3 connection fail with
    "database table is locked"; PostgreSQL gives each thread its own connection), and closed between tests.
    Closing waits for the requests already inside, on either database: on PostgreSQL a progress report sent as
    the page closed, still in its transaction, deadlocked with the flush's TRUNCATE."""

    DRAIN_SECONDS = 30

    def __init__(self, shared: bool):
        self.shared, self.lock, self.is_open = shared, threading.Lock(), False
        self.inside, self.changed = 0, threading.Condition()

    def open(self):
        with self.changed:
            self.is_open = True

    def close(self):
        with self.changed:
            self.is_open = False
            if not self.changed.wait_for(lambda: self.inside == 0, timeout=self.DRAIN_SECONDS):
                raise RuntimeError(f"{self.inside} live server request(s) still running after the test")

    def serve(self, application, environ, start_response):
        with self.changed:
            if not self.is_open:
                return self.refuse(start_response)
            self.inside += 1
        try:
            with self.lock if self.shared else nullcontext():
                return application(environ, start_response)
        finally:
            with self.changed:
                self.inside -= 1
                self.changed.notify_all()

    @staticmethod
    def refuse(start_response):
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"between tests"]


def wrap_live_server(live_server) -> Gate:
    """Byte ranges for /media/, and the gate."""
    httpd = live_server.thread.httpd
    if getattr(httpd, "e2e_gate", None):
        return httpd.e2e_gate
    application, gate = httpd.get_app(), Gate(bool(live_server.thread.connections_override))

    def wrapped(environ, start_response):
        ranged = ranged_media(environ, start_response)
        if ranged is not None:
            return ranged
        return gate.serve(application, environ, start_response)

    httpd.set_app(wrapped)
    httpd.e2e_gate = gate
    return gate


@pytest.fixture
def open_page(browser, live_server, request):
    """open_page(viewport) -> a Playwright page in a fresh context, with 30 s timeouts and base URL set."""
    contexts = []

    def factory(viewport=PHONE, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="vi-VN",
                                      accept_downloads=True, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


class Screens:
    """Saves key screens under test-artifacts/e2e/<test>/ and checks each one for overflow and diacritics."""

    def __init__(self, name: str):
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def shot(self, page, label: str, *, check_overflow=True):
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{label}.png"), full_page=True)
        if check_overflow:
            assert_no_overflow(page, label)
        assert_vietnamese_text(page, label)


@pytest.fixture
def screens(request):
    return Screens(re.sub(r"[^\w-]+", "-", request.node.name))


# Text that escaped its box: wider than the viewport, outside any element that scrolls sideways on purpose.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll') return true; } return false; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0 || r.left >= width || scrolls(el)) continue;  // skip links
    if (r.right > width + 1 || r.left < -1) out.push(el.tagName + ' ' + (el.textContent || '').trim().slice(0, 60));
  }
  return {pageWider: document.documentElement.scrollWidth > width + 1, elements: out.slice(0, 10)};
}"""

# Interface words that lose their diacritics when a string is typed without them or a font lacks them.
STRIPPED_WORDS = re.compile(r"\b(Dang nhap|Dang ky|Chuong trinh|Hoc vien|Bai hoc|Bai kiem tra|Chuyen de|"
                            r"Hoan thanh|Thong ke|Giay chung nhan|Viec hoc)\b", re.IGNORECASE)
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


def assert_no_overflow(page, label: str):
    found = page.evaluate(OVERFLOW_JS)
    assert not found["pageWider"] and not found["elements"], f"{label}: text overflows the screen: {found}"


def assert_vietnamese_text(page, label: str):
    text = page.inner_text("body")
    assert VIETNAMESE_LETTERS.search(text), f"{label}: no Vietnamese diacritics on the page"
    stripped = STRIPPED_WORDS.findall(text)
    assert not stripped, f"{label}: words without their diacritics: {stripped}"


def login(page, username: str, password: str, next_url: str = "/"):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
