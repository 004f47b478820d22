"""deploy/install, deploy/uninstall and deploy/kiosk-screen run for real against a temporary
root prefix: files land where they should with the right owners and modes, systemd accepts
the units, the installed server starts and the printed password logs in, and nothing outside
the prefix is touched."""

from __future__ import annotations

import grp
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml

from shared.domain.config import load_config
from tests.realserver import free_port

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
REAL_PLACES = [Path("/etc/satupintu"), Path("/opt/satupintu"), Path("/var/lib/satupintu")]
UNITS = ["satupintu.service", "satupintu-backup.service", "satupintu-backup.timer"]

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the installer runs as root")


def new_root(folder: Path) -> Path:
    """A root prefix with this machine's user database, as a fresh Debian system has one."""
    (folder / "etc").mkdir(parents=True)
    for name in ("passwd", "group", "shadow", "gshadow", "login.defs"):
        shutil.copy2(Path("/etc") / name, folder / "etc" / name)
    return folder


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def ids(root: Path, name: str) -> tuple[int, int]:
    for line in (root / "etc" / "passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == name:
            return int(fields[2]), int(fields[3])
    raise AssertionError(f"no user {name} in {root}/etc/passwd")


def owner_and_mode(path: Path) -> tuple[int, int, str]:
    info = path.lstat()
    return info.st_uid, info.st_gid, oct(stat.S_IMODE(info.st_mode))


def outside_state() -> list[object]:
    """What the tests must leave alone: this machine's own places and users."""
    passwd = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    return [passwd, *(place.exists() for place in REAL_PLACES)]


def machine_nut() -> dict[str, bytes]:
    """This machine's own NUT configuration (none where NUT is not installed)."""
    return {path.name: path.read_bytes() for path in Path("/etc/nut").glob("*") if path.is_file()}


@dataclass
class Installed:
    root: Path
    output: str
    outside_before: list[object]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    before = outside_state()
    root = new_root(tmp_path_factory.mktemp("root"))
    done = run(DEPLOY / "install", "--root", root, "--port", "8123")
    return Installed(root, done.stdout, before)


@pytest.mark.server
def test_files_land_where_they_should_with_owners_and_modes(installed: Installed) -> None:
    root = installed.root
    uid, gid = ids(root, "satupintu")
    assert (root / "etc/passwd").read_text().count("\nsatupintu:") == 1
    assert re.search(r"^satupintu:x:\d+:\d+:Satu Pintu:/var/lib/satupintu:/usr/sbin/nologin$",
                     (root / "etc/passwd").read_text(), re.M)  # fmt: skip
    groups = (root / "etc/group").read_text()
    assert re.search(r"^lp:.*satupintu", groups, re.M) and re.search(
        r"^dialout:.*satupintu", groups, re.M
    )
    expected = {
        "etc/satupintu": (0, gid, "0o750"),
        "etc/satupintu/config.yaml": (0, gid, "0o640"),
        "etc/satupintu/config.example.yaml": (0, 0, "0o644"),
        "etc/satupintu/satupintu.env": (0, 0, "0o644"),
        "var/lib/satupintu": (uid, gid, "0o750"),
        "var/lib/satupintu/backups": (uid, gid, "0o750"),
        "var/lib/satupintu/satupintu.db": (uid, gid, "0o600"),
        "opt/satupintu/src/README.md": (0, 0, "0o644"),
        "opt/satupintu/src/docs/technician.md": (0, 0, "0o644"),
        "opt/satupintu/venv/bin/satupintu": (0, 0, "0o755"),
        "usr/local/bin/satupintu": (0, 0, "0o755"),
        **{f"etc/systemd/system/{unit}": (0, 0, "0o644") for unit in UNITS},
    }
    assert {path: owner_and_mode(root / path) for path in expected} == expected
    assert os.readlink(root / "etc/satupintu/var") == "/var/lib/satupintu"
    assert (root / "etc/satupintu/satupintu.env").read_text().splitlines()[1:] == [
        "HOST=0.0.0.0",
        "PORT=8123",
    ]
    assert not (root / "opt/satupintu/src/.git").exists()
    assert (root / "opt/satupintu/src/shared/static/vendor/socket.io.min.js").exists()


@pytest.mark.server
def test_the_config_points_the_data_at_var_lib(installed: Installed) -> None:
    config = load_config(installed.root / "etc/satupintu/config.yaml")
    assert config.database == "/var/lib/satupintu/satupintu.db"
    assert config.printer.type == "preview"
    assert config.printer.directory == "/var/lib/satupintu/prints"
    assert str(config.backup_directory) == "/var/lib/satupintu/backups"
    example = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    assert config.station.name == example["station"]["name"]


@pytest.mark.server
def test_systemd_accepts_the_units(installed: Installed, tmp_path: Path) -> None:
    """In the prefix, with Debian's own units beside ours (they name sysinit.target and the
    like) and our ExecStart binary installed there for real."""
    root = installed.root
    shutil.copytree("/lib/systemd/system", root / "lib/systemd/system", symlinks=True)
    done = run("systemd-analyze", "verify", f"--root={root}", *UNITS)
    assert done.stderr == ""
    broken = root / "etc/systemd/system/satupintu.service"
    original = broken.read_text()
    broken.write_text(original.replace("Restart=on-failure", "Restart=sometimes"))
    try:
        complaint = run("systemd-analyze", "verify", f"--root={root}", "satupintu.service").stderr
    finally:
        broken.write_text(original)
    assert "Failed to parse service restart specifier" in complaint
    service = original
    for line in ("ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes",
                 "LimitNOFILE=65536", "Restart=on-failure", "User=satupintu",
                 "StandardOutput=journal", "ReadWritePaths=/var/lib/satupintu -/var/spool/gammu",
                 "CapabilityBoundingSet=", "SystemCallFilter=@system-service"):  # fmt: skip
        assert f"\n{line}\n" in service, line


def _password(output: str) -> str:
    [password] = re.findall(r"'admin' with the password:\s+(\S+)", output)
    return password


@pytest.mark.server
def test_the_installed_server_starts_and_the_printed_password_logs_in(installed: Installed) -> None:
    root = installed.root
    port = free_port()
    env = {**os.environ, "SATUPINTU_DB": str(root / "var/lib/satupintu/satupintu.db")}
    server = subprocess.Popen(
        [root / "opt/satupintu/venv/bin/satupintu", "serve", "--port", str(port),
         "--config", root / "etc/satupintu/config.yaml"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(server, url)
        http = requests.Session()
        login = {"username": "admin", "password": _password(installed.output)}
        assert http.post(f"{url}/api/login", json=login, timeout=10).status_code == 200
        assert http.get(f"{url}/api/admin/dashboard", timeout=10).status_code == 200
        assert http.get(f"{url}/healthz", timeout=10).json()["checks"]
    finally:
        os.killpg(server.pid, 15)
        output, _ = server.communicate(timeout=20)
    assert "Created the first user" not in output  # the installer made it already


def wait_until_serving(server: subprocess.Popen[str], url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "the installed server exited"
        try:
            requests.get(f"{url}/api/services", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("the installed server did not start")


@pytest.mark.server
def test_running_it_again_upgrades_and_keeps_the_config_and_the_data(
    installed: Installed,
) -> None:
    root = installed.root
    config = root / "etc/satupintu/config.yaml"
    edited = config.read_text().replace('name: "SPKT Polres Kupang"', 'name: "SPKT Polres Uji"')
    edited += "power: {ups: aula@localhost, user: satupintu, password: rahasia-ups}\n"
    config.write_text(edited)
    again = run(DEPLOY / "install", "--root", root)
    assert "Satu Pintu is upgraded" in again.stdout
    assert "[aula]" in (root / "etc/nut/ups.conf").read_text()  # a UPS in the config: NUT set up
    assert "password = rahasia-ups" in (root / "etc/nut/upsd.users").read_text()
    assert "with the password" not in again.stdout
    assert config.read_text() == edited
    [before] = (root / "var/lib/satupintu/backups").glob("before-upgrade-*.db")
    assert before.stat().st_uid == ids(root, "satupintu")[0]
    wrapper = root / "usr/local/bin/satupintu"
    run("sh", "-n", wrapper)
    assert "exec runuser -u satupintu -- /opt/satupintu/venv/bin/satupintu" in wrapper.read_text()
    users = subprocess.run(
        [root / "opt/satupintu/venv/bin/satupintu", "user", "list", "--config", config],
        env={**os.environ, "SATUPINTU_DB": str(root / "var/lib/satupintu/satupintu.db")},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert users == "admin\tadmin\tenabled\tall units\n"
    assert outside_state() == installed.outside_before


@pytest.mark.external
def test_nut_is_prepared_for_a_ups_on_this_machine_and_kept_as_it_is_after(
    tmp_path: Path,
) -> None:
    root = new_root(tmp_path / "root")
    before = outside_state(), machine_nut()
    setup = [DEPLOY / "nut-setup", "--root", root, "--ups", "hall@localhost:3500", "--user", "sp"]
    env = {**os.environ, "NUT_PASSWORD": "rahasia ups"}
    for _ in range(2):  # a second run changes nothing
        done = subprocess.run(setup, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    nut = root / "etc/nut"
    assert (nut / "nut.conf").read_text() == "MODE=standalone\n"
    assert (nut / "ups.conf").read_text().count("[hall]") == 1
    assert "driver = usbhid-ups" in (nut / "ups.conf").read_text()
    assert (nut / "upsd.conf").read_text() == "LISTEN 127.0.0.1 3500\n"
    users = nut / "upsd.users"
    assert users.read_text().count("[sp]") == 1
    assert "password = rahasia ups" in users.read_text()
    assert owner_and_mode(users)[2] == "0o640"  # the password is not for everyone
    assert (outside_state(), machine_nut()) == before  # this machine's own NUT untouched


@pytest.mark.external
def test_gammu_smsd_is_set_up_for_sms_and_an_edited_config_is_kept(tmp_path: Path) -> None:
    from shared.domain.smsd_config import read_smsd_config

    root = new_root(tmp_path / "root")
    (root / "etc/gammu-smsdrc").write_text(DEBIAN_SMSDRC)  # as the Debian package leaves it
    before = outside_state(), Path("/etc/gammu-smsdrc").read_bytes()
    setup = [DEPLOY / "smsd-setup", "--root", root, "--smsdrc", "/etc/gammu-smsdrc", "--user",
             "nobody"]  # fmt: skip
    run(*setup)
    smsdrc = root / "etc/gammu-smsdrc"
    written = smsdrc.read_text()
    assert "device = /dev/ttyUSB0" in written and "/dev/null" not in written
    folders = read_smsd_config(smsdrc)
    assert folders.outbox == Path("/var/spool/gammu/outbox")
    gammu = grp.getgrnam("gammu").gr_gid if _has_group("gammu") else None
    for folder in (folders.inbox, folders.outbox, folders.sent, folders.error):
        owner, group, mode = owner_and_mode(root / str(folder).lstrip("/"))
        assert (owner, mode) == (0, "0o2770")
        assert gammu is None or group == gammu
    assert "nobody" in next(
        line for line in (root / "etc/group").read_text().splitlines() if line.startswith("gammu:")
    )
    smsdrc.write_text(written.replace("/dev/ttyUSB0", "/dev/ttyACM0"))
    again = run(*setup)  # a config set up already is the technician's: kept
    assert "Keeping /etc/gammu-smsdrc" in again.stdout
    assert "device = /dev/ttyACM0" in smsdrc.read_text()
    assert (outside_state(), Path("/etc/gammu-smsdrc").read_bytes()) == before


DEBIAN_SMSDRC = """[gammu]
port = /dev/null
connection = at

[smsd]
service = files
logfile = syslog
inboxpath = /var/spool/gammu/inbox/
outboxpath = /var/spool/gammu/outbox/
sentsmspath = /var/spool/gammu/sent/
errorsmspath = /var/spool/gammu/error/
"""


def _has_group(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


@pytest.mark.external
def test_a_ups_on_another_machine_needs_nothing_here_and_a_bad_name_is_refused(
    tmp_path: Path,
) -> None:
    root = new_root(tmp_path / "root")
    remote = run(DEPLOY / "nut-setup", "--root", root, "--ups", "hall@192.168.1.5")
    assert "served by 192.168.1.5" in remote.stdout
    assert not (root / "etc/nut").exists()
    bad = subprocess.run(
        [DEPLOY / "nut-setup", "--root", root, "--ups", "hall"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "--ups must be NAME@HOST or NAME@HOST:PORT" in bad.stderr


@pytest.mark.server
def test_a_config_the_new_code_refuses_stops_the_install_before_any_start(
    tmp_path: Path,
) -> None:
    root = new_root(tmp_path / "root")
    (root / "etc/satupintu").mkdir(parents=True)
    config = root / "etc/satupintu/config.yaml"
    config.write_text((ROOT / "config.yaml").read_text() + "backup_typo: 1\n")
    done = subprocess.run(
        [DEPLOY / "install", "--root", root],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "the config does not suit this version, so the server was not restarted" in done.stderr
    assert "backup_typo: unknown key" in done.stderr
    assert not (root / "var/lib/satupintu/satupintu.db").exists()
    assert config.read_text().endswith("backup_typo: 1\n")  # never overwritten


@pytest.mark.server
def test_uninstall_keeps_the_data_unless_asked(installed: Installed, tmp_path: Path) -> None:
    root = installed.root
    run(DEPLOY / "uninstall", "--root", root)
    assert not (root / "opt/satupintu").exists()
    assert not (root / "usr/local/bin/satupintu").exists()
    assert not any((root / "etc/systemd/system").glob("satupintu*"))
    assert (root / "var/lib/satupintu/satupintu.db").exists()
    assert (root / "etc/satupintu/config.yaml").exists()
    run(DEPLOY / "uninstall", "--root", root, "--purge")
    assert not (root / "var/lib/satupintu").exists() and not (root / "etc/satupintu").exists()
    assert "\nsatupintu:" not in (root / "etc/passwd").read_text()
    assert outside_state() == installed.outside_before


@pytest.mark.external
def test_a_screen_starts_chromium_with_the_documented_flags(tmp_path: Path) -> None:
    before = outside_state()
    root = new_root(tmp_path / "screen")
    board = run(DEPLOY / "kiosk-screen", "http://192.168.1.10:8000/board", "--root", root)
    flags = "--kiosk --noerrdialogs --autoplay-policy=no-user-gesture-required"
    assert f"chromium {flags} http://192.168.1.10:8000/board" in board.stdout
    assert "--kiosk --noerrdialogs --autoplay-policy=no-user-gesture-required" in GUIDE
    conf = root / "etc/satupintu-screen.conf"
    assert f"FLAGS='{flags}'" in conf.read_text()
    kiosk = run(DEPLOY / "kiosk-screen", "http://192.168.1.10:8000/kiosk/kiosk-1", "--root", root)
    assert "chromium --kiosk --noerrdialogs http://192.168.1.10:8000/kiosk/kiosk-1" in kiosk.stdout
    assert "URL='http://192.168.1.10:8000/kiosk/kiosk-1'" in conf.read_text()
    uid, gid = ids(root, "kiosk")
    home = root / "home/kiosk"
    assert owner_and_mode(home) == (uid, gid, "0o750")
    assert owner_and_mode(home / ".xinitrc") == (uid, gid, "0o755")
    assert owner_and_mode(home / ".bash_profile") == (uid, gid, "0o644")
    run("sh", "-n", home / ".xinitrc")
    run("bash", "-n", home / ".bash_profile")
    xinit = (home / ".xinitrc").read_text()
    assert "xset s off" in xinit and "xset -dpms" in xinit and "xset s noblank" in xinit
    assert "matchbox-window-manager" in xinit  # without one, --kiosk is no full screen
    policy = json.loads((root / "etc/chromium/policies/managed/satupintu-screen.json").read_text())
    assert policy["TranslateEnabled"] is False and policy["AutoplayAllowed"] is True
    locked = {
        "DeveloperToolsAvailability": 2,
        "AllowFileSelectionDialogs": False,
        "DownloadRestrictions": 3,
        "PrintingEnabled": False,
        "IncognitoModeAvailability": 1,
        "BrowserGuestModeEnabled": False,
        "ExtensionInstallBlocklist": ["*"],
        "DefaultPopupsSetting": 2,
        "URLBlocklist": ["*"],
        "URLAllowlist": ["http://192.168.1.10:8000"],
    }
    assert {name: policy.get(name) for name in locked} == locked
    autologin = root / "etc/systemd/system/getty@tty1.service.d/satupintu-autologin.conf"
    assert "--autologin kiosk" in autologin.read_text()
    shutil.copytree("/lib/systemd/system", root / "lib/systemd/system", symlinks=True)
    (root / "sbin").mkdir()
    shutil.copy2("/sbin/agetty", root / "sbin/agetty")
    assert run("systemd-analyze", "verify", f"--root={root}", "getty@tty1.service").stderr == ""
    assert outside_state() == before


GUIDE = (ROOT / "docs/technician.md").read_text(encoding="utf-8")


@pytest.mark.external
def test_a_screen_on_the_server_keeps_the_configs_directory_closed(tmp_path: Path) -> None:
    root = new_root(tmp_path / "both")
    (root / "etc/satupintu").mkdir(mode=0o750)
    (root / "etc/satupintu").chmod(0o750)  # as deploy/install leaves it
    run(DEPLOY / "kiosk-screen", "https://antrean.example/board?x=1", "--root", root)
    assert owner_and_mode(root / "etc/satupintu")[2] == "0o750"
    assert list((root / "etc/satupintu").iterdir()) == []
    assert owner_and_mode(root / "etc/satupintu-screen.conf")[2] == "0o644"
    policy = json.loads((root / "etc/chromium/policies/managed/satupintu-screen.json").read_text())
    assert policy["URLAllowlist"] == ["https://antrean.example"]


@pytest.mark.external
def test_a_screen_needs_a_url(tmp_path: Path) -> None:
    done = subprocess.run(
        [DEPLOY / "kiosk-screen", "--root", new_root(tmp_path / "r")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "give the page's URL" in done.stderr
