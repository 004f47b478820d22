"""The docs (README.md and the guides under docs/) document what the code has, and hold together.

Every config key, board event, command, central config key and HTTP endpoint is documented
somewhere in the set; every relative link and image points at a file that exists, and every
`#anchor` at a heading of its page.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import click
from pydantic import BaseModel

from satupintu.cli import main
from shared.domain.config import Config
from shared.domain.events import BOARD_EVENT_NAMES
from shared.web.api_docs import openapi_spec

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
TEXTS = {page: page.read_text(encoding="utf-8") for page in PAGES}
DOCS = "\n".join(TEXTS.values())


def section(heading: str) -> str:
    """The text under a heading (up to the next one of its level or above), in whichever page
    has it."""
    level = len(heading.split(" ", 1)[0])
    found = [text for text in TEXTS.values() if f"\n{heading}\n" in f"\n{text}"]
    assert len(found) == 1, f"{heading!r} is in {len(found)} pages, not one"
    below = f"\n{found[0]}".split(f"\n{heading}\n")[1]
    return re.split(rf"\n#{{1,{level}}} ", below)[0]


def _models(annotation: object) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation such as `tuple[Service, ...] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found += _models(argument)
    return found


def config_keys(model: type[BaseModel] = Config, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        if name == "base_dir":
            continue
        models = _models(field.annotation)
        is_list = typing.get_origin(field.annotation) is tuple or "tuple[" in str(field.annotation)
        key = f"{prefix}{name}{'[]' if is_list and models else ''}"
        if models and name not in ("name", "fee", "running_text"):
            for nested in models:
                keys |= config_keys(nested, f"{key}.")
        else:
            keys.add(key)
    return keys


def documented_keys() -> set[str]:
    keys = set()
    for cell in re.findall(r"^\| ([^|]+) \|", section("## Configuration reference"), re.M):
        keys |= set(re.findall(r"`([a-z_\[\].]+)`", cell))
    return keys


def test_every_config_key_is_in_the_docs() -> None:
    missing = {key for key in config_keys() if key not in documented_keys()}
    # A printer's `type` is the table's own subject; nested kiosk printers share its rows.
    missing = {k for k in missing if not k.endswith(".type") and ".printer." not in k}
    assert not missing, f"undocumented config keys: {sorted(missing)}"


def test_every_documented_config_key_exists() -> None:
    known = config_keys()
    prefixes = {key.rsplit(".", 1)[0] for key in known} | known
    unknown = {key for key in documented_keys() if key not in prefixes}
    assert not unknown, f"the docs document keys the code does not have: {sorted(unknown)}"


def test_every_board_event_is_in_the_docs_table() -> None:
    for name in BOARD_EVENT_NAMES:
        assert f"| `{name}` |" in section("### Socket.IO events"), name


def test_every_command_has_help_and_is_in_the_docs() -> None:
    def walk(group: click.Group, path: str) -> list[tuple[str, click.Command]]:
        found = []
        for name, command in group.commands.items():
            full = f"{path} {name}"
            if isinstance(command, click.Group):
                found += walk(command, full)
            else:
                found.append((full, command))
        return found

    commands = section("### Command line")
    for name, command in walk(main, "satupintu"):
        assert command.help, f"{name} has no help text"
        assert f"`{name}" in commands, f"{name} is not in the command line reference"


def test_every_central_config_key_is_in_the_docs() -> None:
    from central.config import CentralConfig

    table = section("## Central configuration")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))
    assert documented == set(CentralConfig.model_fields)


def _endpoint_documented(method: str, path: str, reference: str) -> bool:
    """A row of the reference names the method and the path: as itself, after its parent in
    the same cell (`POST /api/x/<id>/recall`, `/done`; `disable\\|enable`), or, for a route
    ending in a parameter, by any path under its parent."""
    path = re.sub(r"\{[^}]*\}", "<>", path)
    parent, last = path.rsplit("/", 1)
    for cell in re.findall(r"^\| ([^|]*(?:\\\|[^|]*)*) \|", reference, flags=re.MULTILINE):
        plain = re.sub(r"<[^>]*>", "<>", cell)
        if method.upper() not in plain:
            continue
        if path in re.findall(r"/[^\s`?\[,\\]*", plain):
            return True
        if parent not in plain:
            continue
        if last == "<>" and f"{parent}/" in plain:
            return True
        if re.search(rf"(`/|\\\|){re.escape(last)}(`|\\\|)", plain):
            return True
    return False


def test_every_endpoint_is_in_the_http_api_reference() -> None:
    reference = section("### HTTP API")
    missing = [
        f"{method.upper()} {path}"
        for path, operations in openapi_spec()["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
        and not _endpoint_documented(method, path, reference)
    ]
    assert not missing, f"endpoints missing from the HTTP API reference: {missing}"


def test_an_endpoint_is_found_only_with_its_method_and_path() -> None:
    reference = "| `GET /api/x/<id>`, `POST /api/x/<id>/disable\\|enable`, `/done` | who | does |"
    assert _endpoint_documented("get", "/api/x/{name}", reference)
    assert _endpoint_documented("post", "/api/x/{id}/enable", reference)
    assert _endpoint_documented("post", "/api/x/{id}/done", reference)
    assert not _endpoint_documented("delete", "/api/x/{id}", reference)
    assert not _endpoint_documented("post", "/api/x/{id}/role", reference)
    assert not _endpoint_documented("get", "/api/y", reference)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    inside_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            inside_code = not inside_code
        elif not inside_code and (heading := re.match(r"#{1,6} (.+)", line)):
            slug = _slug(heading.group(1))
            found.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
            seen[slug] = seen.get(slug, 0) + 1
    return found


def links(text: str) -> list[str]:
    """Every link and image target of a page, outside code blocks and code spans."""
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    return re.findall(r"!?\[[^\]]*\]\(([^)\s]+)\)", prose)


def test_the_slug_is_githubs() -> None:
    assert _slug("Behind a reverse proxy (HTTPS)") == "behind-a-reverse-proxy-https"
    assert _slug("The central server's API") == "the-central-servers-api"
    assert _slug("Socket.IO events") == "socketio-events"
    assert anchors("# A\n## A\n```\n# B\n```\n") == {"a", "a-1"}


def test_every_relative_link_and_image_leads_somewhere() -> None:
    broken = []
    for page, text in TEXTS.items():
        for target in links(text):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            destination = (page.parent / file).resolve() if file else page
            name = f"{page.relative_to(ROOT)}: {target}"
            if not destination.exists():
                broken.append(f"{name} (no such file)")
            elif anchor and anchor not in anchors(destination.read_text(encoding="utf-8")):
                broken.append(f"{name} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_every_guide_is_linked_from_the_readme() -> None:
    readme = TEXTS[ROOT / "README.md"]
    for page in PAGES[1:]:
        assert str(page.relative_to(ROOT)) in readme, f"{page} is not linked from the README"
