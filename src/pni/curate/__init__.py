"""The catalyst's own work, kept: ``catalysis.yaml`` beside the store holds the patterns'
names and remarkability, the observations as the catalyst writes them (with competing
interpretations, a strength, a perspective, or hidden), perspectives and themes. ``pni curate
init`` writes it from the current run; ``pni explore`` and ``pni packet`` read it whenever it
exists. Patterns are found again after re-clustering by their stories (``match``)."""

from pni.curate.io import dump, find, load, path_for
from pni.curate.match import curated_titles, match_patterns, packet_observations
from pni.curate.model import Catalysis, CuratedObservation, CuratedPattern, Interpretation

__all__ = ["Catalysis", "CuratedObservation", "CuratedPattern", "Interpretation",
           "curated_titles", "dump", "find", "load", "match_patterns", "packet_observations",
           "path_for"]
