"""Test data made in code: a small store of themed stories with answers, and a fake cluster run.

Stages later in the pipeline (cluster, explore, packet) test against these without depending on
the readers of `pni collect`.
"""

from __future__ import annotations

import random
from typing import Any

from pni.models import Question, Story
from pni.store import Store
from pni.store import runs as runq
from pni.store import stories as q

THEMES: dict[str, list[str]] = {
    "belonging": ["belong", "lunch table", "alone", "new school", "friends", "name", "welcome",
                  "club", "nobody talked", "included", "hallway", "sat with"],
    "workload": ["homework", "hours", "deadline", "tired", "projects", "late night", "stress",
                 "assignments", "weekend", "sleep", "overwhelmed", "due"],
    "assessment": ["test", "grade", "exam", "score", "report card", "quiz", "rubric", "failed",
                   "studied", "points", "retake", "GPA"],
    "family": ["parent", "conference", "translation", "phone call", "mom", "dad", "meeting",
               "email home", "pickup", "welcome night", "interpreter", "family"],
}
ROLES = ["student", "student", "teacher", "parent", "leader"]
SCHOOLS = ["Birchwood Elementary", "Alder Middle School", "Cedar Valley High School"]
BANDS = ["K-2", "3-5", "6-8", "9-12"]
FEELINGS = ["proud", "hopeful", "frustrated", "hurt", "grateful"]

QUESTIONS = [
    Question(id="feeling", text="How did you feel?", kind="choice", options=FEELINGS),
    Question(id="belonging", text="How much did you belong?", kind="scale", scale_min=1,
             scale_max=5),
    Question(id="listened_to", text="Did someone listen?", kind="boolean"),
    Question(id="topics", text="Topics", kind="multi-choice", options=list(THEMES)),
    Question(id="role", text="Role", kind="choice", about="teller",
             options=["student", "teacher", "parent", "leader"]),
    Question(id="school", text="School", kind="choice", about="teller", options=SCHOOLS),
    Question(id="grade_band", text="Grade band", kind="choice", about="teller", options=BANDS),
]


def story_text(theme: str, rng: random.Random) -> str:
    words = THEMES[theme]
    parts = []
    for _ in range(rng.randint(4, 7)):
        a, b = rng.sample(words, 2)
        parts.append(f"I remember the {a} and how the {b} felt that day.")
    return " ".join(parts)


def populate(db: Store, n: int = 60, seed: int = 0, collection: str = "Synthetic") -> list[str]:
    """Insert ``n`` themed stories with story and teller answers; returns their ids in order.

    Theme i gets stories i, i+4, ...; belonging is low for 'belonging' and 'family' stories told
    by students, so explore has real differences to find. Every 10th story has consent "no".
    """
    rng = random.Random(seed)
    ids = []
    themes = list(THEMES)
    with db.transaction():
        cid = q.ensure_collection(db, collection)
        for qu in QUESTIONS:
            q.upsert_question(db, qu)
        for i in range(n):
            theme = themes[i % len(themes)]
            role = ROLES[i % len(ROLES)]
            teller_key = f"teller-{i % max(1, n // 2)}"
            tid = q.teller_id_for(db, teller_key)
            q.ensure_teller(db, tid)
            text = story_text(theme, rng)
            h = q.content_hash(text, teller_key, "Tell us about a time...")
            low = theme in ("belonging", "family") and role == "student"
            story = Story(
                id=q.story_id_for(h), text=text, title=f"{theme.title()} story {i}",
                prompt="Tell us about a time...", source_kind="story-form",
                source_id=f"SYN-{i:03d}", teller_id=tid, consent="no" if i % 10 == 9 else "yes",
                content_hash=h, date="2026-03-01",
                answers={
                    "feeling": rng.choice(FEELINGS[2:4] if low else FEELINGS),
                    "belonging": rng.randint(1, 2) if low else rng.randint(3, 5),
                    "listened_to": not low,
                    "topics": [theme],
                },
                teller_answers={"role": role, "school": SCHOOLS[i % 3], "grade_band": BANDS[i % 4]},
            )
            q.insert_story(db, story, collection_id=cid, import_id=None)
            ids.append(story.id)
    return ids


def fake_run(db: Store, ids: list[str], seed: int = 0, place: dict[str, int] | None = None) -> int:
    """A cluster run whose patterns are the themes (every 7th story left unclustered);
    ``place`` puts the stories it names into the pattern it gives (one past the themes: a fifth
    pattern, titled "small pattern")."""
    themes = [*THEMES, *(["small pattern"] if place and max(place.values()) > len(THEMES)
                         else [])]
    rng = random.Random(seed)
    assignments: list[dict[str, Any]] = []
    members: dict[int, list[str]] = {k + 1: [] for k in range(len(themes))}
    for i, sid in enumerate(ids):
        number = None if i % 7 == 6 else (i % len(THEMES)) + 1
        number = (place or {}).get(sid, number)
        if number:
            members[number].append(sid)
        assignments.append({"story_id": sid, "pattern": number,
                            "strength": None if number is None else round(rng.uniform(.5, 1), 3),
                            "loose": number is not None and i % 5 == 4,
                            "sub": (1 + (i // 4) % 2) if number == 1 else None,
                            "x": rng.uniform(-1, 1) + (number or 0), "y": rng.uniform(-1, 1)})
    patterns = [
        {"number": k, "title": f"{themes[k - 1]} / {THEMES.get(themes[k - 1], ['few'])[0]}",
         "keywords": THEMES.get(themes[k - 1], ["few"])[:5], "size": len(m), "exemplars": m[:3],
         "teller_mix": {}, "centroid": None, "stability": round(1.0 - 0.05 * k, 2),
         "theme": 1 if k <= 2 else 2,
         "n_loose": sum(1 for a in assignments if a["pattern"] == k and a["loose"])}
        for k, m in members.items()
    ]
    subs = [a["sub"] for a in assignments if a["sub"]]
    levels = [
        {"level": "theme", "number": 1, "title": "school life", "keywords": ["school"],
         "size": len(members[1]) + len(members[2]), "patterns": [1, 2]},
        {"level": "theme", "number": 2, "title": "grades and home", "keywords": ["home"],
         "size": len(members[3]) + len(members[4]), "patterns": [3, 4]},
        *[{"level": "sub", "number": n, "parent": 1, "title": f"belonging part {n}",
           "keywords": [], "size": subs.count(n)} for n in (1, 2)],
    ]
    return runq.save_run(db, params={"fake": True}, seed=seed, versions={}, timings={},
                         metrics={"coverage": sum(len(m) for m in members.values()) / len(ids)},
                         patterns=patterns, assignments=assignments, levels=levels)


def hdbscan_run(db: Store, ids: list[str], embedder: Any, assign_noise: float | None = 0.5) -> int:
    """A cluster run as versions before the HDBSCAN method was removed stored it: params with
    method "hdbscan", a reducer and the attach threshold, a density validity, attached stories,
    no themes, sub-patterns, stability or loose flags; patterns are the themes (centroids from
    ``embedder``'s vectors)."""
    import numpy as np

    from pni.embed import embed_stories

    themes = list(THEMES)
    vecs = embed_stories(db, q.list_stories(db, ids=ids, with_answers=False), embedder).vectors
    number = [None if i % 9 == 8 else (i % len(themes)) + 1 for i in range(len(ids))]
    patterns = []
    for k in range(1, len(themes) + 1):
        rows = [i for i, n in enumerate(number) if n == k]
        c = vecs[rows].mean(axis=0)
        patterns.append({"number": k, "title": themes[k - 1], "keywords": THEMES[themes[k - 1]][:3],
                         "size": len(rows), "exemplars": [ids[i] for i in rows[:3]],
                         "teller_mix": {}, "centroid": c / np.linalg.norm(c)})
    assignments = [{"story_id": sid, "pattern": n, "strength": None if n is None else 0.8,
                    "assigned": i % 9 == 7, "x": float(i), "y": 0.0}
                   for i, (sid, n) in enumerate(zip(ids, number, strict=True))]
    params = {"method": "hdbscan", "min_size": 4, "reducer": "spectral:8",
              "reducer_params": {"n_components": 8, "n_neighbors": 15}, "clusterer": "hdbscan",
              "clusterer_params": {"min_samples": 1}, "assign_noise": assign_noise,
              "merge_threshold": 0.9,
              "embedding": {"model": embedder.model_id, "revision": embedder.revision,
                            "backend": embedder.backend, "dim": int(embedder.dim)}}
    clustered = sum(1 for n in number if n)
    metrics = {"n_stories": len(ids), "n_patterns": len(themes), "coverage": clustered / len(ids),
               "n_unclustered": len(ids) - clustered, "n_assigned": sum(1 for a in assignments
                                                                        if a["assigned"]),
               "validity": 0.41, "validity_method": "hdbscan relative_validity_", "n_merged": 0}
    return runq.save_run(db, params=params, seed=0, versions={"hdbscan": "0.8.40"},
                         timings={"total": 1.0}, metrics=metrics, patterns=patterns,
                         assignments=assignments)


SMALL = "counselor"  # a role held by 3 tellers in ``small_groups``
LIBRARIAN = "librarian"  # a role of 6 tellers, 3 in pattern 1 and 3 in pattern 2


def small_groups(db: Store, cross: bool = False) -> None:
    """A store with a run, for the small-cell rule: The fixture school plus one group, counselors, of 3 tellers (2 stories each) who all
    answered alike, so that without suppression the report would single them out. With
    ``cross``, small groups only a cross-table shows (the fifth pattern is number 5): 6 librarians (enough as a group), 3 of them
    in pattern 1 and 3 in pattern 2; a fifth pattern told by 2 tellers; a scale ("trust")
    answered by 3 tellers; and a scale ("safety") one of whose values only 2 tellers gave."""
    from tests.explore.conftest import add_story

    ids = populate(db, 60)
    role = next(x for x in QUESTIONS if x.id == "role")
    with db.transaction():
        q.upsert_question(db, Question(**{**role.model_dump(),
                                          "options": [*role.options, SMALL, LIBRARIAN]}))
        for qid in ("trust", "safety"):
            q.upsert_question(db, Question(id=qid, text=qid.title(), kind="scale", scale_min=1,
                                           scale_max=5))
    for i in range(6):
        ids.append(add_story(db, f"I remember the day the hall was quiet, number {i}.",
                             teller=f"c-{i % 3}", title=f"Quiet day {i}",
                             answers={"feeling": "hurt", "belonging": 1, "listened_to": False,
                                      "topics": ["belonging"]},
                             teller_answers={"role": SMALL, "school": "Birchwood Elementary",
                                             "grade_band": "K-2"}))
    place: dict[str, int] = {}
    if cross:
        for i in range(6):
            sid = add_story(db, f"The library stayed open late, evening {i}.", teller=f"lib-{i}",
                            answers={"feeling": "proud", "safety": 4,
                                     **({"trust": 5} if i < 3 else {})},
                            teller_answers={"role": LIBRARIAN})
            ids.append(sid)
            place[sid] = 1 if i < 3 else 2
        for i in range(4):
            sid = add_story(db, f"We rebuilt the garden shed, week {i}.", teller=f"sp-{i % 2}",
                            answers={"feeling": "hopeful", "safety": 1},
                            teller_answers={"role": "student"})
            ids.append(sid)
            place[sid] = 5
    fake_run(db, ids, place=place)
