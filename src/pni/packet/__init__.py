"""Sensemaking packets: a facilitator file (guide and agenda, whose stories these are, the deal,
pattern sheets, observations, lenses) and a packet per small group (story cards, exercise
worksheets, the capture sheet), built from the store; the capture template that `pni record`
reads back (``write_capture_template``). Printing them is
``pni.render.write_packets`` (render depends on packet's model, never the other way round).

>>> from pni.packet import PacketOptions, build_packets
"""

from pni.packet.build import PacketOptions, build_packets
from pni.packet.capture import write_capture_template
from pni.packet.model import Packet

__all__ = ["Packet", "PacketOptions", "build_packets", "write_capture_template"]


def group_labels(packets: list[Packet]) -> list[str]:
    """The groups a capture template makes rows for, named as on the packets' covers."""
    named = [p.cover.group for p in packets if p.kind == "group"]
    return named or [f"{(packets[0].labels if packets else {}).get('group', 'Group')} 1"]
