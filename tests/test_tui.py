"""The browser, driven headless with Textual's pilot at 80×24 over a hand-made report."""

import asyncio

import pytest
from textual.widgets import DataTable, Input, Static

from checker.text.display import AS_WRITTEN, LAID_OUT, Display, visual
from checker.tui.app import BrowseApp, FindingScreen, StoryScreen
from checker.tui.widgets import ClaimPane, Query


def _run(report, steps, display=LAID_OUT):
    async def go():
        app = BrowseApp(report, display)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            return await steps(app, pilot)
    return asyncio.run(go())


def _rows(table: DataTable) -> list[list[str]]:
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _text(widget: Static) -> str:
    from rich.console import Console

    console = Console(width=80, record=True, file=open("/dev/null", "w"))
    console.print(widget.content if hasattr(widget, "content") else widget.renderable)
    return console.export_text()


def test_story_list_sorts_and_filters(report):
    async def steps(app, pilot):
        table = app.screen.query_one("#stories", DataTable)
        assert [r[:3] for r in _rows(table)] == [["1", "1", "0"], ["2", "0", "1"]]
        assert "✗ 1" in _text(app.screen.query_one("#status", Static))
        await pilot.press("s")  # sort by agreements
        assert [r[0] for r in _rows(table)] == ["2", "1"]
        await pilot.press("r")  # contradicting stories only
        assert [r[0] for r in _rows(table)] == ["1"]
        await pilot.press("c", "slash")
        assert app.screen.query_one("#search", Input).has_focus
        await pilot.press(*"source:minister", "enter")
        assert [r[0] for r in _rows(table)] == ["2"] and table.has_focus
        await pilot.press("k")  # kind: first kind in order is "location": nothing of story 2
        assert table.row_count == 0
    _run(report, steps)


def test_story_matrix_and_finding_view(report):
    async def steps(app, pilot):
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, StoryScreen) and screen.story.id == 1
        matrix = _rows(screen.query_one("#matrix", DataTable))
        assert [row[1:] for row in matrix] == [["R", "✗"], ["✗", "R"]]
        await pilot.press("right", "right")  # the cursor on claim c2 shows it below
        assert visual("معيتيقة") in _text(screen.query_one("#claim", ClaimPane))
        await pilot.press("tab", "enter")
        finding = app.screen
        assert isinstance(finding, FindingScreen)
        head = _text(finding.query_one("#head", Static))
        assert "CONTRADICT" in head and "gate 0.60" in head and "pair 0.76" in head
        a = finding.query_one("#a", ClaimPane)
        assert "reports/0.txt:2" in _text(a)
        # the differing span is lit, joined, and reads right to left: the display order is the reverse
        assert _lit(a) == visual("قاعدة رامشتاين").replace(" ", "")
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, StoryScreen | FindingScreen)
    _run(report, steps)


def _lit(pane: ClaimPane) -> str:
    """The highlighted letters of a claim pane's text, as displayed (visual order, over every line)."""
    body = (pane.content if hasattr(pane, "content") else pane.renderable).renderables[-1]
    return "".join(line.plain[span.start:span.end] for line in body.lines(36) for span in line.spans
                   if "yellow" in str(span.style)).replace(" ", "")


def _screen_letters(app) -> tuple[int, int]:
    """Joined presentation forms and bare Arabic letters in the text of the screen as drawn."""
    shown = app.export_screenshot()
    joined = sum(0xFB50 <= ord(ch) <= 0xFDFF or 0xFE70 <= ord(ch) <= 0xFEFF for ch in shown)
    bare = sum(0x0621 <= ord(ch) <= 0x064A and ch != "\u0640" for ch in shown)
    return joined, bare


@pytest.mark.parametrize("display", [LAID_OUT, Display(reorder=True), AS_WRITTEN])
def test_arabic_letters_are_joined_on_screen_when_joining_is_on(report, display):
    async def steps(app, pilot):
        seen = [_screen_letters(app)]  # the story list
        await pilot.press("enter")
        seen.append(_screen_letters(app))  # a story's matrix and claim
        await pilot.press("tab", "enter")
        seen.append(_screen_letters(app))  # a finding, both claims
        return seen

    for joined, bare in _run(report, steps, display):
        if display.join:
            assert joined > 20 and bare == 0
        else:
            assert joined == 0 and bare > 20


def test_the_browser_follows_checker_bidi_and_the_terminal(report, monkeypatch):
    assert BrowseApp(report).arabic == LAID_OUT
    monkeypatch.setenv("VTE_VERSION", "7600")  # GNOME Terminal and other VTE terminals join and reorder
    assert BrowseApp(report).arabic == AS_WRITTEN
    monkeypatch.setenv("CHECKER_BIDI", "on")
    assert BrowseApp(report).arabic == LAID_OUT and BrowseApp(report, AS_WRITTEN).arabic == AS_WRITTEN


def test_query_parse_keeps_sort_and_reads_fields():
    query = Query.parse("source:Times report:001 رامشتاين base", Query(sort="date", relation="agree"))
    assert (query.source, query.report, query.text, query.sort, query.relation) == \
        ("Times", "001", "رامشتاين base", "date", "agree")


@pytest.mark.model
def test_browse_the_sample_corpus_for_real(sample_dir):
    from checker import check

    async def steps(app, pilot):
        assert app.screen.query_one("#stories", DataTable).row_count == len(app.report.stories) >= 2
        await pilot.press("enter", "tab", "enter")
        finding = app.screen
        assert isinstance(finding, FindingScreen) and finding.findings[0].relation.value == "contradict"
        assert _lit(finding.query_one("#a", ClaimPane)) and _lit(finding.query_one("#b", ClaimPane))
        await pilot.press("n")
        assert finding.at == (1 if len(finding.findings) > 1 else 0)
    _run(check([sample_dir]), steps)
