"""The evidence bundle's format: a ZIP of a station's reports for an SKM period and a manifest
that stamps them, and the checks anyone can make of one without the station's log.

`manifest.json` names the station (its name and its id at central), the period, when it was
made, the audit trail's head then (`{"row", "hash"}`: the hash chain's last row, what central
holds of the same row) and every other file of the ZIP with its SHA-256 and size. Its
`signature` is an HMAC-SHA256 of the manifest's canonical JSON (without the signature),
keyed by the SHA-256 (hex) of the station's central key: the station knows the key, central
keeps exactly that digest, and nobody else has either, so a file edited and its digest
changed in the manifest to match no longer carries a signature central accepts. A station
that does not ship to central signs nothing (`signature` null).

Central's check (`central.evidence`) is these checks plus the head against its copy of the
station's log.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.domain.errors import Conflict, InvalidRequest

FORMAT = "satupintu-evidence/1"
MANIFEST = "manifest.json"
MAX_BUNDLE_BYTES = 20 * 1024 * 1024
MAX_FILES = 20


class EvidenceRefused(Conflict):
    """A bundle that does not verify: edited, unsigned, or not what central holds."""

    code = "evidence_refused"

    def __init__(self, message_key: str, **params: Any) -> None:
        super().__init__(message_key, **params)
        self.details = {"reason": message_key.rsplit(".", 1)[-1]}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(manifest: Mapping[str, Any]) -> bytes:
    """The manifest's signed form: sorted keys, no spaces, UTF-8, without its signature."""
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def signature(manifest: Mapping[str, Any], key_digest: str) -> str:
    """The manifest's HMAC-SHA256, keyed by the hex SHA-256 of the station's central key."""
    return hmac.new(key_digest.encode(), canonical(manifest), hashlib.sha256).hexdigest()


def manifest(
    station: Mapping[str, Any],
    period: str,
    made_at: str,
    head: Mapping[str, Any],
    files: Mapping[str, bytes],
    key_digest: str | None,
) -> dict[str, Any]:
    """The manifest of some files, signed when the station has a central key."""
    body: dict[str, Any] = {
        "format": FORMAT,
        "station": dict(station),
        "period": period,
        "made_at": made_at,
        "head": {"row": head["row"], "hash": head["hash"]},
        "files": [
            {"name": name, "sha256": digest(data), "bytes": len(data)}
            for name, data in files.items()
        ],
    }
    body["signature"] = signature(body, key_digest) if key_digest else None
    return body


def pack(files: Mapping[str, bytes], stamp: Mapping[str, Any]) -> bytes:
    """The ZIP: the manifest first, then the files."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as bundle:
        text = json.dumps(stamp, ensure_ascii=False, indent=2, sort_keys=True)
        bundle.writestr(MANIFEST, text.encode())
        for name, data in files.items():
            bundle.writestr(name, data)
    return output.getvalue()


@dataclass(frozen=True)
class Bundle:
    manifest: dict[str, Any]
    files: dict[str, bytes]


def _valid_manifest(found: Any) -> bool:
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        return False
    station, head, files = found.get("station"), found.get("head"), found.get("files")
    return (
        isinstance(station, dict)
        and isinstance(station.get("name"), str)
        and isinstance(head, dict)
        and isinstance(head.get("row"), int)
        and not isinstance(head.get("row"), bool)
        and isinstance(head.get("hash"), str)
        and isinstance(found.get("period"), str)
        and isinstance(files, list)
        and all(
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("sha256"), str)
            for item in files
        )
    )


def unpack(data: bytes) -> Bundle:
    """A bundle's manifest and files; InvalidRequest when it is not one."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise InvalidRequest("error.evidence.not_zip")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            entries = [info for info in bundle.infolist() if not info.is_dir()]
            if len(entries) > MAX_FILES + 1 or sum(i.file_size for i in entries) > MAX_BUNDLE_BYTES:
                raise InvalidRequest("error.evidence.not_zip")
            files = {info.filename: bundle.read(info) for info in entries}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise InvalidRequest("error.evidence.not_zip") from None
    try:
        found = json.loads(files.pop(MANIFEST).decode("utf-8"))
    except (KeyError, UnicodeDecodeError, ValueError):
        raise InvalidRequest("error.evidence.manifest") from None
    if not _valid_manifest(found):
        raise InvalidRequest("error.evidence.manifest")
    return Bundle(found, files)


def check_signature(bundle: Bundle, key_digest: str, station: str) -> None:
    """The manifest is the one the station signed (EvidenceRefused otherwise)."""
    given = bundle.manifest.get("signature")
    if not given:
        raise EvidenceRefused("error.evidence.unsigned")
    if not isinstance(given, str) or not hmac.compare_digest(
        given, signature(bundle.manifest, key_digest)
    ):
        raise EvidenceRefused("error.evidence.signature", station=station)


def check_files(bundle: Bundle) -> None:
    """Every file the manifest names is there with its digest, and there is no other."""
    named = {item["name"]: item["sha256"] for item in bundle.manifest["files"]}
    for name, expected in named.items():
        if name not in bundle.files:
            raise EvidenceRefused("error.evidence.file_missing", file=name[:100])
        if not hmac.compare_digest(digest(bundle.files[name]), expected):
            raise EvidenceRefused("error.evidence.file_changed", file=name[:100])
    extra = sorted(set(bundle.files) - set(named))
    if extra:
        raise EvidenceRefused("error.evidence.file_extra", file=extra[0][:100])
