"""Stage 3, store: claims and their vectors on disk (FAISS + SQLite + a manifest), in atomic generations.

:mod:`~checker.store.index` is the :class:`Index` (open, verify, search), reading its SQLite side through
:mod:`~checker.store.records`; :mod:`~checker.store.manifest` holds the manifest's rules (paths, checksums,
atomic writes, the writers' lock); :mod:`~checker.store.commit` stages and publishes generations and
:mod:`~checker.store.build` streams reports into them chunk by chunk. :mod:`~checker.store.ann` holds the
FAISS structures and search over :mod:`~checker.store.kmeans`; :mod:`~checker.store.ann_disk` and
:mod:`~checker.store.faiss_files` write the next generation's FAISS file on disk; :mod:`~checker.store.join`
finds all pairs of near neighbours.
"""
