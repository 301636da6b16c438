"""``checker calibrate``, ``checker train``, ``checker eval``: the labelled-pair commands."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import app, handle_errors, notify
from .options import FormatOption, ModelOption, config_from, writable_output


@app.command("calibrate")
@handle_errors
def calibrate_cli(pairs: Path = typer.Argument(..., help="CSV with s1,s2,stance (agree/disagree/other)."),
                  model: str | None = ModelOption,
                  write: bool = typer.Option(True, "--write/--dry-run",
                                             help="Store the result (--dry-run only prints it)."),
                  output: Path | None = typer.Option(None, "--output", "-o", help="Calibration file to write. "
                                                     "Default: calibration.json in the user data folder "
                                                     "(~/.local/share/checker on Linux, or $CHECKER_DATA_DIR), "
                                                     "which checks read before the calibration shipped with "
                                                     "checker."),
                  cross: bool = typer.Option(False, "--cross", help="PAIRS are translations across scripts "
                                             "(s1 Arabic, s2 English): measure the cross-script landmarks.")
                  ) -> None:
    """Measure where unrelated and related pairs fall on the model's cosine scale, and store the landmarks.

    Example: checker calibrate ../shared/data/ans/stance_train.csv
    Example: checker calibrate checker/data/parallel_ar_en.csv --cross
    """
    from ..embed import embedder_from_config
    from ..judge.calibrate import calibrate, calibrate_cross, file_sha256, read_pairs, store

    if output is not None and write:
        writable_output(output, "--output")
    embedder = embedder_from_config(config_from(model=model), notify)
    entry = (calibrate_cross if cross else calibrate)(read_pairs(pairs), embedder)
    entry.update(data=pairs.name, data_sha256=file_sha256(pairs))
    typer.echo(f"{embedder.model_id}{' (cross-script)' if cross else ''}: unrelated {entry['unrelated']:.4f}, "
               f"related {entry['related']:.4f} ({entry['pairs']} pairs)")
    if write:
        notify(f"stored in {store(embedder.model_id, entry, output, key='cross' if cross else None)}")


@app.command("train")
@handle_errors
def train_cli(train: list[Path] = typer.Option(..., "--train", help="Training pairs CSV (s1,s2,stance, or ArNLI's "
                                               "t,h,label: read Arabic-Arabic and across scripts); repeat to mix."),
              dev: list[Path] = typer.Option(..., "--dev", help="Dev pairs CSV, used only for calibration and "
                                             "metrics; repeat for several."),
              stories: Path | None = typer.Option(None, "--stories", help="A report benchmark folder (key.json per "
                                                  "story) whose key pairs join the training."),
              hold_out: list[str] = typer.Option([], "--hold-out", help="A story folder of --stories kept out of "
                                                 "training, to fit the decision on (repeat)."),
              rules: int = typer.Option(0, "--rules", help="How many pairs to make by rule from the training "
                                        "sentences (swapped figure/place/month/antonym, denial, frames)."),
              flip: bool = typer.Option(False, "--flip/--no-flip", help="Let the fitted decision also turn "
                                        "agreements the scorer reads as contradictions into contradictions "
                                        "(default: veto only)."),
              seed: int = typer.Option(0, "--seed", help="Random seed."),
              output: Path | None = typer.Option(None, "--output", "-o", help="Folder to write the scorer to. "
                                                 "Default: scorer/NAME in the user data folder "
                                                 "(~/.local/share/checker on Linux, or $CHECKER_DATA_DIR), "
                                                 "which checks read before the scorers shipped with checker."),
              model: str | None = ModelOption) -> None:
    """Train the learned pair scorer for the model and store it in the user data folder, scorer/NAME (reproducible:
    data hashes, seeds and parameters are recorded in its card.json). Encoders with token vectors get attention
    heads, others (use-multilingual-int8) a sentence-vector head. Several sources are weighted so none dominates.

    Example: checker train --train ../shared/data/ans/stance_train.csv --dev ../shared/data/ans/stance_dev.csv
    Example: checker train --train ../shared/data/ans/stance_train.csv --train ../shared/data/arnli/train.csv
    --stories bench/stories/dev --rules 3000 --dev ../shared/data/ans/stance_dev.csv
    --dev ../shared/data/arnli/valid.csv
    """
    from ..embed import embedder_from_config
    from ..judge.scorer import scorer_folder
    from ..judge.train import train_scorer

    embedder = embedder_from_config(config_from(model=model), notify)
    folder = output or scorer_folder(embedder.model_id)
    card = train_scorer(train, dev, embedder, seed=seed, out=folder, log=notify, stories=stories,
                        hold_out=tuple(hold_out), rules=rules)
    typer.echo(f"{card['kind']} scorer for {card['model']} in {folder} "
               f"({card['train_seconds']:.0f} s)")
    for name, dev_metrics in (card.get("dev_sets") or {dev[0].name: card["dev"]}).items():
        typer.echo(f"dev {name}: accuracy {dev_metrics['accuracy']:.4f}, macro-F1 {dev_metrics['macro_f1']:.4f}, "
                   f"macro-F1 agree/disagree {dev_metrics['macro_f1_agree_disagree']:.4f}")
    from ..embed.base import ENCODERS
    from ..judge.scorer import SAME_WEIGHTS

    sibling = [e.name for e in ENCODERS.values() if e.model_id == SAME_WEIGHTS.get(embedder.model_id)]
    if sibling:  # the same weights on the other numeric path (int8 / fp32): the card gives the dev figures of both
        from ..judge.train import path_figures

        paths = path_figures(folder, dev, [embedder, embedder_from_config(config_from(model=sibling[0]), notify)])
        for path, figures in paths.items():
            typer.echo(f"{path}: " + ", ".join(f"{name} {f['macro_f1_agree_disagree']:.4f}"
                                               for name, f in figures.items() if isinstance(f, dict)))
    if stories is not None and hold_out:
        from ..api import fit_decision

        decision = fit_decision(stories, tuple(hold_out), folder, embedder=embedder, notify=notify, flips=flip)
        typer.echo(f"decision on {', '.join(decision['fit_on'])}: flip {decision['flip']}, veto {decision['veto']}; "
                   f"contradictions recall/precision {decision['before']['contradiction_recall']}/"
                   f"{decision['before']['contradiction_precision']} -> {decision['after']['contradiction_recall']}/"
                   f"{decision['after']['contradiction_precision']}")


@app.command("eval")
@handle_errors
def eval_cli(pairs: Path = typer.Argument(..., help="CSV with s1,s2,stance (agree/disagree/other) or "
                                          "s1,s2,label (entailment/contradiction/neutral) or ArNLI's t,h,label "
                                          "(1 entailment, 2 contradiction, 0 neutral); or a folder of "
                                          "reports with key.json files (the story benchmark, bench/stories/dev)."),
             key: Path | None = typer.Option(None, "--key", help="One key of claim pairs for a folder of reports "
                                             "(default: the key.json of each story folder)."),
             sides: str | None = typer.Option(None, "--sides", help="For ArNLI files (t,h,label with the English "
                                              "originals): the language of each side, ar-ar (default), ar-en, "
                                              "en-ar or en-en."),
             output_format=FormatOption, model: str | None = ModelOption) -> None:
    """Judge labelled pairs and print accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix;
    or check a folder of reports and score its findings against a key: recall and precision of contradictions,
    recall of agreements, traps flagged, per kind and for same- and cross-language pairs."""
    import json

    from ..embed import embedder_from_config
    from ..judge.evaluate import evaluate

    config = config_from(model=model)
    if pairs.is_dir():
        from ..api import evaluate_reports

        figures = evaluate_reports(pairs, key, config=config, notify=notify)
        if output_format.value == "json":
            typer.echo(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        from rich.console import Console

        from .render import render_benchmark

        render_benchmark(figures, Console())
        return
    embedder = embedder_from_config(config, notify)
    result = evaluate(pairs, embedder, sides=sides)
    if output_format.value == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from .render import render_evaluation

    render_evaluation(result.metrics, Console())
