"""Sensemaking packets: a facilitator guide, pattern worksheets, story cards, exercise
worksheets, observations, lenses and outcome sheets, built from the store. Printing them is
``pni.render.write_packets`` (render depends on packet's model, never the other way round).

>>> from pni.packet import PacketOptions, build_packets
"""

from pni.packet.build import PacketOptions, build_packets
from pni.packet.model import Packet

__all__ = ["Packet", "PacketOptions", "build_packets"]
