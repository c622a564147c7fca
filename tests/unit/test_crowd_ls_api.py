"""The Label Studio client's auth: personal access token -> access token, renewed on 401; legacy tokens."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from codepii.crowd.ls_api import LabelStudioClient
from codepii.errors import CodepiiError

PAT = "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln"  # a JWT's shape
LEGACY = "0123456789abcdef0123456789abcdef01234567"


class Handler(BaseHTTPRequestHandler):
    issued: list = []  # access tokens handed out
    valid: set = set()  # access tokens the server still accepts
    seen: list = []  # Authorization headers of API calls

    def _reply(self, code, body):
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/api/token/refresh/" and body == {"refresh": PAT}:
            access = f"access-{len(self.issued)}"
            self.issued.append(access)
            self.valid.add(access)
            return self._reply(200, {"access": access})
        self._reply(401, {"detail": "Token is invalid"})

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        self.seen.append(auth)
        if auth in {f"Bearer {a}" for a in self.valid} or auth == f"Token {LEGACY}":
            return self._reply(200, {"count": 1, "next": None, "results": [{"id": 1, "title": "p"}]})
        self._reply(401, {"detail": "Given token not valid for any token type"})

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    Handler.issued, Handler.valid, Handler.seen = [], set(), []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_personal_access_token_is_exchanged_and_renewed(server):
    client = LabelStudioClient(server, PAT)
    assert client.projects() == [{"id": 1, "title": "p"}]
    Handler.valid.clear()  # the access token expires
    assert client.projects() == [{"id": 1, "title": "p"}]
    assert Handler.issued == ["access-0", "access-1"]
    assert Handler.seen == ["Bearer access-0", "Bearer access-0", "Bearer access-1"]
    assert all(PAT not in h for h in Handler.seen)  # the long-lived token only goes to /api/token/refresh/


def test_legacy_and_bad_tokens(server):
    assert LabelStudioClient(server, LEGACY).projects()[0]["id"] == 1
    with pytest.raises(CodepiiError, match=r"HTTP 401: Given token not valid.*set LABEL_STUDIO_API_KEY") as err:
        LabelStudioClient(server, "f" * 40).projects()
    assert "f" * 40 not in str(err.value)
    with pytest.raises(CodepiiError, match=r"POST /api/token/refresh/ -> HTTP 401.*personal access token"):
        LabelStudioClient(server, "a.b.c").projects()
