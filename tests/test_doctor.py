"""`satupintu doctor` run as an operator would, against real faults: it names each one and
says what to do, and exits 1 when something needs a person."""

from __future__ import annotations

import copy
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from satupintu.app import create_app
from shared.domain.config import load_config
from tests.helpers import BASE_CONFIG
from tests.printer_fixtures import PAPER_OUT, FakeNetworkPrinter, SilentNetworkPrinter
from tests.realserver import SATUPINTU, ServerProcess
from tests.system_fixtures import (
    fill,
    refused_port,
    remount_read_only,
    tiny_filesystem,
)

pytestmark = pytest.mark.external


def write_config(folder: Path, **overrides: Any) -> Path:
    data = copy.deepcopy(BASE_CONFIG)
    data.update(overrides)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def doctor(config: Path, *, lang: str = "en", path: str | None = None) -> tuple[int, str]:
    env = {**os.environ}
    env.pop("SATUPINTU_DB", None)
    if path is not None:
        env["PATH"] = path
    done = subprocess.run(
        [SATUPINTU, "doctor", "--lang", lang, "--config", str(config)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def lines_of(output: str, check_words: str) -> list[str]:
    return [line for line in output.splitlines() if check_words in line]


def lan_address() -> str:
    """This machine's address on its network, where a phone would reach it (no packet sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the route
        address = probe.getsockname()[0]
    if address.startswith("127."):
        pytest.skip("this machine has no network address besides loopback")
    return address


def network_printer(port: int) -> dict[str, Any]:
    return {"type": "network", "host": "127.0.0.1", "port": port, "timeout": 2}


def test_a_dead_printer_is_named_with_what_to_do(tmp_path: Path) -> None:
    port = refused_port()
    config = write_config(tmp_path, kiosks=[{"id": "kiosk-1", "printer": network_printer(port)}])
    code, output = doctor(config)
    assert code == 1, output
    [problem] = lines_of(output, "cannot be reached")
    assert problem.startswith("PROBLEM")
    assert f"127.0.0.1:{port} refused the connection" in problem
    after = output.splitlines()[output.splitlines().index(problem) + 1]
    assert after.strip().startswith("→ Check that printer kiosk-1 is on and cabled")


def test_a_printer_that_never_answers_is_a_problem(tmp_path: Path) -> None:
    with SilentNetworkPrinter() as printer:
        config = write_config(tmp_path, printer=network_printer(printer.port))
        code, output = doctor(config)
    assert code == 1
    [line] = lines_of(output, "does not answer the status question")
    assert line.startswith("PROBLEM")
    assert "→ Look at printer kiosk-1: on and ready" in output


def test_a_printer_out_of_paper_is_a_problem(tmp_path: Path) -> None:
    with FakeNetworkPrinter(paper=PAPER_OUT) as printer:
        config = write_config(tmp_path, printer=network_printer(printer.port))
        code, output = doctor(config, lang="id")
    assert code == 1
    assert "Kertas printer kiosk-1 habis." in output
    assert "→ Pasang gulungan kertas baru di printer kiosk-1." in output


def test_without_espeak_ng_it_says_how_to_install_it(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    code, output = doctor(config, path=str(empty))
    assert code == 1
    [line] = lines_of(output, "espeak-ng is not installed")
    assert line.startswith("PROBLEM")
    assert "→ Install espeak-ng on the server computer: apt-get install espeak-ng" in output


def test_espeak_ng_speaking_indonesian_is_ok(tmp_path: Path) -> None:
    _, output = doctor(write_config(tmp_path))
    [line] = lines_of(output, "espeak-ng speaks Indonesian")
    assert line.startswith("OK")


def test_a_full_disk_is_a_problem(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "disk") as disk:
        config = write_config(disk)
        assert doctor(config)[1]  # creates the database
        fill(disk)
        code, output = doctor(config)
    assert code == 1
    assert lines_of(output, "The database cannot save: the disk is full.")[0].startswith("PROBLEM")
    assert lines_of(output, "Disk space left: 0 %.")[0].startswith("PROBLEM")


def test_a_read_only_database_is_a_problem(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "disk") as disk:
        config = write_config(disk)
        doctor(config)
        remount_read_only(disk)
        code, output = doctor(config)
    assert code == 1
    [line] = lines_of(output, "The database is read-only")
    assert line.startswith("PROBLEM")


def test_a_bad_config_names_the_key_and_stops(tmp_path: Path) -> None:
    config = write_config(tmp_path, backup={"keep_days": 0})
    code, output = doctor(config)
    assert code == 1
    assert "backup.keep_days: Input should be greater than or equal to 1" in output
    assert len(output.splitlines()) == 3  # the fault, its advice, the total


def test_an_unreachable_public_url_is_a_problem(tmp_path: Path) -> None:
    url = f"http://{lan_address()}:{refused_port()}"
    code, output = doctor(write_config(tmp_path, public_url=url))
    assert code == 1
    [line] = lines_of(output, f"public_url {url} does not answer")
    assert line.startswith("PROBLEM")


@pytest.mark.server
def test_a_public_url_that_answers_is_ok(tmp_path: Path) -> None:
    (tmp_path / "hall").mkdir()
    server = ServerProcess(tmp_path / "hall", host="0.0.0.0")  # phones reach it
    server.start()
    try:
        public_url = f"http://{lan_address()}:{server.port}"
        config = write_config(tmp_path, public_url=public_url)
        _, output = doctor(config)
    finally:
        server.stop()
    [line] = lines_of(output, "answers as Satu Pintu")
    assert line.startswith("OK")


# ---- doctor and the dashboard say the same ----------------------------------------------------

HALL_URL = "http://192.168.1.10:8000"


def healthz_of(config_path: Path, *tickets: dict[str, str]) -> dict[str, Any]:
    """/healthz of a station built from the config file, after the kiosks took these tickets."""
    app = create_app(load_config(str(config_path)))
    app.config["TESTING"] = True
    client = app.test_client()
    for ticket in tickets:
        client.post("/api/tickets", json=ticket, base_url=HALL_URL)
    answer = client.get("/healthz").get_json()
    app.extensions["satupintu"].store.close()
    return answer


def level_in_doctor(output: str, words: str) -> str:
    """The level doctor gives the result that says `words` (its line, or the line it follows)."""
    lines = output.splitlines()
    index = next(number for number, line in enumerate(lines) if words in line)
    while lines[index].startswith(" "):
        index -= 1
    return lines[index].split()[0]


def assert_they_agree(answer: dict[str, Any], output: str) -> None:
    """Every notice of /healthz is in doctor's output, as severe, with the same advice."""
    for notice in answer["notices"]:
        assert level_in_doctor(output, notice["text"]["en"]) == notice["level"].upper()
        assert f"→ {notice['advice']['en']}" in output


def test_a_printer_that_never_answered_its_ticket_is_a_problem_for_both(tmp_path: Path) -> None:
    with SilentNetworkPrinter() as printer:
        kiosk = {"id": "kiosk-1", "name": "Kios Pintu Masuk",
                 "printer": {**network_printer(printer.port), "timeout": 0.5}}  # fmt: skip
        config = write_config(tmp_path, public_url=HALL_URL, kiosks=[kiosk])
        answer = healthz_of(config, {"service": "lapor", "kiosk": "kiosk-1"})
        code, output = doctor(config)
    assert {notice["code"]: notice["level"] for notice in answer["notices"]} == {
        "printer_unconfirmed": "problem"
    }
    assert_they_agree(answer, output)
    assert code == 1
    assert "Kios Pintu Masuk did not confirm that the last ticket came out" in output


def test_a_public_url_on_the_server_itself_is_a_warning_for_both(tmp_path: Path) -> None:
    config = write_config(tmp_path, public_url="http://127.0.0.1:8000")
    answer = healthz_of(config)
    _, output = doctor(config)
    [notice] = answer["notices"]
    assert (notice["code"], notice["level"]) == ("public_url_loopback", "warning")
    assert_they_agree(answer, output)
    assert not lines_of(output, "answers as Satu Pintu")


def test_a_preview_printer_that_prints_no_paper_is_a_warning_for_both(tmp_path: Path) -> None:
    config = write_config(tmp_path, public_url=HALL_URL, printer={"type": "preview"})
    answer = healthz_of(config, {"service": "lapor"})
    _, output = doctor(config)
    [notice] = answer["notices"]
    assert (notice["code"], notice["level"]) == ("preview_printer", "warning")
    assert notice["text"]["en"] == (
        "Printer kiosk-1 is a preview: tickets are kept as pictures and no paper comes out."
    )
    assert_they_agree(answer, output)
