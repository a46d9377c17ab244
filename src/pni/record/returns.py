"""The return page: what the room made, given back to the people it came from ("what we heard,
what we will do"), by session, then by what it is (stories that stood out, what groups built,
what they found, what they would do), each with its cards by code.

Everything on it passes the gate: the groups' words are redacted like every output, a card is
named by its code, and its title only where its consent allows printing the story.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from pni.store import Store

#: outcome types that say what to do (the page's second half)
TO_DO = ("idea", "suggestion", "recommendation", "opportunity", "priority")
#: the order and headings of what was heard
HEARD = (("resonant story", "Stories that stood out"), ("resonant pattern", "Patterns that stood out"),
         ("construction", "What the groups built"), ("outcome", "What the groups found"))


#: what a composite story drawn from a card that may not be printed shows instead of its text
WITHHELD = "(text withheld: it draws on a story whose teller's consent does not allow printing)"


class CardRef(BaseModel):
    code: str
    title: str = ""  # empty where the story may not be printed


class ReturnItem(BaseModel):
    section: str
    type: str
    group: str | None = None
    name: str | None = None
    text: str
    why: str | None = None
    said: str | None = None
    cards: list[CardRef] = Field(default_factory=list)   # in the order the group wrote them
    #: a composite story's own card (kind "composite", code C1), where it is stored
    story: CardRef | None = None
    patterns: list[int] = Field(default_factory=list)
    placements: dict[str, str] = Field(default_factory=dict)  # card code -> where it went


class ReturnSession(BaseModel):
    session: str
    groups: list[str] = Field(default_factory=list)
    heard: dict[str, list[ReturnItem]] = Field(default_factory=dict)  # heading -> items
    to_do: list[ReturnItem] = Field(default_factory=list)
    reflections: list[ReturnItem] = Field(default_factory=list)
    notes: list[ReturnItem] = Field(default_factory=list)


class ReturnPage(BaseModel):
    title: str = "What we heard, what we will do"
    sessions: list[ReturnSession] = Field(default_factory=list)
    privacy: list[str] = Field(default_factory=list)


def build_return(db: Store, *, session: str | None = None) -> ReturnPage:
    """The return page of every recorded session (or of ``session``)."""
    from pni.privacy.gate import Gate
    from pni.record.load import composite_hash, is_composite
    from pni.store.outcomes import list_outcomes
    from pni.store.stories import story_id_for

    gate = Gate.open(db)
    records = list_outcomes(db, session=session)
    composites = {o.id: story_id_for(composite_hash(o.session, o.group, o.text))
                  for o in records if is_composite(o.section, o.type)}
    ids = {sid for o in records for sid in o.stories} | set(composites.values())
    codes = gate.codes(ids)
    titles = {s.id: s.title or "" for s in gate.stories(ids=ids, with_answers=False).stories}
    stored = {s.id for s in gate.stories(ids=composites.values(), with_answers=False,
                                         masked=True).stories}
    page = ReturnPage(privacy=gate.notes[:1])
    by: dict[str, ReturnSession] = {}
    for o in records:
        name = o.session or "(no session named)"
        rs = by.setdefault(name, ReturnSession(session=name))
        if o.group and o.group not in rs.groups:
            rs.groups.append(o.group)
        order = o.detail.get("order") or o.stories
        item = ReturnItem(
            section=o.section or "outcome", type=o.type, group=o.group,
            name=gate.redact(o.name), text=gate.redact(o.text) or "",
            why=gate.redact(o.why), said=gate.redact(o.said),
            cards=[CardRef(code=codes.get(sid, sid), title=titles.get(sid, ""))
                   for sid in order],
            patterns=list(o.patterns),
            placements={codes.get(sid, sid): where
                        for sid, where in (o.detail.get("placements") or {}).items()})
        cid = composites.get(o.id)
        if cid in stored:
            item.story = CardRef(code=codes.get(cid, cid), title=titles.get(cid, ""))
            if cid not in titles:  # it draws on a card whose story may not be printed
                item.text = WITHHELD
        if item.section == "reflection":
            rs.reflections.append(item)
        elif item.section == "session":
            rs.notes.append(item)
        elif item.section == "outcome" and item.type in TO_DO:
            rs.to_do.append(item)
        else:
            heading = dict(HEARD)[item.section]
            rs.heard.setdefault(heading, []).append(item)
    for rs in by.values():
        rs.heard = {h: rs.heard[h] for _, h in HEARD if h in rs.heard}
    page.sessions = list(by.values())
    return page
