"""Plain text and Markdown: titles, boilerplate stripping, structure, language."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles.extraction import extract
from articles.extraction.boilerplate import is_boilerplate_line
from articles.extraction.language import detect_language

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "extraction"


@pytest.fixture(scope="module")
def scraped():
    data = (FIXTURES / "ai_news_page.txt").read_bytes()
    return extract(data, filename="ai-news/quill.txt")


def test_scraped_page_title_is_the_headline(scraped):
    assert scraped.title == "Open model from Lumen Labs matches larger rivals on reasoning tests"
    assert scraped.content_type == "text/plain"
    assert scraped.language == "en"


def test_scraped_page_keeps_the_whole_article_with_bullets(scraped):
    text = scraped.text
    assert text.startswith("Lumen Labs released Quill-7B on Tuesday")
    assert "\n\nKey points\n\n- Quill-7B has seven billion parameters" in text
    assert (
        "- Training used 4 trillion tokens, a third of them synthetic reasoning traces.\n"
        "- The weights and the data-filtering code"
    ) in text
    assert "\n\nHow it was trained\n\n" in text
    assert "\n\nWhat comes next\n\n" in text
    assert text.endswith("Independent groups have already begun reproducing the benchmark results.")


@pytest.mark.parametrize(
    "dropped",
    [
        "✕",
        "Written by",
        "Published on",
        "Join our daily newsletter",
        "Join Now",
        "Share",
        "Recent News",
        "Chipmaker unveils",
        "watch battery",
        "Regulators open consultation",
        "robot kitchen assistants",
    ],
)
def test_scraped_page_drops_everything_else(scraped, dropped):
    assert dropped not in scraped.text


def test_title_never_taken_from_a_long_first_paragraph():
    text = (
        "This opening paragraph is a full sentence that runs on for quite a while, well past "
        "the length any headline would have, and so it must stay in the body.\n\n"
        "A second paragraph follows it.\n"
    )
    article = extract(text.encode(), filename="note.txt")
    assert article.title is None
    assert article.text.startswith("This opening paragraph")


def test_byline_and_dateline_become_metadata():
    text = (
        "Snow closes mountain passes\n\nBy Lena Park\n\nPublished on: 2024-01-09\n\n"
        "Heavy snow closed three mountain passes overnight, and police asked drivers to stay "
        "off the roads until the ploughs have been through.\n"
    )
    article = extract(text.encode(), filename="snow.txt")
    assert article.title == "Snow closes mountain passes"
    assert article.authors == ["Lena Park"]
    assert article.published == "2024-01-09"
    assert article.text.startswith("Heavy snow closed")


def test_hard_wrapped_paragraphs_are_joined():
    text = (
        "Wrapped notes\n\n"
        "This is a long paragraph that has been hard wrapped at a fixed width of\n"
        "about seventy characters, the way plain text files often are when they\n"
        "are written in an editor.\n\n"
        "Second paragraph.\n"
    )
    article = extract(text.encode(), filename="wrapped.txt")
    assert article.text == (
        "This is a long paragraph that has been hard wrapped at a fixed width of about "
        "seventy characters, the way plain text files often are when they are written in "
        "an editor.\n\nSecond paragraph."
    )


MARKDOWN = """---
title: "Community garden doubles in size"
author: Priya Shah
date: 2024-05-20
---

The community garden on **Mill Lane** has doubled in size after the council handed over
the neighbouring plot, [the trust said](https://example.org/news) on Monday.

## What is new

* forty new raised beds
* a _shared_ tool shed
* a rain-water tank

![A photo of the beds](beds.jpg)

Volunteers meet every Saturday at `10:00`.
"""


def test_markdown_markup_removed_structure_kept():
    article = extract(MARKDOWN.encode(), filename="garden.md")
    assert article.content_type == "text/markdown"
    assert article.title == "Community garden doubles in size"
    assert article.authors == ["Priya Shah"]
    assert article.published == "2024-05-20"
    assert article.text == (
        "The community garden on Mill Lane has doubled in size after the council handed over "
        "the neighbouring plot, the trust said on Monday.\n\n"
        "What is new\n\n"
        "- forty new raised beds\n- a shared tool shed\n- a rain-water tank\n\n"
        "Volunteers meet every Saturday at 10:00."
    )


def test_markdown_title_from_first_heading():
    text = "# Tram line opens\n\nThe new tram line opened on Sunday with free rides all day.\n"
    article = extract(text.encode(), filename="tram.markdown")
    assert article.title == "Tram line opens"
    assert article.text == "The new tram line opened on Sunday with free rides all day."


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The weather was cold and the roads were closed for most of the day."),
        (
            "fr",
            "Le conseil municipal a voté pour la construction d'une nouvelle école.",
        ),
        ("es", "El gobierno anunció que las obras del puente terminarán antes del verano."),
        ("de", "Die Regierung hat angekündigt, dass die Arbeiten an der Brücke im Sommer enden."),
        ("it", "Il governo ha annunciato che i lavori del ponte finiranno prima dell'estate."),
        (
            "pt",
            "O governo anunciou que as obras da ponte vão terminar antes do verão e não depois.",
        ),
        (
            "nl",
            "De regering heeft aangekondigd dat de werken aan de brug voor de zomer klaar zijn.",
        ),
        ("ru", "Правительство объявило, что работы на мосту будут завершены до лета."),
        ("ja", "政府は、橋の工事が夏までに終わると発表しました。市民は新しい橋を待っています。"),
        ("zh", "政府宣布桥梁工程将在夏天之前完成，市民们正在等待新桥的开通和使用。"),
        ("ar", "أعلنت الحكومة أن أعمال الجسر ستنتهي قبل الصيف وأن المواطنين ينتظرون الافتتاح."),
        (
            "ko",
            "정부는 다리 공사가 여름 전에 끝날 것이라고 발표했습니다. 시민들은 기다리고 있습니다.",
        ),
    ],
)
def test_detect_language(lang, text):
    assert detect_language(text * 3) == lang


def test_detect_language_unsure_on_tiny_input():
    assert detect_language("ok") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Sign up for our newsletter to get the best stories in your inbox.", True),
        ("Email the author or follow us on Twitter and Facebook.", True),
        ("Click here for more information.", True),
        ("[button link='/review'] Send us your review[/button]", True),
        ("Related: Ten things to know about the harbour", True),
        ("Posted by", True),
        ("•", True),
        ("The council said it would follow the advice of its engineers.", False),
        ("Share prices rose by four per cent on Monday after the results.", False),
        ("Related research has shown that sea walls need raising every few decades.", False),
    ],
)
def test_boilerplate_lines(line, expected):
    assert is_boilerplate_line(line) is expected


SCRAPED_WITH_NAV_BAR = """Home | World | Business | Tech | Science | Sign in | Subscribe

Harbour town votes to rebuild its sea wall

By Maria Okafor, Staff Writer
2 February 2025

Residents of Port Elsby voted by a wide margin on Thursday to rebuild the harbour's crumbling
sea wall, ending years of argument about the cost.

Search

World

Business

Share Tweet Email

The council will borrow most of the estimated cost over thirty years. Officials said work
could begin next spring.
"""


def test_navigation_bar_line_is_not_the_title_and_its_items_are_dropped():
    article = extract(SCRAPED_WITH_NAV_BAR.encode(), filename="sea-wall.txt")
    assert article.title == "Harbour town votes to rebuild its sea wall"
    assert article.authors == ["Maria Okafor"]
    assert article.published == "2025-02-02"  # ISO 8601, as the record promises
    assert article.text.startswith("Residents of Port Elsby voted")
    assert article.text.endswith("Officials said work could begin next spring.")
    for dropped in ("Home |", "Sign in", "Search", "World", "Business", "Share Tweet"):
        assert dropped not in article.text


def test_latin1_text_file_gets_its_title_line():
    text = (
        "Neue Brücke für Zürich eröffnet\n\n"
        "Die neue Brücke über die Limmat wurde am Montag eröffnet. Sie verbindet die Altstadt "
        "mit dem Bahnhofsquartier und ist für Fussgänger und Velofahrer gedacht.\n\n"
        "Die Bauarbeiten dauerten zwei Jahre und kosteten rund zwölf Millionen Franken.\n"
    )
    article = extract(text.encode("latin-1"), filename="bruecke.txt")
    assert article.title == "Neue Brücke für Zürich eröffnet"
    assert article.language == "de"
    assert article.text.startswith("Die neue Brücke über die Limmat")


def test_written_dates_in_a_dateline_become_iso():
    for written, iso in (
        ("Published: 2 February 2025", "2025-02-02"),
        ("Posted on Feb. 2, 2025", "2025-02-02"),
        ("Date: 3. März 2025", "2025-03-03"),
    ):
        text = f"Tram line approved\n\n{written}\n\nThe council approved the tram line on Tuesday."
        text += "\n\nWork starts in the spring."
        assert extract(text.encode(), filename="t.txt").published == iso, written
