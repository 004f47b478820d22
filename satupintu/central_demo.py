"""`make central`: a province on one machine, to try the central server in a minute.

Starts a throw-away PostgreSQL (on a unix socket in a temporary folder), `satupintu central
serve`, and two demo stations built from the bundled config.yaml that ship their logs to it,
with a little traffic (a citizen takes a ticket every few seconds, an officer calls and
serves). Prints every address and password; Ctrl-C stops everything and removes the folder.
`start_demo` starts everything but PostgreSQL (the tests run it on theirs).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from central.scratch import ScratchPostgres
from central.stations import add_station
from central.store import CentralStore
from central.users import add_user
from shared.domain.clock import SystemClock
from shared.domain.yamltext import safe_load

ROOT = Path(__file__).resolve().parent.parent
SATUPINTU = str(Path(sys.executable).with_name("satupintu"))
STATIONS = (("kupang", "SPKT Polres Kupang"), ("soe", "SPKT Polres Timor Tengah Selatan"))
PREFERRED_PORTS = (8100, 8001, 8002)


def free_port(preferred: int) -> int:
    """`preferred` if nothing listens there, else any free port."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def add_station_user(config: Path, user: str, role: str, password: str) -> None:
    command = [SATUPINTU, "user", "add", user, "--role", role, "--password-stdin"]
    subprocess.run(  # noqa: S603 (our own command)
        [*command, "--config", str(config)],
        input=password + "\n", check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def start(args: list[str], log: Path, url: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 (our own command)
            [SATUPINTU, *args], stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"{args[0]} stopped: {log.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/api/me", timeout=1)  # noqa: S310
        except urllib.error.HTTPError:
            return process  # it answers (401: nobody logged in)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{args[0]} did not start: {log.read_text()}")


def station_config(folder: Path, station_id: str, name: str, central: str, key: str) -> Path:
    data = safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["station"]["name"] = name
    data["database"] = str(folder / "satupintu.db")
    data["printer"] = {"type": "none"}
    data["kiosks"] = [{"id": kiosk["id"]} for kiosk in data.get("kiosks", [])]
    data["central"] = {"url": central, "station": station_id, "key": key}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def counters_by_service(config: dict[str, Any]) -> dict[str, list[str]]:
    """The counters calling each always-open service (the demo's citizens take only those)."""
    found: dict[str, list[str]] = {}
    for service in config["services"]:
        if "hours" in service:
            continue
        calling = [c["id"] for c in config["counters"] if service["id"] in c["services"]]
        if calling:
            found[service["id"]] = calling
    return found


def traffic(stations: list[dict[str, Any]], stop: threading.Event) -> None:
    """Citizens take tickets now and then; an officer at each station calls and serves."""
    rng = random.Random()
    openers = {}
    for station in stations:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with contextlib.suppress(OSError):  # a station stopped meanwhile: its officer waits
            post(opener, f"{station['url']}/api/login",
                 {"username": "petugas", "password": station["officer_password"]})  # fmt: skip
        openers[station["url"]] = opener
    while not stop.wait(rng.uniform(2, 5)):
        station = rng.choice(stations)
        opener = openers[station["url"]]
        service = rng.choice(list(station["counters"]))
        with contextlib.suppress(OSError):
            post(opener, f"{station['url']}/api/tickets", {"service": service})
            counter = rng.choice(station["counters"][service])
            post(opener, f"{station['url']}/api/counters/{counter}/call-next", {})


def post(opener: urllib.request.OpenerDirector, url: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(  # noqa: S310 (our own local servers)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with contextlib.suppress(urllib.error.HTTPError):
        opener.open(request, timeout=10).read()


@dataclass
class Demo:
    """A running demo province: central's address and admin password, the stations, and what
    `stop` ends."""

    folder: Path
    central_url: str
    central_password: str
    stations: list[dict[str, Any]] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    traffic_stop: threading.Event = field(default_factory=threading.Event)

    def stopped(self) -> bool:
        """Whether a server of the demo has stopped."""
        return any(process.poll() is not None for process in self.processes)

    def stop(self) -> None:
        self.traffic_stop.set()
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


def start_demo(
    folder: Path, postgres: ScratchPostgres, ports: tuple[int, ...] = PREFERRED_PORTS
) -> Demo:
    """Central on a new database of the running `postgres`, two stations shipping to it and
    their traffic, everything kept in `folder`; the caller stops it (`Demo.stop`)."""
    database = postgres.create_database(f"satupintu_central_{secrets.token_hex(4)}")
    central_port, *station_ports = (free_port(port) for port in ports)
    central_config = folder / "central.yaml"
    central_config.write_text(
        yaml.safe_dump({"name": "Polda NTT (demo)", "database": database}), encoding="utf-8"
    )
    store = CentralStore(database)
    now = SystemClock().now()
    demo = Demo(folder, f"http://127.0.0.1:{central_port}", secrets.token_urlsafe(9))
    add_user(store, "admin", "admin", demo.central_password, now)
    for (station_id, name), port in zip(STATIONS, station_ports, strict=True):
        key = add_station(store, station_id, name, now)
        config = station_config(folder / station_id, station_id, name, demo.central_url, key)
        passwords = {"admin": secrets.token_urlsafe(9), "petugas": secrets.token_urlsafe(9)}
        add_station_user(config, "admin", "admin", passwords["admin"])
        add_station_user(config, "petugas", "officer", passwords["petugas"])
        loaded = safe_load(config.read_text(encoding="utf-8"))
        demo.stations.append({
            "id": station_id, "name": name, "config": config,
            "url": f"http://127.0.0.1:{port}", "port": port,
            "admin_password": passwords["admin"], "officer_password": passwords["petugas"],
            "counters": counters_by_service(loaded),
        })  # fmt: skip
    store.close()
    try:
        serve = ["central", "serve", "--port", str(central_port), "--config", str(central_config)]
        demo.processes.append(start(serve, folder / "central.log", demo.central_url))
        for station in demo.stations:
            serve = ["serve", "--port", str(station["port"]), "--config", str(station["config"])]
            demo.processes.append(start(serve, folder / f"{station['id']}.log", station["url"]))
    except BaseException:
        demo.stop()
        raise
    threading.Thread(target=traffic, args=(demo.stations, demo.traffic_stop), daemon=True).start()
    return demo


def main() -> None:
    for stopping in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, even when started in background
        signal.signal(stopping, signal.default_int_handler)
    folder = Path(tempfile.mkdtemp(prefix="satupintu-central-demo-"))
    postgres = ScratchPostgres()
    demo: Demo | None = None
    try:
        print("Starting a throw-away PostgreSQL …", flush=True)
        postgres.start()
        print("Starting the central server and two stations …", flush=True)
        demo = start_demo(folder, postgres)
        print(f"\nCentral oversight:  {demo.central_url}/   user admin, password "
              f"{demo.central_password}")  # fmt: skip
        for station in demo.stations:
            officer = f"officer petugas, password {station['officer_password']}"
            print(f"{station['name']}:  {station['url']}/   user admin, password "
                  f"{station['admin_password']}; {officer}")  # fmt: skip
        print(f"\nLogs and configs in {folder}. A citizen takes a ticket every few seconds;")
        print("the stations ship their logs to central within seconds. Ctrl-C stops everything.")
        while not demo.stopped():
            time.sleep(1)
        print("A server stopped; see its log above. Stopping the rest.")
    except KeyboardInterrupt:
        print("\nStopping …")
    finally:
        if demo is not None:
            demo.stop()
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
