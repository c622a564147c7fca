"""A real Label Studio for the live tests: started on a free loopback port in a temporary data dir.

The executable is ``$CODEPII_LABEL_STUDIO`` or the venv that ``.ci/run``
creates (``~/.cache/codepii/label-studio-venv``). Users sign up and log in
through Label Studio's own forms (CSRF and all) and get personal access
tokens from ``/api/token/``, as a person does in the web UI.
"""
from __future__ import annotations

import contextlib
import hashlib
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest

LABEL_STUDIO_VERSION = "1.23.2"
DEFAULT_VENV = os.path.expanduser("~/.cache/codepii/label-studio-venv")
INSTALL = (f"run `make label-studio` (python3 -m venv {DEFAULT_VENV} && {DEFAULT_VENV}/bin/pip install "
           f"label-studio=={LABEL_STUDIO_VERSION}), or set CODEPII_LABEL_STUDIO to a label-studio executable")
HEALTH_TIMEOUT_SECONDS = 420  # migrating a fresh SQLite: ~80 s on 2 idle cores, 4 min when they are busy
PASSWORD = "codepii-e2e-Pass-1"
ADMIN = "admin@codepii.test"


def executable() -> str:
    """The label-studio executable, or a skip (a failure when CI=true) that says how to install it."""
    exe = os.environ.get("CODEPII_LABEL_STUDIO") or os.path.join(DEFAULT_VENV, "bin", "label-studio")
    if os.access(exe, os.X_OK):
        return exe
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Label Studio is not installed at {exe} and CI=true requires this test: {INSTALL}")
    pytest.skip(f"Label Studio is not installed at {exe}: {INSTALL}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """A browser-like session: cookies, CSRF, the login and signup forms."""

    def __init__(self, url: str):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)

    def form(self, page: str, **fields) -> None:
        self.opener.open(self.url + page, timeout=60).read()
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.cookie("csrftoken")}).encode()
        req = urllib.request.Request(self.url + page, data=data, headers={"Referer": self.url + page})
        self.opener.open(req, timeout=60).read()
        assert any(c.name == "sessionid" for c in self.jar), f"{page} did not log {fields.get('email')} in"

    def personal_access_token(self) -> str:
        req = urllib.request.Request(self.url + "/api/token/", data=b"{}", method="POST", headers={
            "Content-Type": "application/json", "X-CSRFToken": self.cookie("csrftoken"), "Referer": self.url})
        with self.opener.open(req, timeout=60) as reply:
            return json.loads(reply.read())["token"]


def user_token(url: str, email: str, signup: bool) -> str:
    session = Session(url)
    session.form("/user/signup/" if signup else "/user/login/", email=email, password=PASSWORD)
    return session.personal_access_token()


@dataclass
class Server:
    url: str
    admin_token: str
    data_dir: str


def _wait_healthy(url: str, proc: subprocess.Popen, log_path: str) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as reply:
                if b"UP" in reply.read():
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    with open(log_path, encoding="utf-8", errors="replace") as f:
        tail = f.read()[-2000:]
    pytest.fail(f"Label Studio did not serve /health within {HEALTH_TIMEOUT_SECONDS} s (exit {proc.poll()}):\n{tail}")


@contextlib.contextmanager
def _running(exe: str, data_dir: str):
    """Label Studio serving ``data_dir`` on a free port; yields its URL, then stops its process group."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": data_dir, "LABEL_STUDIO_USERNAME": ADMIN,
           "LABEL_STUDIO_PASSWORD": PASSWORD, "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false",
           "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "false"}
    log_path = data_dir.rstrip("/") + ".log"
    with open(log_path, "a") as log:
        # --host is only the URL Label Studio writes; --internal-host is the address it listens on
        proc = subprocess.Popen([exe, "start", "--no-browser", "--host", "127.0.0.1", "--internal-host", "127.0.0.1",
                                 "--port", str(port)],
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(url, proc, log_path)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _template(exe: str) -> str:
    """Where a freshly migrated data dir of this executable is kept (with the admin user, nothing else)."""
    key = hashlib.sha1(os.path.realpath(exe).encode()).hexdigest()[:12]
    return os.path.expanduser(f"~/.cache/codepii/label-studio-template-{key}")


def start(data_dir: str):
    """Start Label Studio on an empty database, yield a ``Server``, stop it.

    Migrating a new SQLite database is most of a first start (80-240 s here); a
    copy of one migrated database is kept beside the venv, so later runs start
    in ~30 s on a copy of it.
    """
    exe = executable()
    template = _template(exe)
    if os.path.isdir(template):
        shutil.copytree(template, data_dir, dirs_exist_ok=True)
    else:
        with _running(exe, data_dir):
            pass  # migrated, admin created
        tmp = f"{template}.tmp{os.getpid()}"
        shutil.copytree(data_dir, tmp)
        try:
            os.rename(tmp, template)
        except OSError:  # another run made it first
            shutil.rmtree(tmp, ignore_errors=True)
    with _running(exe, data_dir) as url:
        yield Server(url, user_token(url, ADMIN, signup=False), data_dir)

BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_page(server: Server, tmp_dir: str, width: int = 1100, height: int = 640):
    """A logged-in headless Chromium page (Playwright driving the system chromium); yields the page."""
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not os.access(exe, os.X_OK):
        why = "apt-get install chromium; pip install -e '.[dev]' (playwright)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"headless Chromium via Playwright is missing and CI=true requires it: {why}")
        pytest.skip(f"headless Chromium via Playwright is missing: {why}")
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            os.path.join(tmp_dir, "chromium-profile"), executable_path=exe, headless=True, args=BROWSER_FLAGS,
            viewport={"width": width, "height": height})
        try:
            page = browser.new_page()
            page.goto(server.url + "/user/login/")
            page.fill("input[name=email]", ADMIN)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            yield page
        finally:
            browser.close()
