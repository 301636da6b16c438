"""Stage 4, judge: candidate pairs → same event? → what differs → agree / contradict, and the learned scorer.

:mod:`~checker.judge.pairs` finds candidates; :mod:`~checker.judge.gate`, :mod:`~checker.judge.differences`
and :mod:`~checker.judge.rules` judge a pair; :mod:`~checker.judge.corpus` runs them over a corpus and makes
:class:`~checker.judge.findings.Finding` objects; :mod:`~checker.judge.stories` groups findings by event;
:mod:`~checker.judge.scorer`, :mod:`~checker.judge.train`, :mod:`~checker.judge.calibrate` and
:mod:`~checker.judge.evaluate` are the learned parts.
"""

from __future__ import annotations

from .findings import Finding
from .rules import RuleJudge
from .verdict import Calibration, Difference, Judge, PairInput, Relation, Verdict

__all__ = ["Calibration", "Difference", "Finding", "Judge", "PairInput", "Relation", "RuleJudge", "Verdict"]
