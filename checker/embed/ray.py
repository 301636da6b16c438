"""Encoding on a Ray cluster (``checker index build --engine ray [--address ADDR]``).

:class:`RayEmbedder` wraps any :class:`~checker.embed.Embedder` and is one
itself: ``embed(texts)`` cuts the texts into shards, encodes the shards on Ray
actors (each loads the model once, then encodes shard after shard) and
returns the vectors in input order. Everything else (claims, the index write)
stays on the driver and goes through the ordinary local path, so a Ray build
writes the same index as a local one.

It holds one :class:`RaySession` (shared with :class:`checker.judge.ray.RayJudge`): Ray is started
(or joined) on first use and released by ``close()`` or on leaving a ``with`` block. Ray is an optional extra
(``pip install 'claim-consistency-checker[ray]'``) and is imported only here.
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelError
from .base import Embedder

DEFAULT_SHARD_SIZE = 2048


class _Encoder:
    """A Ray actor holding one embedder (the model loads on the first shard)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.embedder.embed(texts)


def shards(n: int, size: int) -> list[tuple[int, int]]:
    """``(start, end)`` ranges covering ``range(n)`` in order, ``size`` items each (the last may be shorter)."""
    return [(start, min(n, start + size)) for start in range(0, n, size)]


class RaySession:
    """One connection to Ray, made on first use and kept until :meth:`close`.

    Args:
        address: a running cluster (``ray://host:10001`` or ``auto``); ``None`` starts a local Ray
            instance with ``cpus`` CPUs. Defaults to ``None``.
        cpus: CPUs of a local instance. Defaults to 2.
    """

    def __init__(self, address: str | None = None, cpus: int = 2) -> None:
        self.address = address
        self.cpus = cpus
        self._started = False  # whether this object started Ray (and so shuts it down)
        self.starts = 0  # connections made: actors from an earlier one are gone

    def connect(self):
        """The ``ray`` module, initialised.

        Raises:
            ModelError: Ray is not installed.
        """
        ray = _import_ray()
        if not ray.is_initialized():
            try:
                ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                         **({} if self.address else {"num_cpus": self.cpus}))
            except (ConnectionError, RuntimeError, ValueError) as exc:
                ray.shutdown()  # a half-started local instance is not left running
                raise _failed(exc) from exc
            self._started = True
            self.starts += 1
        return ray

    def close(self) -> None:
        """Shut down the local Ray instance if this session started it."""
        if self._started:
            import ray

            ray.shutdown()
            self._started = False

    def __enter__(self) -> RaySession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _failed(exc: Exception) -> ModelError:
    return ModelError(f"running on Ray failed ({type(exc).__name__}: {exc}); check --address and that every "
                      "node has checker and its model installed")


class RayEmbedder:
    """Distributes another embedder's work over Ray actors; vectors come back in input order.

    The Ray connection and the actors (each holding a loaded model) are made on the first
    :meth:`embed` and kept for the next ones, so a build that embeds chunk after chunk pays the
    start-up once. Use it as a context manager, or call :meth:`close`, to release them; a local
    Ray instance it started is then shut down.

    Args:
        embedder: the embedder each worker runs (sent to the workers unloaded; each loads its model once).
        address: a running cluster (``ray://host:10001`` or ``auto``); ``None`` starts a local Ray
            instance with ``workers`` CPUs. Defaults to ``None``.
        workers: encoder actors, one CPU each. More workers encode faster until the cluster's CPUs
            run out. Defaults to 2.
        shard_size: texts per task. Larger shards cost less scheduling, smaller ones balance better.
            Defaults to 2048.
        session: share a :class:`RaySession` (e.g. with a :class:`RayJudge`); ``address`` is then ignored.

    Example:
        >>> with RayEmbedder(embedder, address="auto", workers=32) as ray_embedder:  # doctest: +SKIP
        ...     build_index(["reports/"], "indexes/big", embedder=ray_embedder)
    """

    def __init__(self, embedder: Embedder, *, address: str | None = None, workers: int = 2,
                 shard_size: int | None = None, session: RaySession | None = None) -> None:
        shard_size = shard_size or DEFAULT_SHARD_SIZE
        if workers < 1 or shard_size < 1:
            raise ValueError("workers and shard_size must be positive")
        self.inner = embedder
        self.model_id = embedder.model_id
        self.workers = workers
        self.shard_size = shard_size
        self.session = session or RaySession(address, workers)
        self._pool = None
        self._pool_start = -1  # the session connection the actors belong to

    @property
    def batch_hint(self) -> int:
        """Texts per :meth:`embed` call that keep every worker busy (callers embedding in slices use it)."""
        return self.shard_size * self.workers

    def __enter__(self) -> RayEmbedder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts`` on the cluster; the same rows as ``embedder.embed(texts)``.

        Raises:
            ModelError: Ray is not installed, the cluster cannot be reached, or a worker fails.
        """
        if not texts:
            return self.inner.embed([])
        ray = self.session.connect()
        try:
            if self._pool is None or self._pool_start != self.session.starts:
                actor = ray.remote(num_cpus=1)(_Encoder)
                inner = ray.put(self.inner)  # serialised once, not once per worker
                self._pool = ray.util.ActorPool([actor.remote(inner) for _ in range(self.workers)])
                self._pool_start = self.session.starts
            size = max(1, min(self.shard_size, -(-len(texts) // self.workers)))  # a small call still uses every worker
            parts = self._pool.map(lambda a, span: a.embed.remote(texts[span[0]:span[1]]), shards(len(texts), size))
            return np.ascontiguousarray(np.vstack(list(parts)), dtype=np.float32)
        except (ConnectionError, ray.exceptions.RayError) as exc:
            self.close()
            raise _failed(exc) from exc

    def close(self) -> None:
        """Release the actors, and shut down the local Ray instance if this object started it."""
        self._pool = None
        self.session.close()


def _import_ray():
    try:
        import ray
        import ray.util
    except ImportError as exc:
        raise ModelError("--engine ray needs Ray: pip install 'claim-consistency-checker[ray]'") from exc
    return ray
