"""The results of catalysis as pydantic models: tests, observations, integrity, voices, report."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TestResult(BaseModel):
    """One significance test, with its effect size and its BH q-value across the whole run."""

    __test__ = False  # not a pytest class

    id: str                         # stable, e.g. "pattern|2|feeling" or "answer|feeling|role"
    lens: str                       # 'pattern' or 'answer'
    kind: str                       # pattern_choice, pattern_scale, patterns_scale,
    #                                 choice_choice, scale_scale, scale_choice_pair, scale_choice
    test: str                       # chi-square, fisher, mann-whitney, kruskal-wallis, spearman
    a: str                          # first variable (or "pattern N")
    b: str                          # second variable
    a_label: str
    b_label: str
    statistic: float
    statistic_name: str
    p: float
    q: float | None = None
    effect: float
    effect_name: str                # cramers_v, rank_biserial, epsilon_squared, spearman_rho
    magnitude: str                  # negligible, small, medium, large
    n: int
    notable: bool = False
    note: str | None = None         # e.g. "3 of 10 cells expected < 5"
    detail: dict[str, Any] = Field(default_factory=dict)


class Skipped(BaseModel):
    """A comparison not tested, and why (too few stories, one answer only, ...)."""

    lens: str
    kind: str
    a: str
    b: str
    reason: str


class Observation(BaseModel):
    """A notable result in plain words, with the numbers and stories behind it and at least two
    competing interpretations, phrased as questions for the group."""

    rank: int
    lens: str
    kind: str
    text: str
    numbers: dict[str, Any] = Field(default_factory=dict)
    story_ids: list[str] = Field(default_factory=list)
    interpretations: list[str] = Field(default_factory=list)
    q: float | None = None
    effect: float | None = None
    effect_name: str | None = None
    magnitude: str | None = None
    test_id: str | None = None
    #: the review queue (``pni.explore.review``): the observation above that says much the
    #: same, and why; whether its two questions may measure the same thing
    duplicate_of: int | None = None
    duplicate_why: str | None = None
    same_measure: bool = False


class QuestionIntegrity(BaseModel):
    id: str
    text: str
    kind: str
    about: str
    answered: int | None            # None: a merged row holds answers and no answer (bounds)
    unanswered: int | None
    unanswered_rate: float | None
    answered_at_least: int | None = None
    unanswered_at_most: int | None = None
    #: answer (or a labelled merge of answers under the threshold) -> stories (choice kinds);
    #: None: a pool of fewer than min_cell tellers (multi-choice)
    counts: dict[str, int | None] = Field(default_factory=dict)
    undeclared: list[str] = Field(default_factory=list)      # answers not among the options
    distribution: dict[str, int | None] = Field(default_factory=dict)  # value -> stories
    #: why a hidden value of ``distribution`` is hidden: 'small' or 'complement'
    distribution_why: dict[str, str] = Field(default_factory=dict)
    mean: float | None = None
    median: float | None = None
    sd: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    out_of_range: int | None = 0
    suppressed: str | None = None   # why no statistic is shown (small-cell rule)
    hidden: list[str] = Field(default_factory=list)  # the counts above that are None (small cells)


class Integrity(BaseModel):
    stories: int
    tellers: int
    stories_without_teller: int
    stories_without_answers: int
    consent: dict[str, int | None] = Field(default_factory=dict)  # stories per consent value
    questions: list[QuestionIntegrity] = Field(default_factory=list)
    #: Tellers who answered every scale the same: a count, never who (None: fewer than min_cell).
    same_answer_tellers: int | None = 0
    flags: list[str] = Field(default_factory=list)
    hidden: list[str] = Field(default_factory=list)  # "consent", "same_answer_tellers" if hidden


class VoiceGroup(BaseModel):
    """A row of a dimension's table: one group, or a labelled merge of groups under the
    small-cell threshold (``members`` lists what it holds; ``no_answer``: it holds the stories
    without an answer). Every number shown is the true one."""

    value: str
    stories: int | None          # None (with tellers and share): hidden by the small-cell rule
    tellers: int | None
    share: float | None
    flag: str | None = None      # 'none' (declared, no stories) or 'few'
    suppressed: bool = False
    why: str | None = None       # 'small' where hidden
    #: the answers a row holds: for counting only, never printed (a small answer's name is
    #: itself a disclosure: a free-text answer may name someone)
    members: list[str] = Field(default_factory=list, exclude=True)
    merged: bool = False
    no_answer: bool = False


class VoiceDimension(BaseModel):
    id: str
    label: str
    #: rows in order, the "(no answer)" row (or a merged row holding it) among them
    groups: list[VoiceGroup] = Field(default_factory=list)
    unanswered: int | None = 0   # stories with no answer; None when a merged row holds them
    unanswered_at_most: int | None = None
    #: what the threshold counts for this dimension: "tellers" (answers), "stories" (fieldwork)
    unit: str = "tellers"
    withheld: str | None = None  # why no row can be shown


class PatternMix(BaseModel):
    """One pattern's teller mix against the whole, per dimension. Under the small-cell rule a
    cell's ``stories``, ``share`` and ``ratio`` are None and its ``suppressed`` true; a pattern
    told by fewer than ``min_cell`` tellers has every cell so, and ``suppressed`` true."""

    number: int
    title: str
    size: int
    suppressed: bool = False
    #: dimension id -> one dict per group: value, stories, share, whole_share, ratio,
    #: suppressed and why ('small' or 'complement') where hidden
    mix: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)


class Voices(BaseModel):
    few: int
    dimensions: list[VoiceDimension] = Field(default_factory=list)
    patterns: list[PatternMix] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


class MapPoint(BaseModel):
    story_id: str
    x: float
    y: float
    pattern_number: int | None = None
    pattern: str | None = None
    title: str = ""
    first_line: str = ""


class Heatmap(BaseModel):
    """Patterns x answers of one choice question: counts and adjusted residuals."""

    variable: str
    label: str
    rows: list[str]
    #: the pattern number of each row (what a cell selects in the story browser)
    numbers: list[int] = Field(default_factory=list)
    cols: list[str]
    counts: list[list[int | None]]       # None: hidden by the small-cell rule
    residuals: list[list[float | None]]
    suppressed: list[list[bool]] = Field(default_factory=list)
    #: why each hidden cell is hidden: 'small' (fewer than min_cell tellers) or 'complement'
    why: list[list[str | None]] = Field(default_factory=list)


class BrowserStory(BaseModel):
    """A printable story as the report's story browser lists it (consent allows printing; text
    redacted): its pattern and its answers keyed by facet (a teller answer its card would
    withhold is left out, as on a story card)."""

    id: str
    #: the card code (K12) the room and every other output name the story by
    code: str = ""
    title: str = ""
    text: str = ""
    pattern: int | None = None
    answers: dict[str, Any] = Field(default_factory=dict)


class Facet(BaseModel):
    """Something the story browser filters by: the pattern, a question, a collection."""

    key: str                         # "pattern", a question's frame column, "collection", ...
    label: str
    kind: str                        # pattern, choice, multi, scale
    about: str = "story"             # story, teller, attribute
    values: list[Any] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)


class StoryBrowser(BaseModel):
    """The stories a report may print, for its story browser, with the facets to filter by."""

    stories: list[BrowserStory] = Field(default_factory=list)
    facets: list[Facet] = Field(default_factory=list)
    #: stories whose text is withheld (not listed), and teller answers left out by the card rule
    withheld: int = 0
    answers_withheld: int = 0


class CuratedInterpretation(BaseModel):
    name: str = ""
    text: str = ""


class CuratedObservation(BaseModel):
    """An observation as the catalyst keeps it (``catalysis.yaml``), ready to print."""

    id: str
    title: str = ""
    text: str = ""
    strength: int | None = None
    perspective: str | None = None
    interpretations: list[CuratedInterpretation] = Field(default_factory=list)
    story_ids: list[str] = Field(default_factory=list)
    test_id: str | None = None
    q: float | None = None
    effect: float | None = None
    effect_name: str | None = None
    magnitude: str | None = None


class Curation(BaseModel):
    """What the catalyst's ``catalysis.yaml`` changed in this report."""

    path: str
    observations: list[CuratedObservation] = Field(default_factory=list)
    #: perspective name -> its description (in the file's order)
    perspectives: dict[str, str] = Field(default_factory=dict)
    themes: list[dict[str, Any]] = Field(default_factory=list)
    #: pattern number -> "yes", "no", "maybe" or "redundant"
    remarkable: dict[int, str] = Field(default_factory=dict)
    hidden: int = 0
    #: what in the file no longer matches the run (reported, never dropped from the file)
    unmatched: list[str] = Field(default_factory=list)
    #: candidate observations of this run the file does not hold yet
    new: list[int] = Field(default_factory=list)


class TestRef(BaseModel):
    """A test of the report (``TestResult``) as a chart quotes it: q from the one BH family."""

    __test__ = False  # not a pytest class

    id: str
    label: str = ""               # "overall", or the two answers a pair compares
    test: str
    statistic_name: str
    statistic: float
    q: float | None = None
    effect_name: str
    effect: float
    magnitude: str
    n: int
    notable: bool = False


class Bin(BaseModel):
    """One bin of a scale: the values ``lo`` to ``hi`` (both present in the data, inclusive)."""

    label: str
    lo: float | None = None       # None: no story has a value in this bin
    hi: float | None = None
    count: int | None = 0         # None: hidden by the small-cell rule
    why: str | None = None        # 'small' or 'complement' where hidden
    #: the story browser's filter for this bin's stories (None: it selects nothing)
    selects: dict[str, Any] | None = None


class Histogram(BaseModel):
    """A scale's values among the stories of one group (an answer, a pattern, a collection)."""

    group: str = ""
    n: int | None = None
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    bins: list[Bin] = Field(default_factory=list)
    suppressed: bool = False      # the whole group is from fewer than min_cell tellers
    selects: dict[str, Any] | None = None


class MultiHistogram(BaseModel):
    """NarraFirma's multiple histogram: a scale question's histogram per answer of a choice
    question (or per pattern, or per collection), with the report's tests of that pair."""

    scale: str
    scale_label: str
    choice: str
    choice_label: str
    histograms: list[Histogram] = Field(default_factory=list)
    tests: list[TestRef] = Field(default_factory=list)


class CHCell(BaseModel):
    count: int | None = 0
    why: str | None = None
    mean: float | None = None
    bins: list[int | None] = Field(default_factory=list)   # None: a hidden bin
    selects: dict[str, Any] | None = None


class ContingencyHistogram(BaseModel):
    """NarraFirma's contingency-histogram: choice x choice, each cell a small histogram of a
    scale question over the stories with both answers."""

    a: str
    a_label: str
    b: str
    b_label: str
    scale: str
    scale_label: str
    rows: list[str]
    cols: list[str]
    bins: list[str]
    cells: list[list[CHCell]]


class ScatterPoint(BaseModel):
    """The stories at one position (or one bin of each scale): drawn once, sized by count."""

    x: float
    y: float
    x_label: str
    y_label: str
    count: int | None = None
    why: str | None = None
    selects: dict[str, Any] | None = None


class Scatter(BaseModel):
    """Two scale questions, stories as points (aggregated by position), with Spearman's rho."""

    x: str
    x_label: str
    y: str
    y_label: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    group: str = ""
    points: list[ScatterPoint] = Field(default_factory=list)
    n: int | None = None
    rho: float | None = None
    p: float | None = None
    test: TestRef | None = None
    same_measure: bool = False
    suppressed: bool = False
    note: str | None = None


class MultiScatter(BaseModel):
    """NarraFirma's multiple scatter: one scatter per answer of a choice question."""

    x: str
    x_label: str
    y: str
    y_label: str
    choice: str
    choice_label: str
    panels: list[Scatter] = Field(default_factory=list)


class CorrelationMap(BaseModel):
    """Spearman's rho between every pair of scale questions, with the report's q."""

    questions: list[str]
    labels: list[str]
    rho: list[list[float | None]]
    q: list[list[float | None]]
    n: list[list[int]]
    selects: list[list[dict[str, Any] | None]] = Field(default_factory=list)


class WriteIn(BaseModel):
    """What tellers wrote in: a text question's answers, or answers outside a choice question's
    options, from printable stories only (redacted)."""

    question: str
    label: str
    kind: str                     # 'text' or 'other'
    items: list[dict[str, str]] = Field(default_factory=list)  # story, code, text
    more: int = 0                 # further answers not listed (size)


class IntegrityGraph(BaseModel):
    """One of NarraFirma's five data-integrity graphs."""

    name: str
    unit: str                     # what is counted: 'answers', 'tellers' or 'stories'
    bins: list[Bin] = Field(default_factory=list)
    mean: float | None = None
    sd: float | None = None
    n: int | None = None
    note: str | None = None


class Charts(BaseModel):
    """NarraFirma's chart set beyond bars and tables, for the HTML report."""

    multi_histograms: list[MultiHistogram] = Field(default_factory=list)
    contingency_histograms: list[ContingencyHistogram] = Field(default_factory=list)
    scatters: list[Scatter] = Field(default_factory=list)
    multi_scatters: list[MultiScatter] = Field(default_factory=list)
    correlation: CorrelationMap | None = None
    write_ins: list[WriteIn] = Field(default_factory=list)
    integrity: list[IntegrityGraph] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class ExploreReport(BaseModel):
    """Everything `pni explore` found: what the HTML, Markdown, CSV and JSON outputs show."""

    generated_at: str
    pni_version: str
    run: dict[str, Any] | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    n_stories: int = 0
    patterns: list[dict[str, Any]] = Field(default_factory=list)
    questions: list[dict[str, Any]] = Field(default_factory=list)
    integrity: Integrity
    tests: list[TestResult] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    #: the ranks of the observations a catalyst reads first, in order (``pni.explore.review``)
    review: list[int] = Field(default_factory=list)
    caution: str = ""
    voices: Voices
    map_points: list[MapPoint] = Field(default_factory=list)
    heatmaps: list[Heatmap] = Field(default_factory=list)
    stories: dict[str, dict[str, str]] = Field(default_factory=dict)  # id -> title, first_line
    #: what the recorded sensemaking sessions made (``pni.record.returns``), through the gate
    sessions: list[Any] = Field(default_factory=list)
    #: pattern number -> its stories (what ``pni curate init`` keeps to find a pattern again)
    pattern_stories: dict[int, list[str]] = Field(default_factory=dict, exclude=True)
    #: for the HTML report only (not in JSON: the stories are printed by `stories export`)
    browser: StoryBrowser | None = Field(default=None, exclude=True)
    curation: Curation | None = None
    #: NarraFirma's chart set (``pni.explore.charts``), for the HTML report only
    charts: Charts | None = Field(default=None, exclude=True)
