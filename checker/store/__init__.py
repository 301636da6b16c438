"""Stage 3, store: claims and their vectors on disk (FAISS + SQLite + a manifest), in atomic generations.

:mod:`~checker.store.index` is the :class:`Index` (open, search, read, commit); :mod:`~checker.store.build`
streams reports into it chunk by chunk; :mod:`~checker.store.ann` and :mod:`~checker.store.faiss_files`
hold the FAISS structures and the on-disk file writers.
"""
