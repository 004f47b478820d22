"""One look for every screen: the station's logo and name in every bar, and the design tokens of
base.css used everywhere instead of one-off colours, weights and sizes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from satupintu.app import create_app
from shared.domain.config import ConfigError
from tests.helpers import make_config

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BASE_CSS = ROOT / "shared/static/css/base.css"
SCREEN_CSS = [
    path
    for folder in ("shared", "kiosk", "counter", "board", "admin", "central")
    for path in (ROOT / folder).rglob("*.css")
    if path != BASE_CSS and "vendor" not in path.parts
]


@pytest.fixture
def logo_client(tmp_path: Path) -> Iterator[FlaskClient]:
    """A station whose config names a PNG logo beside the config file."""
    Image.new("RGB", (8, 8), "navy").save(tmp_path / "polres.png")
    app: Flask = create_app(
        make_config(tmp_path, station={"name": "SPKT Uji", "logo": "polres.png"})
    )
    yield app.test_client()
    app.extensions["satupintu"].store.close()


def test_the_configured_logo_is_served_as_the_image_it_is(
    logo_client: FlaskClient, tmp_path: Path
) -> None:
    reply = logo_client.get("/station/logo")
    assert reply.status_code == 200
    assert reply.mimetype == "image/png"
    assert reply.data == (tmp_path / "polres.png").read_bytes()


def test_without_a_logo_the_built_in_icon_is_served(client: FlaskClient) -> None:
    reply = client.get("/station/logo")
    assert reply.status_code == 200
    assert reply.mimetype == "image/svg+xml"
    assert reply.data == (ROOT / "shared/static/img/icon.svg").read_bytes()


def test_a_logo_that_is_missing_or_not_an_image_stops_the_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^station\.logo: no such file"):
        make_config(tmp_path, station={"name": "SPKT Uji", "logo": "missing.png"})
    (tmp_path / "logo.pdf").write_bytes(b"%PDF")
    with pytest.raises(ConfigError, match=r"^station\.logo: must be an image file"):
        make_config(tmp_path, station={"name": "SPKT Uji", "logo": "logo.pdf"})


@pytest.mark.parametrize(
    "path",
    ["/", "/kiosk", "/t/no-such-ticket", "/counter", "/board", "/survey/loket-1", "/admin"],
)
def test_every_screen_shows_the_logo_and_the_station_name_in_its_bar(
    logo_client: FlaskClient, path: str
) -> None:
    html = logo_client.get(path).get_data(as_text=True)
    brand = re.search(r'<(p|h1) class="brand">(.*?)</\1>', html, re.S)
    assert brand, f"{path} has no brand in its bar"
    assert '<img class="brand-logo" src="/station/logo" alt="">' in brand[2]
    assert "SPKT Uji" in brand[2]


def _css_without_comments(path: Path) -> str:
    return re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)


def test_screens_take_colours_and_weights_from_the_tokens() -> None:
    """Colours and font weights are defined once, in base.css; screens use its variables."""
    literals = {}
    for path in SCREEN_CSS:
        css = _css_without_comments(path)
        found = re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(|font-weight:\s*\d+", css)
        if found:
            literals[path.relative_to(ROOT).as_posix()] = found
    assert literals == {}


def test_every_variable_a_screen_uses_is_a_token() -> None:
    """A misspelt token fails here, not silently on screen.

    Variables with a fallback, `var(--columns, 2)`, are the ones scripts set on an element.
    """
    defined = set(re.findall(r"(--[a-z0-9-]+):", _css_without_comments(BASE_CSS)))
    unknown = {}
    for path in SCREEN_CSS:
        css = _css_without_comments(path)
        own = set(re.findall(r"(--[a-z0-9-]+):", css))
        used = set(re.findall(r"var\((--[a-z0-9-]+)\)", css))
        if used - defined - own:
            unknown[path.relative_to(ROOT).as_posix()] = sorted(used - defined - own)
    assert unknown == {}
