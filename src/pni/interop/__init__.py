"""Interop with the tools a PNI project already uses: NarraFirma (story CSV and story-form CSV
out) and REFI-QDA ``.qdpx`` projects (out, and in through ``pni collect``).

Every export goes through :func:`pni.interop.scope.gather`, which applies the consent and
redaction rules once (see docs/interop.md).
"""
