"""The shortcuts taken for speed give what the full work gives."""

from __future__ import annotations

import pytest

from articles.keypoints.clean import (
    boilerplate_test,
    clean_point,
)
from articles.keypoints.sentences import split_sentences
from articles.keypoints.text import content_terms, has_terms, stem


@pytest.mark.parametrize(
    "text",
    [
        "The 3 ministers were charged on Monday.",
        "(CNN) --",
        "He said it was so.",
        "of the and",
        "",
        "Über 5 Jahre",
    ],
)
def test_has_terms_agrees_with_content_terms(text: str) -> None:
    assert has_terms(text) is bool(content_terms(text))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Irregular whitespace is still collapsed, regular text left as it is.
        ("The  road\twas closed\u00a0for hours.", "The road was closed for hours."),
        ("LONDON (Reuters) - Prices rose again.", "Prices rose again."),
        (
            "Rates rose sharply again in May, according to the central bank.",
            "Rates rose sharply again in May, according to the central bank.",
        ),
        ("Tragedy: the pensioner died after a fall at home last week.", None),
        ("The mayor [credit: AP] opened the school.", "The mayor opened the school."),
    ],
)
def test_cleaning_shortcuts_keep_the_cleaning(raw: str, expected: str | None) -> None:
    cleaned = clean_point(raw)
    if expected is not None:
        assert cleaned == expected
    else:
        assert cleaned.startswith("The pensioner died")


@pytest.mark.parametrize(
    "line",
    [
        "Photo by Ann Lee",
        "İmage: a river",
        "ſource: agency",
        "By John Smith",
        "Scroll down",
        "We may receive a commission when you buy through links on this site.",
    ],
)
def test_page_furniture_still_found(line: str) -> None:
    doc = f"The storm hit the coast.\n{line}"
    test = boilerplate_test(doc)
    assert test(line)
    assert not test("The storm hit the coast.")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("cities", "city"),
        ("carried", "carry"),
        ("studied", "study"),
        ("classes", "class"),
        ("charging", "charg"),
        ("charged", "charg"),
        ("charges", "charg"),
        ("focus", "focus"),
        ("analysis", "analysis"),
        ("quickly", "quick"),
        ("dies", "die"),
        ("minister's", "minister"),
        ("ties", "tie"),
    ],
)
def test_stems(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        (
            "They met Dr. Jones (of the U.S. Army) at 5 p.m. Then they left.",
            ["They met Dr. Jones (of the U.S. Army) at 5 p.m.", "Then they left."],
        ),
        ("The talks ended. " * 30, ["The talks ended."] * 30),
    ],
)
def test_the_word_before_a_full_stop_is_read_past_quotes_and_brackets(
    text: str, expected: list[str]
) -> None:
    assert [u.text for u in split_sentences(text)] == expected


def test_an_affiliate_disclosure_is_never_a_point() -> None:
    from articles.keypoints import summarize

    text = (
        "The best hiking boots of the year are lighter than ever.\n\n"
        "We may earn a commission from some of the products featured on this page.\n\n"
        "Our testers walked four hundred miles across wet moorland and dry mountain trails. "
        "The winning pair kept their feet dry for three days of steady rain. "
        "A cheaper pair from a small maker came a close second on grip and comfort. "
        "Two of the pairs split at the seams before the end of the second week."
    )
    points = summarize("The best hiking boots", text).key_points
    assert len(points) >= 3
    assert not any("commission" in point for point in points)
