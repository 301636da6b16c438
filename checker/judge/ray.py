"""Judging on a Ray cluster (``checker index check --engine ray``).

The candidate pairs of a whole index (:func:`checker.api.check_index` with
``run_judge=``) are judged in shards on Ray tasks, each holding one copy of the
judge, and the verdicts come back in input order, equal to the local ones.
"""

from __future__ import annotations

from typing import Any

from ..embed.ray import RayEmbedder, RaySession, _failed, shards

__all__ = ["RayEmbedder", "RayJudge", "RaySession"]  # checker.distributed's names

DEFAULT_JUDGE_SHARD = 20_000  #: pairs per judging task (~4 s of rule judging on one core)


def _judge_shard(judge: Any, pairs: list) -> list:
    return judge.judge(pairs)


class RayJudge:
    """Judges candidate pairs on Ray tasks: ``run(judge, pairs)`` equals ``judge.judge(pairs)``.

    Pass it as ``run_judge`` to :func:`checker.api.check_index` (or :func:`~checker.api.judge_claims`).
    The judge (with its word weights and the signals it has read) is sent once; each task judges
    one shard of pairs.

    Args:
        address: a running cluster; ``None`` starts a local Ray instance with ``workers`` CPUs.
            Defaults to ``None``.
        workers: CPUs of a local instance (tasks use one CPU each). Defaults to 2.
        shard_size: pairs per task. Defaults to 20,000.
        session: share a :class:`RaySession` (e.g. with a :class:`RayEmbedder`).
    """

    def __init__(self, *, address: str | None = None, workers: int = 2, shard_size: int = DEFAULT_JUDGE_SHARD,
                 session: RaySession | None = None) -> None:
        if shard_size < 1:
            raise ValueError("shard_size must be positive")
        self.shard_size = shard_size
        self.session = session or RaySession(address, workers)

    def __call__(self, judge: Any, pairs: list) -> list:
        """Verdicts of ``pairs`` in input order.

        Raises:
            ModelError: Ray is not installed, the cluster cannot be reached, or a task fails.
        """
        if not pairs:
            return []
        ray = self.session.connect()
        try:
            task = ray.remote(num_cpus=1)(_judge_shard)
            shared = ray.put(judge)
            futures = [task.remote(shared, pairs[a:b]) for a, b in shards(len(pairs), self.shard_size)]
            return [verdict for part in ray.get(futures) for verdict in part]
        except (ConnectionError, ray.exceptions.RayError) as exc:
            raise _failed(exc) from exc

    def __enter__(self) -> RayJudge:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Shut down the local Ray instance if this judge's session started it."""
        self.session.close()
