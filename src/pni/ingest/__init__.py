"""Ingest: read fieldwork files (tables, Markdown, text, transcripts) into stories with answers.

The pipeline is ``collect()`` in :mod:`pni.ingest.collect`::

    from pathlib import Path
    from pni.store import Store
    from pni.ingest import CollectOptions, collect

    with Store.open("pni.db") as db:
        report = collect(db, [Path("sample_stories")], CollectOptions())
        print(report.totals)
"""

from pni.ingest.collect import collect
from pni.ingest.models import CollectOptions, CollectReport, FileReport

__all__ = ["CollectOptions", "CollectReport", "FileReport", "collect"]
