"""The kiosk's spoken menu: what it says at each step and which key chooses what (pure rules),
and its two addresses, which rebuild every word from the query."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.domain.kiosk_voice import chosen, issued, menu
from tests.helpers import make_config

MANY = [
    {"id": f"s{index}", "name": f"Layanan {index}", "prefix": chr(65 + index), "unit": "SPKT"}
    for index in range(10)
]


def test_the_menu_gives_each_public_service_a_key_and_the_private_ones_one_together(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    said = menu(config, "id")
    assert said.keys == {"1": "lapor", "2": "surat", "3": "lantas", "4": "private"}
    assert "Tekan satu untuk Laporan." in said.text
    assert "Tekan empat untuk Layanan khusus atau konsultasi." in said.text  # signs as words
    assert "Pengaduan Propam" not in said.text  # a private service is named only inside
    assert [part.language for part in said.parts] == ["id", "en"]
    assert said.parts[1].text == "Press nine for English."


def test_the_private_entry_names_the_private_services_and_goes_back_with_zero(
    tmp_path: Path,
) -> None:
    said = menu(make_config(tmp_path), "en", private=True)
    assert said.keys == {"1": "propam"}
    assert said.text.startswith("Private services. Press one for Pengaduan Propam.")
    assert "Press zero to go back to the menu." in said.text
    assert said.parts[-1].text == "Tekan sembilan untuk bahasa Indonesia."


def test_more_services_than_keys_go_on_pages_with_eight_for_more(tmp_path: Path) -> None:
    config = make_config(tmp_path, services=MANY, counters=[
        {"id": "loket-1", "name": "Loket 1", "services": [service["id"] for service in MANY]}
    ])  # fmt: skip
    first, second = menu(config, "id"), menu(config, "id", 1)
    assert list(first.keys.values()) == [f"s{index}" for index in range(7)] + ["more"]
    assert "Tekan delapan untuk layanan lainnya." in first.text
    assert list(second.keys.values()) == ["s7", "s8", "s9"]
    assert "Tekan nol untuk kembali ke menu." in second.text
    assert "9" not in first.keys  # nine always switches the language


def test_a_chosen_service_offers_a_number_a_priority_number_or_says_why_not(
    tmp_path: Path,
) -> None:
    service = make_config(tmp_path).service_by_id["lapor"]
    open_now = chosen(service, "id", open_now=True, typed_number=False)
    assert open_now.keys == {"Enter": "take", "1": "priority"}
    assert open_now.text.startswith("Anda memilih Laporan. Tekan Enter")
    closed = chosen(service, "en", open_now=False, typed_number=False)
    assert (closed.keys, closed.text) == (
        {},
        "Reports is not taking numbers now. Press zero to go back to the menu.",
    )
    assert "ask an officer" in chosen(service, "en", open_now=True, typed_number=True).text


def test_a_chosen_private_service_is_said_by_the_private_entrys_words(tmp_path: Path) -> None:
    private = make_config(tmp_path).service_by_id["propam"]
    for language in ("id", "en"):
        said = chosen(private, language, open_now=True, typed_number=False)
        assert "Propam" not in said.text
        assert said.keys == {"Enter": "take", "1": "priority"}
    assert chosen(private, "id", open_now=True, typed_number=False).text.startswith(
        "Anda memilih Layanan khusus"
    )
    assert "Propam" not in chosen(private, "en", open_now=False, typed_number=False).text


def test_the_number_is_said_in_words_with_how_many_are_ahead_and_the_paper() -> None:
    said = issued("A-017", 2, True, "id")
    assert said.text.startswith("Nomor antrean Anda A tujuh belas. Ada dua orang di depan Anda.")
    assert "celah printer" in said.text
    assert issued("B-001", 1, False, "en").text.startswith(
        "Your number is B one. There is one person ahead of you. The ticket did not print."
    )
    assert "Nobody is waiting ahead of you." in issued("B-001", 0, True, "en").text


# ---- over HTTP -------------------------------------------------------------------------------


def prompt(client: FlaskClient, **query: Any) -> dict[str, Any]:
    response = client.get("/api/kiosk/prompt", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_each_step_answers_its_words_keys_and_audio_address(client: FlaskClient) -> None:
    said = prompt(client, say="menu", lang="id")
    assert said["keys"]["1"] == "lapor"
    assert said["parts"][0] == {"language": "id", "text": said["text"].split(" Press")[0]}
    assert said["audio"] == "/api/kiosk/prompt.wav?say=menu&lang=id"
    assert prompt(client, say="service", service="lapor", lang="en")["keys"] == {
        "Enter": "take",
        "1": "priority",
    }
    ticket = client.post("/api/tickets", json={"service": "lapor"}).json["ticket"]
    words = prompt(client, say="ticket", token=ticket["token"], print="failed", lang="id")
    assert words["text"].startswith("Nomor antrean Anda A satu. Tidak ada yang menunggu")
    assert "Tiket tidak tercetak." in words["text"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"say": "shout", "lang": "id"}, 400),
        ({"say": "menu", "lang": "fr"}, 400),
        ({"say": "menu", "lang": "id", "page": "-1"}, 400),
        ({"say": "menu", "lang": "id", "page": "99"}, 400),
        ({"say": "service", "lang": "id", "service": "nowhere"}, 404),
        ({"say": "ticket", "lang": "id", "token": "unknown", "print": "printed"}, 404),
        ({"say": "menu", "lang": "id", "text": "Halo"}, 200),  # extra words are never said
    ],
)
def test_a_bad_query_is_refused_and_nothing_is_said_from_the_request(
    client: FlaskClient, query: dict[str, str], status: int
) -> None:
    response = client.get("/api/kiosk/prompt", query_string=query)
    assert response.status_code == status
    assert "Halo" not in response.get_data(as_text=True).split('"audio"')[0]


def test_the_kiosk_page_offers_the_spoken_menu(client: FlaskClient) -> None:
    page = client.get("/kiosk").get_data(as_text=True)
    assert 'id="voice"' in page
    assert "Menu suara: tekan Enter pada papan tombol." in page
