"""Draw reports and verdicts with Rich. Renderers take the console they draw on.

Report text (claims, sources, reasons, story labels) is handed to the terminal as
:mod:`checker.text.display` says: joined and in display order where the terminal does neither, as written
where it does both, or when the output is a file or a pipe.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Column, Table
from rich.text import Text

from ..judge.verdict import Relation, Verdict
from ..read.claims import Claim
from ..report.report import Finding, Report
from ..report.style import STYLE, highlighted
from ..text.display import AS_WRITTEN, BidiText, Display, lay_out, terminal_display


def _shown(text: Text, display: Display) -> RenderableType:
    """``text`` as the terminal should be given it: itself where nothing is to be done, else laid out per line."""
    return text if display == AS_WRITTEN else BidiText(text, display)


def _claim_block(label: str, claim: Claim, spans: list[tuple[int, int]], display: Display) -> Group:
    how = claim.attribution.how
    who = Text.assemble((f"{label} ", "bold"), (claim.attributed_to, "cyan"), (f"  {how}", "magenta"),
                        (f"  {claim.path}:{claim.line}", "dim"))
    return Group(_shown(who, display), _shown(highlighted(claim.text, spans), display))


def render_finding(finding: Finding, console: Console, *, display: Display | None = None) -> None:
    """One finding: relation, kind, scores, reason, and both claims with who asserts them.

    Args:
        finding: what to draw.
        console: where to draw it.
        display: what to do to Arabic. Defaults to :func:`~checker.text.display.terminal_display` for
            ``console``.
    """
    display = terminal_display(console.is_terminal) if display is None else display
    head = Text.assemble((f"{finding.relation.value.upper()}", STYLE[finding.relation]),
                         (f"  {finding.kind}", "bold"),
                         (f"  score {finding.score:.2f}  gate {finding.gate:.2f}  cos {finding.similarity:.3f}"
                          + ("" if finding.pair_score is None else f"  pair {finding.pair_score:.2f}"), "dim"))
    body = Group(head, _shown(Text(finding.reason, style="italic"), display),
                 _claim_block("A", finding.a, [d.a_span for d in finding.differences], display),
                 _claim_block("B", finding.b, [d.b_span for d in finding.differences], display))
    console.print(Panel(body, border_style=STYLE[finding.relation].replace("bold ", ""), padding=(0, 1)))


def render_report(report: Report, console: Console, *, config_file: str | None = None,
                  display: Display | None = None) -> None:
    """The terminal report: a summary, warnings, then findings grouped by story.

    Every string from a report, a file name or a source reaches Rich as :class:`~rich.text.Text`, never as
    markup: ``[/url]`` or ``[sic]`` in a report are printed as written.

    Args:
        report: what to draw.
        console: where to draw it.
        config_file: the config file the settings were read from, shown in the header so a setting
            picked up from the current folder (or one above it) is visible. Defaults to none.
        display: what to do to Arabic (joined letters, display order). Defaults to
            :func:`~checker.text.display.terminal_display` for ``console``: ``CHECKER_BIDI``, else laid out on
            a terminal that does not do it itself, as written to a file or a pipe.

    Raises:
        ConfigError: ``CHECKER_BIDI`` is not auto, on or off.
    """
    display = terminal_display(console.is_terminal) if display is None else display
    if config_file:
        console.print(Text(f"config: {config_file}", style="dim"), soft_wrap=True)
    summary = Table.grid(padding=(0, 2))
    summary.add_row("reports", str(len(report.documents)), "claims", str(len(report.claims)),
                    "contradictions", Text(str(len(report.contradictions)), style="bold red"),
                    "agreements", Text(str(len(report.agreements)), style="bold green"))
    console.print(summary)
    if report.stored_claims:
        console.print(Text(f"compared with {report.stored_claims} stored claims", style="dim"))
    for skipped in report.skipped:
        console.print(Text.assemble(("warning: skipped ", "yellow"), f"{skipped.path}: {skipped.reason}"),
                      soft_wrap=True)
    for warning in report.warnings:
        console.print(Text.assemble(("warning: ", "yellow"), f"{warning.path}: {warning.message}"), soft_wrap=True)
    if not report.findings:
        console.print("No agreeing or contradicting claims found.")
        return
    for story in report.stories:
        label = lay_out(Text(story.label), None, display)[0]  # on its own, so the counts stay out of its run
        # the counts before the title: a long title is cut at the terminal's width, the counts never are
        title = Text.assemble(f"Story {story.id} ", (f"{story.contradictions} contradict", "red"), " ",
                              (f"{story.agreements} agree", "green"), ": ", label)
        console.print(Rule(title, align="left"))
        for finding in story.findings:
            render_finding(finding, console, display=display)


def render_verdict(a: str, b: str, verdict: Verdict, console: Console, min_score: float = 0.5, *,
                   display: Display | None = None) -> None:
    """The verdict of ``checker compare``; one scoring below ``min_score`` says ``check`` would not report it.

    ``display`` says what to do to Arabic, as for :func:`render_report`.
    """
    display = terminal_display(console.is_terminal) if display is None else display
    weak = verdict.relation is not Relation.UNRELATED and verdict.score < min_score
    head = Text.assemble((verdict.relation.value.upper(), STYLE[verdict.relation]), (f"  {verdict.kind}", "bold"),
                         (f"  score {verdict.score:.2f}  gate {verdict.gate:.2f}  cos {verdict.similarity:.3f}"
                          + ("" if verdict.pair_score is None else f"  pair {verdict.pair_score:.2f}"), "dim"),
                         (f"  weak: below min_score {min_score:.2f}, `checker check` would not report it"
                          if weak else "", "yellow"))
    console.print(Panel(Group(head, _shown(Text(verdict.reason, style="italic"), display),
                              _shown(Text.assemble(("A ", "bold"), highlighted(a, [d.a_span for d in
                                                                                    verdict.differences])), display),
                              _shown(Text.assemble(("B ", "bold"), highlighted(b, [d.b_span for d in
                                                                                    verdict.differences])), display)),
                        padding=(0, 1)))


def render_evaluation(metrics: dict, console: Console) -> None:
    """The numbers of ``checker eval``: what produced them, accuracy, macro-F1, per-class table, confusion matrix."""
    if "encoder" in metrics:
        encoder = metrics["encoder"]
        console.print(Text(f"encoder {encoder['model']} ({encoder['path']}); CPU {' '.join(encoder['cpu']) or '?'}"
                           + (f"; sides {metrics['sides']}" if metrics.get("sides") else "")))
    console.print(f"pairs {metrics['n']}   accuracy [bold]{metrics['accuracy']:.4f}[/]   macro-F1 "
                  f"[bold]{metrics['macro_f1']:.4f}[/]   macro-F1 agree/disagree "
                  f"[bold]{metrics['macro_f1_agree_disagree']:.4f}[/]")
    table = Table("label", "precision", "recall", "F1", "support")
    for label, row in metrics["per_class"].items():  # labels come from the data file: Text, not markup
        table.add_row(Text(label), f"{row['precision']:.4f}", f"{row['recall']:.4f}", f"{row['f1']:.4f}",
                      str(row["support"]))
    console.print(table)
    labels = list(metrics["confusion"])
    confusion = Table("gold \\ predicted", *(Column(Text(label)) for label in labels))
    for gold in labels:
        confusion.add_row(Text(gold), *(str(metrics["confusion"][gold][p]) for p in labels))
    console.print(confusion)


def render_benchmark(figures: dict, console: Console) -> None:
    """The figures of ``checker eval REPORTS_DIR``: headline rates, then found/of per relation and group."""
    def rate(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    console.print(Text(f"{figures['reports']} reports, {figures['claims']} claims, {figures['seconds']} s"))
    console.print(Text(f"contradictions: recall {rate(figures['contradiction_recall'])}, precision "
                       f"{rate(figures['contradiction_precision'])}; agreements: recall "
                       f"{rate(figures['agreement_recall'])}; traps flagged {rate(figures['traps_flagged'])}"))
    console.print(Text(f"contradict findings {figures['contradict_findings']} (across stories "
                       f"{figures['cross_story_contradictions']}, "
                       f"not in the key {figures['unjudged_contradictions']})"))
    table = Table("relation", "group", "found", "of", "rate")
    for relation, groups in figures["by_relation"].items():
        for group, row in groups.items():
            table.add_row(Text(relation), Text(group), str(row["found"]), str(row["of"]), rate(row["rate"]))
    console.print(table)
