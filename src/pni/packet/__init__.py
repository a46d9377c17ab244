"""Sensemaking packets: a facilitator guide, pattern worksheets, story cards, exercise
worksheets, observations, lenses and outcome sheets, built from the store and printed.

>>> from pni.packet import PacketOptions, build_packets, write_packets
"""

from pni.packet.build import PacketOptions, build_packets
from pni.packet.model import Packet
from pni.packet.write import render, write_packets

__all__ = ["Packet", "PacketOptions", "build_packets", "render", "write_packets"]
