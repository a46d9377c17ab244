"""`pni record`: bring back what sensemaking groups produced (discoveries, dilemmas, ideas,
questions, opportunities, remindings) from CSV, YAML or Markdown into the store.

>>> from pni.record import record_file
>>> # with Store.open("pni.db") as db: record_file(db, Path("outcomes.csv"))
"""

from pni.record.load import KINDS, RecordReject, RecordResult, record_file

__all__ = ["KINDS", "RecordReject", "RecordResult", "record_file"]
