"""HTML: what a news page keeps and drops, and the metadata read from its markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from trafilatura.utils import load_html

from articles.errors import NoTextFoundError
from articles.extraction import extract
from articles.extraction.html import is_headline, parse
from articles.extraction.metadata import normalize_date, split_authors

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "extraction"


@pytest.fixture(scope="module")
def article():
    data = (FIXTURES / "news_article.html").read_bytes()
    return extract(data, filename="news/harbour.html")


def test_keeps_every_paragraph_of_the_story(article):
    for phrase in (
        "Residents of Port Elsby voted by a wide margin",
        "The council will borrow most of the estimated cost",
        "three pumping stations",
        "Not everyone was persuaded",
        "publish a detailed timetable before the summer.",
    ):
        assert phrase in article.text


@pytest.mark.parametrize(
    "dropped",
    [
        "Home",  # navigation
        "Share on Facebook",  # share bar
        "Sign up for our free daily newsletter",  # newsletter box
        "Storm Imogen",  # related stories
        "My cellar has flooded",  # comments
        "Bakery wins national award",  # sidebar
        "All rights reserved",  # footer
    ],
)
def test_drops_page_furniture(article, dropped):
    assert dropped not in article.text


def test_body_excludes_the_headline(article):
    assert "Harbour town votes" not in article.text


def test_paragraphs_are_separated_by_blank_lines_and_list_items_by_newlines(article):
    assert "cost over thirty years. Officials" in article.text
    assert "before the summer." in article.text.split("\n\n")[-1]
    assert (
        "- the slipway would be shut from April to September;\n"
        "- temporary moorings would be offered in the outer basin;\n"
        "- the council would cover the cost of moving boats."
    ) in article.text
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("Residents of Port Elsby")
    assert len(paragraphs) == 6


def test_metadata(article):
    assert article.title == "Harbour town votes to rebuild its sea wall"
    assert article.authors == ["Maria Okafor", "Tom Reyes"]
    assert article.published == "2024-03-14T08:30:00+00:00"
    assert article.language == "en"
    assert article.site_name == "The Coastal Courier"
    assert article.url == "https://courier.example/news/2024/03/harbour-sea-wall"
    assert article.description.startswith("Residents of Port Elsby backed a plan")
    assert article.content_type == "text/html"
    assert article.extractor.startswith("trafilatura ")
    assert article.word_count == len(article.text.split())
    assert article.reading_minutes == 1
    assert len(article.content_sha256) == 64


PAGE_WITHOUT_JSON_LD = """<!doctype html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Night trains return to the valley line - Valley Times</title>
<meta name="author" content="By Jana Novak">
<meta property="article:published_time" content="2023-11-02">
</head><body>
<div id="menu"><a href="/">Front page</a> <a href="/local">Local</a></div>
<div class="content">
<h1>Night trains return to the valley line</h1>
<p>Night trains will run on the valley line again from December, the regional operator said
on Thursday, ending a gap of more than ten years without a late service to the mountain towns.</p>
<p>The trains will leave the city at midnight and call at every station up to the border. Tickets
go on sale next week, and season-ticket holders will be able to use them at no extra cost.</p>
<p>Local businesses welcomed the decision, saying that visitors had long complained about
having to leave concerts and restaurants early to catch the last connection.</p>
</div>
</body></html>"""


def test_metadata_from_plain_meta_tags_and_title():
    article = extract(PAGE_WITHOUT_JSON_LD.encode(), filename="trains.html")
    assert article.title == "Night trains return to the valley line"
    assert article.authors == ["Jana Novak"]
    assert article.published == "2023-11-02"
    # No lang attribute: detected from the text.
    assert article.language == "en"
    assert "Night trains will run on the valley line again" in article.text
    assert "Front page" not in article.text
    assert not article.text.startswith("Night trains return")


def test_language_from_the_text_when_the_page_does_not_say():
    page = """<html><body><article>
    <p>Die Stadt hat am Montag beschlossen, die alte Brücke über den Fluss abzureißen und durch
    einen Neubau zu ersetzen. Die Arbeiten sollen im Frühjahr beginnen und zwei Jahre dauern.</p>
    <p>Nach Angaben der Verwaltung ist die Brücke nicht mehr sicher. Für Fußgänger wird eine
    Behelfsbrücke gebaut, die auch von Radfahrern genutzt werden kann.</p>
    </article></body></html>"""
    assert extract(page.encode(), filename="brücke.html").language == "de"


def test_is_headline_matches_with_or_without_site_suffix():
    titles = ["Harbour town votes to rebuild its sea wall"]
    assert is_headline("Harbour town votes to rebuild its sea wall", titles)
    assert is_headline("Harbour town votes to rebuild its sea wall | Courier", titles)
    assert not is_headline("The harbour wall was built in 1890.", titles)


def test_normalize_date_and_split_authors():
    assert normalize_date("2024-03-14T08:30:00Z") == "2024-03-14T08:30:00+00:00"
    assert normalize_date("2024/03/14") == "2024-03-14"
    assert normalize_date("yesterday") is None
    assert split_authors(["By Ann Lee and Bo Chen", "Ann Lee"]) == ["Ann Lee", "Bo Chen"]


def test_authors_job_titles_and_organisations():
    assert split_authors(["By Jane Doe, AP Sports Writer"]) == ["Jane Doe"]
    assert split_authors(["Tom Gillespie News reporter"]) == ["Tom Gillespie"]
    assert split_authors(["Jane Doe, MS, RDN"]) == ["Jane Doe"]
    assert split_authors(["Admin"]) == []
    assert split_authors(["HNN Staff"]) == ["HNN Staff"]  # no person: the organisation
    assert split_authors(["Valley Times", "Ann Lee"], site_name="Valley Times") == ["Ann Lee"]


def test_written_dates_are_normalised():
    assert normalize_date("2 February 2025") == "2025-02-02"
    assert normalize_date("Nov 19, 2019 | 4:05 PM") == "2019-11-19"
    assert normalize_date("19 novembre 2019") == "2019-11-19"
    assert normalize_date("not a date at all") is None


PARSE_BODY = (
    "<body><h1>Harbour wall rebuilt</h1><p>The council voted on Tuesday to rebuild the "
    "harbour wall before the winter storms.</p></body></html>"
)


@pytest.mark.parametrize(
    "page",
    [
        "<!DOCTYPE html><html><head><title>Harbour</title></head>" + PARSE_BODY,
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html><head></head>' + PARSE_BODY,
        '<?xml version="1.0" encoding="utf-8"?>\n<html><head></head>' + PARSE_BODY,
        '<html lang="en"/>\n<head><title>Harbour</title></head>' + PARSE_BODY,
        "<html><head></head>" + PARSE_BODY.replace("harbour wall", "harbour\ufffe wall\uffff"),
        "<p>Just a fragment</p>",
    ],
)
def test_pages_parse_as_trafilatura_loads_them(page):
    """The parser repairs what libxml2 trips on as trafilatura's loader does, so that its
    extractors see the same tree."""
    reference = load_html(page)
    if reference is None:
        with pytest.raises(NoTextFoundError):
            parse(page)
        return
    tree = parse(page)
    assert etree.tostring(tree) == etree.tostring(reference)
    if "harbour" in page:
        assert "harbour wall before the winter" in tree.text_content()
