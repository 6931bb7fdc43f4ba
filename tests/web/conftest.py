"""A running web app in-process (Starlette's TestClient) with the reader's session."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from greyrock.web import WebConfig, WebState, create_app  # noqa: E402

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
SAMPLE = Path(__file__).resolve().parents[2] / "src" / "greyrock" / "samples" / "sms-demo.xml"
STRONG = "maple quarry lantern ostrich"


class Web:
    def __init__(self, client: TestClient, state: WebState) -> None:
        self.client, self.state = client, state

    def csrf(self) -> str:
        return self.state.csrf

    def post(self, url: str, data: dict | None = None, **kw):
        return self.client.post(url, data={"csrf": self.state.csrf, **(data or {})}, **kw)

    def create(self, path: Path, passphrase: str = STRONG):
        return self.post("/create", {"path": str(path), "passphrase": passphrase, "again": passphrase})

    def upload(self, name: str, data: bytes):
        return self.post("/import", files=[("files", (name, data, "application/octet-stream"))])


def make(tmp_path: Path, **config) -> tuple[TestClient, WebState]:
    state = WebState(WebConfig(port=PORT, **config))
    client = TestClient(create_app(state), base_url=BASE, follow_redirects=True)
    return client, state


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    client, state = make(tmp_path)
    with client:
        r = client.get(f"/start?token={state.start_token}")
        assert r.status_code == 200
        yield Web(client, state)


@pytest.fixture
def opened(web: Web, tmp_path: Path) -> Web:
    """A new case with the bundled demo export imported and the other person named."""
    assert web.create(tmp_path / "notes.grc").status_code == 200
    r = web.upload("sms-demo.xml", SAMPLE.read_bytes())
    assert r.status_code == 200, r.text
    r = web.post("/people", {"role:+12025550147": "other"})
    assert r.status_code == 200
    return web


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
