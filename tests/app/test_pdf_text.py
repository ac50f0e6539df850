"""Text in the PDFs: runs per face for the glyphs each has, and cell text laid out by width."""

from __future__ import annotations

from app.pdf import styles
from app.pdf.cell_text import CellText, width_of, wrap_text


def test_runs_switch_to_the_fallback_face_only_for_missing_glyphs() -> None:
    assert list(styles.runs("Zoë Ångström, Łukasz")) == [(styles.REGULAR, "Zoë Ångström, Łukasz")]
    assert list(styles.runs("for 山田太郎's team")) == [
        (styles.REGULAR, "for "),
        (styles.CJK, "山田太郎"),
        (styles.REGULAR, "'s team"),
    ]
    assert styles.needs_fallback("夜間") and not styles.needs_fallback("Wiśniewski")


def test_markup_escapes_and_names_the_fallback_font() -> None:
    assert styles.markup("a < b & 夜\nc") == (
        f'a &lt; b &amp; <font name="{styles.CJK}">夜</font><br/>c'
    )


def test_wrap_keeps_every_line_within_the_width_and_every_word() -> None:
    text = "ledgerctl migrate --shard 3 --batch-size 5000 --verify-checksums\nsecond line"
    lines = wrap_text(text, styles.MONO, 7.5, 120)
    assert all(width_of(line, styles.MONO, 7.5) <= 120 for line in lines)
    assert " ".join(lines).split() == text.split()
    assert lines[-1] == "second line"


def test_a_word_wider_than_the_cell_breaks_between_characters() -> None:
    url = "https://tracker.example.com/issues?q=release%3D3.5+priority%3DP1" * 2
    lines = wrap_text(url, styles.REGULAR, 8, 100)
    assert len(lines) > 2 and "".join(lines) == url
    assert all(width_of(line, styles.REGULAR, 8) <= 100 for line in lines)
    cjk = "山田太郎" * 30
    assert "".join(wrap_text(cjk, styles.REGULAR, 8, 100)) == cjk


def test_cell_text_splits_between_lines_and_refuses_when_nothing_fits() -> None:
    cell = CellText([("title", "Step 1"), ("mono", "echo step\n" * 40)])
    _, height = cell.wrap(200, 1000)
    assert height == 10 + 40 * 9.5  # the title and 40 commands; no trailing blank line
    first, rest = cell.split(200, 100)
    assert first.wrap(200, 100)[1] <= 100
    assert first.wrap(200, 100)[1] + rest.wrap(200, 1000)[1] == height
    assert cell.split(200, 5) == []
    assert cell.split(200, height) == [cell]


def test_a_split_keeps_the_lines_as_wrapped() -> None:
    cell = CellText([("text", "word " * 400)])
    _, height = cell.wrap(194, 10_000)
    first, rest = cell.split(200, 100)  # a table passes its column's width here
    assert first.wrap(194, 100)[1] + rest.wrap(194, 10_000)[1] == height
