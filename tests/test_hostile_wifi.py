"""The hall's Wi-Fi is hostile, against a real `satupintu serve`: addresses on 127.0.0.0/8
other than 127.0.0.1 stand in for phones and other devices. While a client floods the
sockets or hoards connections, the kiosk keeps being served (its latency is printed)."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio

from kiosk.qr import qr_svg
from shared.domain.clock import SHIFT_FILE_ENV
from tests.helpers import BASE_CONFIG
from tests.realserver import ServerProcess

pytestmark = pytest.mark.server


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Requests sent from a given local address (another "device" on this machine)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]


def device(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAdapter(address))
    return session


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    limits = {
        **BASE_CONFIG["limits"],
        "connections_per_address": 40,
        "request_seconds": 10,
        "socket_events_per_second": 10,
        "socket_connects_per_minute": 60,
    }
    process = ServerProcess(tmp_path, limits=limits)
    process.add_user("budi")
    process.start()
    yield process
    process.stop()


class Kiosk(threading.Thread):
    """The server's own kiosk issuing tickets one after another, timing each."""

    def __init__(self, server: ServerProcess) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.latencies: list[float] = []
        self.statuses: list[int] = []
        self.stop = threading.Event()

    def run(self) -> None:
        http = requests.Session()
        while not self.stop.is_set():
            started = time.perf_counter()
            response = http.post(
                f"{self.server.url}/api/tickets", json={"service": "lapor"}, timeout=30
            )
            self.latencies.append(time.perf_counter() - started)
            self.statuses.append(response.status_code)
            time.sleep(0.05)

    def finish(self, label: str) -> None:
        self.stop.set()
        self.join(timeout=60)
        assert self.statuses and set(self.statuses) == {201}
        print(
            f"\n{label}: kiosk issued {len(self.latencies)} tickets, "
            f"median {statistics.median(self.latencies) * 1000:.0f} ms, "
            f"worst {max(self.latencies) * 1000:.0f} ms"
        )


def test_a_client_flooding_snapshots_is_cut_off_while_the_kiosk_is_served(
    server: ServerProcess,
) -> None:
    kiosk = Kiosk(server)
    kiosk.start()
    flooder = socketio.Client(reconnection=False)
    flooder.connect(server.url, transports=["websocket"])
    deadline = time.monotonic() + 5
    sent = 0
    while flooder.connected and time.monotonic() < deadline:
        try:
            flooder.emit("snapshot", {})
        except socketio.exceptions.BadNamespaceError:
            break
        sent += 1
    gone = time.monotonic() + 15  # the server may still be working through what was sent
    while flooder.connected and time.monotonic() < gone:
        time.sleep(0.1)
    assert not flooder.connected  # disconnected by the server, not by us
    kiosk.finish(f"snapshot flood ({sent} events sent)")
    board = server.socket()
    assert board.wait_for("snapshot")["seq"] > 0  # everyone else is still served
    board.close()


def test_hoarded_and_half_sent_connections_are_capped_and_timed_out(
    server: ServerProcess,
) -> None:
    kiosk = Kiosk(server)
    kiosk.start()
    hoarded = []
    for _ in range(60):
        connection = socket.create_connection(
            ("127.0.0.1", server.port), source_address=("127.0.0.2", 0)
        )
        hoarded.append(connection)
    half = socket.create_connection(("127.0.0.1", server.port), source_address=("127.0.0.3", 0))
    half.sendall(b"GET /api/services HTTP/1.1\r\nHost: x\r\n")  # and never the rest
    time.sleep(1)

    def closed(connection: socket.socket, wait: float) -> bool:
        """Whether the server closed it (maybe after answering 400) within `wait` seconds."""
        connection.settimeout(wait)
        try:
            connection.recv(1024)
        except TimeoutError:
            return False
        except OSError:
            return True  # reset
        return True

    refused = sum(closed(connection, 0.2) for connection in hoarded)
    assert refused == 60 - 40  # beyond the per-address cap the server closed at once
    time.sleep(11)  # longer than the server's header deadline (10 s)
    assert closed(half, 2)
    assert all(closed(connection, 0.2) for connection in hoarded)
    kiosk.finish("60 idle connections and a half-sent request")
    for connection in [*hoarded, half]:
        connection.close()


def test_only_kiosks_issue_tickets(server: ServerProcess) -> None:
    phone = device("127.0.0.2")
    refused = phone.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    assert refused.status_code == 403
    own = requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    assert own.status_code == 201


def test_a_made_up_host_header_never_reaches_the_qr_code(server: ServerProcess) -> None:
    ticket = requests.post(
        f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10
    ).json()["ticket"]
    spoofed = requests.get(
        f"{server.url}/t/{ticket['token']}/qr.svg", headers={"Host": "evil.example"}, timeout=10
    )
    assert spoofed.content == qr_svg(f"http://127.0.0.1:{server.port}/t/{ticket['token']}")


def test_forwarded_addresses_are_believed_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    """Behind the trusted proxy (here 127.0.0.1) a phone's request is the phone's; without
    `trusted_proxies` the same header is ignored and the request is the server's own."""
    forwarded = {"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Proto": "https"}
    (tmp_path / "proxied").mkdir()
    proxied = ServerProcess(tmp_path / "proxied", trusted_proxies=["127.0.0.1"])
    proxied.add_user("budi")
    proxied.start()
    try:
        phone = requests.post(
            f"{proxied.url}/api/tickets", json={"service": "lapor"}, headers=forwarded, timeout=10
        )
        assert phone.status_code == 403
        login = requests.post(
            f"{proxied.url}/api/login",
            json={"username": "budi", "password": "rahasia-123"},
            headers=forwarded,
            timeout=10,
        )
        assert "Secure" in login.headers["Set-Cookie"]  # the proxy speaks HTTPS to browsers
    finally:
        proxied.stop()
    (tmp_path / "direct").mkdir()
    direct = ServerProcess(tmp_path / "direct")
    direct.start()
    try:
        own = requests.post(
            f"{direct.url}/api/tickets", json={"service": "lapor"}, headers=forwarded, timeout=10
        )
        assert own.status_code == 201
    finally:
        direct.stop()


def test_a_real_server_holds_its_time_when_its_clock_jumps(tmp_path: Path) -> None:
    shift = tmp_path / "clock-shift"
    shift.write_text("0")
    jumping = ServerProcess(tmp_path, env={SHIFT_FILE_ENV: str(shift)})
    jumping.add_user("sari", "supervisor")
    jumping.start()
    try:
        first = requests.post(f"{jumping.url}/api/tickets", json={"service": "lapor"}, timeout=10)
        shift.write_text(str(26 * 3600))  # the clock jumps 26 hours ahead
        second = requests.post(f"{jumping.url}/api/tickets", json={"service": "lapor"}, timeout=10)
        assert second.json()["ticket"]["number"] == "A-002"  # no new day on a jump alone
        assert second.json()["ticket"]["issued_at"][:10] == first.json()["ticket"]["issued_at"][:10]
        supervisor = jumping.session("sari")
        clock = supervisor.get(f"{jumping.url}/api/admin/dashboard", timeout=30).json()["clock"]
        assert clock["off_minutes"] >= 26 * 60 - 1
        shift.write_text("0")  # put right
        third = requests.post(f"{jumping.url}/api/tickets", json={"service": "lapor"}, timeout=10)
        assert third.json()["ticket"]["number"] == "A-003"
        back = supervisor.get(f"{jumping.url}/api/admin/dashboard", timeout=30).json()["clock"]
        assert back is None
    finally:
        jumping.stop()


def test_reports_are_computed_off_the_loop_that_serves_the_hall(server: ServerProcess) -> None:
    """The report comes from the server's reads worker, a process of its own."""
    for _ in range(5):
        requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    supervisor = server.session("budi")  # an officer: refused, and no worker is needed
    assert supervisor.get(f"{server.url}/api/admin/reports", timeout=30).status_code == 403
    server.add_user("sari", "supervisor")
    supervisor = server.session("sari")
    kiosk = Kiosk(server)
    kiosk.start()
    report = supervisor.get(f"{server.url}/api/admin/reports", timeout=60)
    assert report.status_code == 200
    assert report.json()["totals"]["issued"] >= 5
    assert report.json()["audit"]["verified"] is True
    kiosk.finish("a report")
    assert server.process is not None
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    names = [Path(f"/proc/{pid}/comm").read_text() for pid in children.read_text().split()]
    assert "satupintu-reads\n" in names
