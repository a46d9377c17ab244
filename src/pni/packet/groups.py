"""Split the printed stories among small groups: each group a different, balanced mix.

Stories are ordered into strata (pattern, then teller group, then strength) and dealt round-robin
like cards, the deal continuing from one stratum to the next. So every story goes to exactly one
group; group sizes differ by at most one; each pattern's stories, and each teller group within a
pattern, are spread so that no group holds more than one story more of them than another.

>>> allocate([("p1", "student"), ("p1", "teacher"), ("p2", "student"), ("p2", "parent")], 2)
[[0, 2], [1, 3]]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from pni.errors import UsageError


def allocate(keys: Sequence[tuple[Hashable, Hashable]], n_groups: int) -> list[list[int]]:
    """Indices of ``keys`` (``(pattern, teller group)`` per story, already in preferred order
    within each stratum) for each of ``n_groups`` groups. Deterministic."""
    if n_groups < 1:
        raise UsageError(f"must be at least 1 (got {n_groups})", param="groups")
    first_seen: dict[Hashable, int] = {}
    sub_seen: dict[tuple[Hashable, Hashable], int] = {}
    for i, (p, t) in enumerate(keys):
        first_seen.setdefault(p, i)
        sub_seen.setdefault((p, t), i)
    order = sorted(range(len(keys)),
                   key=lambda i: (first_seen[keys[i][0]], sub_seen[keys[i]], i))
    groups: list[list[int]] = [[] for _ in range(n_groups)]
    for k, i in enumerate(order):
        groups[k % n_groups].append(i)
    for g in groups:
        g.sort()
    return groups
