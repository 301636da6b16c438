"""Stage 1, read: files, folders and JSONL → :class:`Document` → :class:`Claim` with spans and sources.

:mod:`~checker.read.ingest` reads and decodes inputs; :mod:`~checker.read.clean` separates article text
from web leftovers; :mod:`~checker.read.claims` splits sentences into claims; :mod:`~checker.read.attribution`
finds who asserts each one; :mod:`~checker.read.dates` reads report dates.
"""
