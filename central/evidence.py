"""Checking a station's evidence bundle (`shared.domain.evidence`) against central's copy of
its log: the manifest signed by that station (with the digest of its key, which central
keeps), every file as the manifest names it, and the manifest's log head the very row central
holds. Any difference refuses the bundle (409 `evidence_refused`, naming what differs)."""

from __future__ import annotations

from typing import Any

from central.stations import one_station
from central.store import CentralStore
from shared.domain import evidence


def verify(store: CentralStore, data: bytes) -> dict[str, Any]:
    """What a genuine bundle is (station, period, head, files), or EvidenceRefused."""
    bundle = evidence.unpack(data)
    manifest = bundle.manifest
    station_id = manifest["station"].get("central_id")
    if not isinstance(station_id, str):
        raise evidence.EvidenceRefused("error.evidence.unsigned")
    with store.connection() as conn:
        station = one_station(conn, station_id[:40])
        if station is None:
            raise evidence.EvidenceRefused(
                "error.evidence.unknown_station", station=station_id[:40]
            )
        evidence.check_signature(bundle, station["key_hash"], station["id"])
        evidence.check_files(bundle)
        head = manifest["head"]
        if head["row"] > station["confirmed_row"]:
            raise evidence.EvidenceRefused(
                "error.evidence.not_yet", row=head["row"], confirmed=station["confirmed_row"]
            )
        held = conn.execute(
            "SELECT hash FROM events WHERE station = %s AND id = %s", [station["id"], head["row"]]
        ).fetchone()
    if held is None or held["hash"] != head["hash"]:
        raise evidence.EvidenceRefused("error.evidence.head_differs", row=head["row"])
    return {
        "verified": True,
        "station": {"id": station["id"], "name": station["name"]},
        "period": manifest["period"],
        "made_at": manifest.get("made_at"),
        "head": {"row": head["row"], "hash": head["hash"]},
        "files": [{"name": item["name"], "sha256": item["sha256"]} for item in manifest["files"]],
    }
