from __future__ import annotations

import numpy as np

from pni.cluster.algorithms import HDBSCANClusterer


def test_eom_that_lumps_most_stories_falls_back_to_leaf() -> None:
    """Eight close groups and one far one: excess of mass calls the eight one pattern (120 of
    126 stories); pni then takes leaf selection, which finds the groups inside it."""
    rng = np.random.default_rng(0)
    subs = [rng.standard_normal(8) * 0.4 for _ in range(8)]
    x = np.vstack([c + rng.normal(0, .2, (15, 8)) for c in subs] + [20 + rng.normal(0, .1, (6, 8))])
    lumped = HDBSCANClusterer(max_share=None).fit(x, min_size=5)
    assert np.bincount(lumped.labels[lumped.labels >= 0]).max() == 120
    fit = HDBSCANClusterer().fit(x, min_size=5)
    assert fit.selection is not None and fit.selection.startswith("leaf")
    sizes = np.bincount(fit.labels[fit.labels >= 0])
    assert len(sizes) >= 8 and sizes.max() <= 0.5 * len(x)
