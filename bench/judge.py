"""Speed of the learned judge: pairs per second, and ``checker check`` on the sample corpus end to end.

Usage: .venv/bin/python bench/judge.py [--pairs 2000] [--format json]

Figures (JSON keys):

- ``pairs``: claim pairs scored (every pair of the sample corpus's claims, repeated to ``--pairs``);
  ``texts``: distinct claims among them.
- ``encode_s``: a token-vector pass over the distinct claims, as if nothing were kept from the sentence pass (``check``
  keeps them, so there it costs nothing);
  ``heads_s``: the attention heads over every pair, token vectors at hand; ``pairs_per_s``: pairs / (encode +
  heads), ``heads_pairs_per_s``: pairs / heads alone.
- ``check_s``: ``checker.check`` on ``examples/reports`` in this process, model loaded (median of 3),
  ``check_cold_s``: the ``checker check examples/reports --format json`` command in a fresh process.
- ``scorer``: the scorer card's model and training command.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args()

    import checker
    from checker.config import Config
    from checker.embed import embedder_from_config
    from checker.judge.scorer import PairScorer

    embedder = embedder_from_config(Config())
    report = checker.check(ROOT / "examples" / "reports", embedder=embedder)
    claims = [c.proposition for c in report.claims]
    pairs = list(itertools.islice(itertools.cycle(itertools.combinations(claims, 2)), args.pairs))
    texts = sorted({t for p in pairs for t in p})
    scorer = PairScorer.for_model(embedder.model_id)
    fresh = embedder_from_config(Config())  # nothing kept from a sentence pass: the token pass costs in full
    fresh.embed(["warm up"])
    started = time.perf_counter()
    states = dict(zip(texts, fresh.token_states(texts, scorer.layers)))
    encode_s = time.perf_counter() - started
    started = time.perf_counter()
    scorer.predict_proba([(states[a], states[b]) for a, b in pairs])
    heads_s = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        checker.check(ROOT / "examples" / "reports", embedder=embedder)
        runs.append(time.perf_counter() - started)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from checker.cli import main; main()", "check",
                    str(ROOT / "examples" / "reports"), "--format", "json"], cwd=ROOT, capture_output=True,
                   check=False)
    cold = time.perf_counter() - started
    result = {"pairs": len(pairs), "texts": len(texts), "encode_s": round(encode_s, 2), "heads_s": round(heads_s, 2),
              "pairs_per_s": round(len(pairs) / (encode_s + heads_s), 1),
              "heads_pairs_per_s": round(len(pairs) / heads_s, 1), "check_s": round(statistics.median(runs), 2),
              "check_cold_s": round(cold, 2),
              "scorer": {"model": scorer.card.get("model"), "command": scorer.card.get("command")}}
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        for name, value in result.items():
            print(f"{name:>18}: {value}")


if __name__ == "__main__":
    main()
