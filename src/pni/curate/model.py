"""``catalysis.yaml``: the catalyst's own work, kept beside the store as a plain file that a person
or a script edits. Its shape:

```yaml
run: 3                        # the cluster run it was written from
patterns:                     # the catalyst's names for the patterns, matched by their stories
  - {id: 1, title: "Waiting to be noticed", remarkable: yes, stories: [S-1, S-2, ...]}
observations:
  - id: o1
    title: Belonging rises when someone listens
    text: Stories answered "yes" to ... (what pni found, or what the catalyst writes)
    strength: 3               # 1 weak, 2 medium, 3 strong
    hidden: false             # true: never printed
    interpretations:
      - {name: Being heard, text: Could being listened to be what makes belonging?}
      - {name: Who tells, text: Or do those who already belong get listened to?}
    perspective: Being heard  # groups observations in the report and the packet
    test: answer|belonging|listened_to   # the test behind it (absent: the catalyst's own)
    stories: [S-1, ...]
perspectives:
  - {name: Being heard, text: What listening does}
themes:
  - {name: Belonging, observations: [o1]}
```

>>> c = Catalysis.model_validate({"patterns": [{"id": 1, "title": "Late buses"}]})
>>> c.patterns[0].remarkable is None
True
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Remarkable = Literal["yes", "no", "maybe", "redundant"]
FILE_NAME = "catalysis.yaml"
VERSION = 1


class _Entry(BaseModel):
    # a misspelt key is an error that names it, never silently ignored
    model_config = ConfigDict(extra="forbid")


class CuratedPattern(_Entry):
    id: int
    title: str = ""
    remarkable: Remarkable | None = None
    #: the pattern's stories when the file was written: how a pattern is found again after
    #: re-clustering (the run's numbers change, its stories mostly do not)
    stories: list[str] = Field(default_factory=list)

    @field_validator("remarkable", mode="before")
    @classmethod
    def _yes_no(cls, v: Any) -> Any:
        # YAML reads a bare yes / no as a boolean
        if isinstance(v, bool):
            return "yes" if v else "no"
        return None if v == "" else v


class Interpretation(_Entry):
    name: str = ""
    text: str = ""
    idea: str = ""


class CuratedObservation(_Entry):
    id: str
    title: str = ""
    text: str = ""
    strength: int | None = Field(default=None, ge=1, le=3)
    hidden: bool = False
    interpretations: list[Interpretation] = Field(default_factory=list)
    perspective: str | None = None
    #: the id of the test behind it (``pattern|2|feeling``); None: the catalyst's own
    test: str | None = None
    stories: list[str] = Field(default_factory=list)

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v

    @field_validator("interpretations", mode="before")
    @classmethod
    def _plain(cls, v: Any) -> Any:
        # a plain string is an interpretation's text
        if isinstance(v, list):
            return [{"text": x} if isinstance(x, str) else x for x in v]
        return v


class Perspective(_Entry):
    name: str
    text: str = ""


class Theme(_Entry):
    name: str
    text: str = ""
    observations: list[str] = Field(default_factory=list)


def _named(v: Any) -> Any:
    if isinstance(v, list):
        return [{"name": x} if isinstance(x, str) else x for x in v]
    return v


class Catalysis(_Entry):
    """The whole file."""

    version: int = VERSION
    run: int | None = None
    #: the small-cell rule the observations' numbers were written under (``pni.privacy.cells``)
    min_cell: int | None = None
    small_cell_rule: int | None = None
    patterns: list[CuratedPattern] = Field(default_factory=list)
    observations: list[CuratedObservation] = Field(default_factory=list)
    perspectives: list[Perspective] = Field(default_factory=list)
    themes: list[Theme] = Field(default_factory=list)

    @field_validator("patterns", "observations", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return [] if v is None else v

    @field_validator("perspectives", "themes", mode="before")
    @classmethod
    def _names(cls, v: Any) -> Any:
        # a plain string is a name
        return [] if v is None else _named(v)

    def perspective_order(self) -> list[str]:
        """Perspective names: those declared, in order, then those only observations name."""
        names = [p.name for p in self.perspectives]
        for o in self.observations:
            if o.perspective and o.perspective not in names:
                names.append(o.perspective)
        return names
