"""The frames the server writes to a websocket are the ones wsproto would write: a broadcast's
frame built once for every recipient, and several packets written at once, change nothing on
the wire."""

from __future__ import annotations

import pytest
from engineio import packet as eio_packet
from wsproto import ConnectionType
from wsproto.connection import Connection
from wsproto.events import BytesMessage, TextMessage
from wsproto.extensions import PerMessageDeflate

from shared.web.socket_server import compressed_frames, frame, frame_of


def wsproto_frame(message: str | bytes) -> bytes:
    event = TextMessage(data=message) if isinstance(message, str) else BytesMessage(data=message)
    return Connection(ConnectionType.SERVER).send(event)


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_frames_match_wsproto_at_every_length(size: int) -> None:
    text = "42" + "é" * (size // 2) + "a" * (size % 2)
    assert frame(text) == wsproto_frame(text)
    assert frame(text.encode()) == wsproto_frame(text.encode())


def test_a_broadcast_packet_is_framed_once_for_all_its_recipients() -> None:
    packet = eio_packet.Packet(eio_packet.MESSAGE, '2["board.events",{"events":[]}]')
    first = frame_of(packet)
    assert first == wsproto_frame(packet.encode())
    assert frame_of(packet) is first


def deflating() -> Connection:
    """A server connection that negotiated permessage-deflate, as with a browser."""
    extension = PerMessageDeflate()
    extension.finalize("permessage-deflate")
    return Connection(ConnectionType.SERVER, extensions=[extension])


def test_compressed_connections_get_their_own_frames() -> None:
    packets = [
        eio_packet.Packet(eio_packet.MESSAGE, f'2["ticket.update",{{"n":{n}}}]') for n in (1, 2)
    ]
    ours, theirs = deflating(), deflating()
    expected = b"".join(theirs.send(TextMessage(data=p.encode())) for p in packets)
    assert compressed_frames(packets, ours) == expected  # type: ignore[arg-type]
    assert expected != b"".join(frame_of(p) for p in packets)  # compressed indeed
