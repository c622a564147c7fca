"""A small client of Label Studio's REST API (projects, task import, annotations, JSON export).

Standard library only: the official ``label-studio-sdk`` (2.x) pulls in nltk,
OpenCV, an OpenAI client and a code generator, far more than these few calls.

The token comes from the environment (``LABEL_STUDIO_API_KEY``) and is never
printed or written. Label Studio >= 1.18 hands out personal access tokens
(a JWT refresh token: Account & Settings -> Personal Access Token); each
request then carries a short-lived access token got from
``/api/token/refresh/``, renewed when the server says it has expired. A
legacy token (40 hex characters) is sent as ``Token <key>``, for servers whose
organization still allows those.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator, Mapping

from ..errors import CodepiiError

TOKEN_ENV = "LABEL_STUDIO_API_KEY"
URL_ENV = "LABEL_STUDIO_URL"
PAGE_SIZE = 100
TOKEN_HELP = (f"set {TOKEN_ENV} to a personal access token (Label Studio: Account & Settings -> "
              "Personal Access Token)")


def token_from_env() -> str:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise CodepiiError(f"no Label Studio token: {TOKEN_HELP}")
    return token


def _is_jwt(token: str) -> bool:
    return token.count(".") == 2


class LabelStudioClient:
    """JSON over HTTP to one Label Studio server; every failure is a one-line CodepiiError."""

    def __init__(self, url: str, token: str, timeout_seconds: float = 120.0):
        if not url.startswith(("http://", "https://")):
            raise CodepiiError(f"Label Studio URL {url!r} must start with http:// or https://")
        self.url = url.rstrip("/")
        self._token = token
        self._access: str | None = None
        self.timeout_seconds = timeout_seconds

    def _authorization(self, renew: bool = False) -> str:
        if not _is_jwt(self._token):
            return f"Token {self._token}"
        if self._access is None or renew:
            reply = self._send("POST", "/api/token/refresh/", {"refresh": self._token}, None)
            self._access = reply["access"]
        return f"Bearer {self._access}"

    def _send(self, method: str, path: str, body: Any, authorization: str | None) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if authorization:
            headers["Authorization"] = authorization
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_seconds) as reply:
                raw = reply.read()
        except urllib.error.HTTPError as exc:
            raise _http_error(exc, method, path, self.url) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CodepiiError(f"cannot reach Label Studio at {self.url} ({reason}); start it "
                               "(label-studio start) or pass the right --url") from None
        return json.loads(raw) if raw else None

    def call(self, method: str, path: str, body: Any = None, **query) -> Any:
        """One API call; ``query`` becomes the URL's query string. Renews an expired access token once."""
        if query:
            path += "?" + urllib.parse.urlencode(query)
        try:
            return self._send(method, path, body, self._authorization())
        except _Unauthorized as exc:
            if not _is_jwt(self._token):
                raise CodepiiError(str(exc)) from None
            # the short-lived access token may have expired: renew it once
            return self._send(method, path, body, self._authorization(renew=True))

    def _pages(self, path: str, key: str | None = None, **query) -> Iterator[dict]:
        page = 1
        while True:
            try:
                reply = self.call("GET", path, page=page, page_size=PAGE_SIZE, **query)
            except CodepiiError as exc:
                if page > 1 and "404" in str(exc):  # Django's paginator: past the last page
                    return
                raise
            rows = reply if isinstance(reply, list) else reply.get(key or "results") or []
            yield from rows
            if isinstance(reply, list) or len(rows) < PAGE_SIZE or (key is None and not reply.get("next")):
                return
            page += 1

    def projects(self) -> list[dict]:
        return list(self._pages("/api/projects/"))

    def create_project(self, title: str, label_config: str, **settings) -> dict:
        return self.call("POST", "/api/projects/", {"title": title, "label_config": label_config, **settings})

    def tasks(self, project_id: int) -> list[dict]:
        """Every task of a project (id and data), all pages."""
        return list(self._pages("/api/tasks/", key="tasks", project=project_id))

    def import_tasks(self, project_id: int, tasks: list[Mapping]) -> dict:
        return self.call("POST", f"/api/projects/{project_id}/import", list(tasks))

    def annotate(self, task_id: int, result: list[Mapping], **fields) -> dict:
        return self.call("POST", f"/api/tasks/{task_id}/annotations/", {"result": list(result), **fields})

    def export(self, project_id: int) -> list[dict]:
        """The project's JSON export: every task with its annotations (not JSON-MIN)."""
        return self.call("GET", f"/api/projects/{project_id}/export", exportType="JSON", download_all_tasks="true")

    def users(self) -> list[dict]:
        return list(self._pages("/api/users/"))


class _Unauthorized(CodepiiError):
    """HTTP 401: with a personal access token, the access token may just have expired."""


def _http_error(exc: urllib.error.HTTPError, method: str, path: str, url: str) -> CodepiiError:
    try:
        body = json.loads(exc.read() or b"{}")
    except (json.JSONDecodeError, OSError):
        body = {}
    detail = body.get("detail") or body.get("validation_errors") or exc.reason if isinstance(body, dict) else exc.reason
    where = f"Label Studio at {url}: {method} {path.split('?')[0]} -> HTTP {exc.code}: {detail}"
    if exc.code == 401 and path != "/api/token/refresh/":
        return _Unauthorized(f"{where}; {TOKEN_HELP}")
    if exc.code in (401, 403):
        return CodepiiError(f"{where}; {TOKEN_HELP}")
    return CodepiiError(where)
