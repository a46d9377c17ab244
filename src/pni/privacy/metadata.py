"""Which answers a story card may print. By default the story questions and the teller's role;
the facilitator widens or narrows that with ``--card-questions`` or ``card_questions`` in
``pni.toml``. Survey metadata (IP address, location, recipient, response ids, timings, device)
is never printed, whatever is asked: it can single out a child in a small school.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pni.errors import UsageError
from pni.models import Question

ROLE_QUESTIONS = ("role",)
_EXACT = frozenset({
    "ip", "ipaddress", "lat", "latitude", "lon", "lng", "longitude", "location", "email",
    "emailaddress", "phone", "useragent", "browser", "device", "os", "responseid", "respondentid",
    "externalreference", "externaldatareference", "distributionchannel", "startdate", "enddate",
    "recordeddate", "submittedat", "submitdate", "timestamp", "progress", "finished", "status",
    "userlanguage", "networkid", "collectorid", "starttime", "endtime", "completiontime",
    "lastmodifiedtime", "networkidentifier", "metadata", "responseurl", "editurl",
})
_PREFIXES = ("recipient", "location", "geo", "ipaddress", "duration", "customdata", "embedded",
             "respondent", "metadata")
_SUFFIXES = ("latitude", "longitude", "ipaddress", "useragent", "email", "emailaddress")


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def is_metadata(question_id: str, text: str = "") -> bool:
    """Whether a question is survey metadata (what the platform recorded about the response)
    rather than something a teller answered: "IPAddress", "LocationLatitude", "RecipientEmail",
    "Duration (in seconds)"."""
    for k in (_key(question_id), _key(text)):
        if k and (k in _EXACT or k.startswith(_PREFIXES) or k.endswith(_SUFFIXES)):
            return True
    return False


def card_question_ids(questions: Mapping[str, Question], asked: Iterable[str] | None
                      ) -> set[str]:
    """The question ids whose answers story cards print (see the module)."""
    asked = [a.strip() for a in asked or [] if a.strip()]
    if asked:
        bad = [a for a in asked if a not in questions]
        if bad:
            raise UsageError(f"card questions: no question {', '.join(bad)} (known: "
                             f"{', '.join(questions) or 'none'})", )
        chosen = set(asked)
    else:
        chosen = {q.id for q in questions.values() if q.about in ("story", "annotation")}
        role = next((r for r in ROLE_QUESTIONS if r in questions), None)
        if role is None:
            role = next((q.id for q in questions.values()
                         if q.about == "teller" and q.kind == "choice"
                         and "role" in f"{q.id} {q.text}".lower()), None)
        if role is not None:
            chosen.add(role)
    return {qid for qid in chosen if not is_metadata(qid, questions[qid].text)}
