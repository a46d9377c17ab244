"""One reader per family of formats. Tables yield ``Table``s (header + rows); documents and
transcripts yield ``Candidate``s directly (see :mod:`pni.ingest.collect`)."""
