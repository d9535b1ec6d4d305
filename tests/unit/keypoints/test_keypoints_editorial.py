"""What an editor strikes from key points, lede and keywords: one test per kind of fault."""

from __future__ import annotations

import re

import pytest
from editorial_samples import ARABIC, CHINESE, COLUMN, CONCERT, COURT, JAPANESE, STRUCTURED

from articles.keypoints import points_besides_lede, summarize
from articles.keypoints.clean import clean_point, is_listing
from articles.keypoints.extractive import with_referent
from articles.keypoints.keywords import extract_keywords
from articles.keypoints.lede import standfirst
from articles.keypoints.sentences import split_sentences
from articles.models import text_length
from articles_cli.commands.process import markdown_digest
from articles_cli.commands.show import render

_OPENERS = {"he", "she", "it", "they", "this", "these", "those", "but", "and", "however"}


def _opener(point: str) -> str:
    return point.split(maxsplit=1)[0].lower().strip(",")


# --- points that need the sentence before them --------------------------------------------


def test_a_pronoun_gets_its_referent_when_one_person_is_named_before() -> None:
    before = "Judge Sarah Whitfield passed sentence at Leeds Crown Court on Thursday."
    assert with_referent("She added that the families had shown dignity.", before) == (
        "Whitfield added that the families had shown dignity."
    )
    assert with_referent("His lawyer spoke next.", "Mark Zuckerberg said so.") == (
        "Zuckerberg’s lawyer spoke next."
    )


@pytest.mark.parametrize(
    "before",
    [
        "Anna Berg and Tom Kelly met the minister.",  # two people: ambiguous
        "The storm reached Eilean Mor at dawn.",  # a place, not a person
        "the council met on monday.",  # no name at all
    ],
)
def test_a_pronoun_without_one_named_person_gets_no_referent(before: str) -> None:
    assert with_referent("He said the plan would work.", before) is None


def test_no_point_opens_by_pointing_at_a_sentence_not_shown() -> None:
    for sample in (COURT, CONCERT, COLUMN):
        result = summarize(sample.title, sample.text, count=5)
        points = result.key_points
        for i, point in enumerate(points):
            if _opener(point) in _OPENERS:
                # Allowed only right after the sentence it points at.
                sentences = [s.text for s in split_sentences(sample.text)]
                at = next(k for k, s in enumerate(sentences) if s.startswith(point[:30]))
                assert i > 0 and sentences[at - 1].startswith(points[i - 1][:30]), point


def test_a_column_s_opening_question_is_not_a_point() -> None:
    points = summarize(COLUMN.title, COLUMN.text).key_points
    assert not any(p.endswith("?") for p in points)
    assert not any(p.startswith("It would introduce me") for p in points)


# --- cleaning keeps what a sentence says ------------------------------------------------


def test_cleaning_keeps_a_phrase_that_only_looks_like_a_connective() -> None:
    for text in (
        "In addition to the three fatalities, four people were seriously injured.",
        "As a result of the storm, the bridge stayed closed for a week.",
        "Instead of a fine, the court ordered him to repair the fence.",
    ):
        assert clean_point(text) == text


def test_a_claim_keeps_its_attribution() -> None:
    text = "The drug cut deaths by a third, the company said."
    assert clean_point(text) == text
    point = clean_point("He also said the company would hire 200 staff next year.")
    assert "said" in point


def test_an_inline_label_is_dropped() -> None:
    assert clean_point(
        "Key points from Zuckerberg's letter: the company will hire 2,000 moderators."
    ) == ("The company will hire 2,000 moderators.")
    assert clean_point("Meta's actions: it removed 3 million fake accounts.") == (
        "It removed 3 million fake accounts."
    )
    # A sentence with a colon in it is not a label.
    text = "The reason is simple: nobody wanted to pay for the repairs."
    assert clean_point(text) == text


def test_a_label_with_an_aside_in_brackets_is_dropped() -> None:
    assert clean_point("Heritage (1-0): Armani Sheffield scored 19 points in the win.") == (
        "Armani Sheffield scored 19 points in the win."
    )


def test_a_byline_and_date_glued_to_the_opening_go() -> None:
    text = "By Tom Reilly | June 3, 2024 The Harbour Lights played for two hours in Glasgow."
    assert clean_point(text, opening=True) == "The Harbour Lights played for two hours in Glasgow."


def test_a_headline_glued_to_the_opening_is_not_in_the_point() -> None:
    title = "Council approves new bridge"
    text = (
        f"{title} The city council approved a new bridge over the river on Monday after a "
        "long debate.\nThe bridge will cost 40 million pounds and open in 2027.\n"
        "Work will start in the spring, the council said."
    )
    points = summarize(title, text).key_points
    assert points[0].startswith("The city council approved")


# --- listings are never points -------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "June 14 - Alpharetta, GA @ Ameris Bank Amphitheatre",
        "Sat 3 June: Leeds, First Direct Arena",
        "Tickets: $45-$120, on sale Friday at 10am local time.",
        "| 1 | Kyle Rowe | 5040 | 5 | 1 |",
    ],
)
def test_listing_lines(line: str) -> None:
    assert is_listing(line)


def test_the_band_played_on_june_14_is_a_sentence() -> None:
    assert not is_listing("The band played on June 14 in Atlanta to a crowd of 9,000.")


def test_a_review_s_tour_dates_are_not_points() -> None:
    result = summarize(CONCERT.title, CONCERT.text, count=7)
    assert len(result.key_points) >= 3
    for point in result.key_points:
        assert "@" not in point and not point.startswith(("June", "Tickets", "Photos")), point
    assert not {"Ameris Bank Amphitheatre", "Ascend Amphitheater"} & set(result.keywords)


# --- structure ---------------------------------------------------------------------------


def _section_of(text: str) -> dict[str, int]:
    section, out = 0, {}
    for unit in split_sentences(text):
        if unit.kind == "heading":
            section += 1
        else:
            out[unit.text] = section
    return out


def test_a_structured_article_s_points_cover_its_sections() -> None:
    sections = _section_of(STRUCTURED.text)
    points = summarize(STRUCTURED.title, STRUCTURED.text).key_points
    covered = {s for text, s in sections.items() for p in points if text.startswith(p[:30])}
    assert len(covered) >= 3, points


def test_a_numbered_subheading_is_a_heading_not_a_point() -> None:
    units = split_sentences("Intro sentence here today.\n2. The numbers\nThe firm grew.")
    assert [(u.kind, u.text) for u in units][1] == ("heading", "The numbers")
    points = summarize(STRUCTURED.title, STRUCTURED.text, count=7).key_points
    assert not any(re.match(r"\d\.", p) or p in {"The release", "The numbers"} for p in points)


# --- the lede ------------------------------------------------------------------------------


def test_a_real_standfirst_is_the_lede() -> None:
    result = summarize(STRUCTURED.title, STRUCTURED.text, description=STRUCTURED.description)
    assert result.summary == STRUCTURED.description


@pytest.mark.parametrize(
    "description",
    [
        "Orbital, the Montreal start-up behind the Vega models, released Vega 3 on...",
        "Orbital, the Montreal start-up behind the Vega models, released Vega 3 on Wednesday",
        "The latest news, sport and weather from around the world.",  # not about the story
        "AI, open models, Orbital",  # tags
        None,
    ],
)
def test_a_cut_off_or_unrelated_description_is_not_the_lede(description: str | None) -> None:
    assert standfirst(description, STRUCTURED.text) is None
    result = summarize(STRUCTURED.title, STRUCTURED.text, description=description)
    assert result.summary.startswith("Orbital, the Montreal start-up")


def _shown(view: str, sentence: str) -> int:
    return " ".join(view.split()).count(" ".join(sentence.split()[:12]))


def test_the_lede_is_shown_once_in_every_view() -> None:
    result = summarize(COURT.title, COURT.text)
    assert result.summary.startswith(result.key_points[0])  # the record keeps both as they are
    record = {
        "source": "court.txt",
        "title": COURT.title,
        "summary": result.summary,
        "key_points": result.key_points,
        "keywords": result.keywords,
        "text": "",
    }
    item = {**record, "source": {"bucket": "b", "key": "court.txt"}, "id": "abc", "status": "S"}
    for view in (markdown_digest(record), render(item)):
        assert _shown(view, result.key_points[0]) == 1, view
        for point in result.key_points[1:]:
            assert _shown(view, point) == 1


def test_points_besides_the_lede() -> None:
    lede = "The river burst its banks. Two thousand people left their homes."
    points = ["The river burst its banks.", "Insurers expect claims to top 10 million pounds."]
    assert points_besides_lede(lede, points) == points[1:]
    assert points_besides_lede("", points) == points


# --- keywords ----------------------------------------------------------------------------


def test_headline_wording_the_body_never_uses_is_not_a_keyword() -> None:
    keywords = extract_keywords(
        "Governor doubles school budget",
        "The governor of Ohio signed a law on Monday that raises the school budget to two "
        "billion dollars. The governor said schools would hire teachers. Schools in Ohio "
        "welcomed the law, and teachers said the budget was overdue.",
    )
    assert not {"governor doubles", "doubles", "doubles school"} & {k.lower() for k in keywords}


def test_names_are_kept_whole() -> None:
    text = (
        "Officials in New Mexico said the Department of Homeland Security sent agents. "
        "The Department of Homeland Security did not comment. New Mexico has asked for help "
        "before, and the governor of New Mexico said agents should leave."
    )
    keywords = extract_keywords(None, text)
    assert "New Mexico" in keywords
    assert "Department of Homeland Security" in keywords
    assert not any(k in {"Mexico", "Department of Homeland", "Homeland Security"} for k in keywords)


def test_generic_words_are_not_keywords() -> None:
    text = (
        "The study found that 40 percent of farms use drones. The study says drones cut "
        "costs by 20 percent. Development of farm drones is fast, and the study expects "
        "more drones on farms. Home to most drones, Iowa leads the development."
    )
    keywords = {k.lower() for k in extract_keywords(None, text)}
    assert "drones" in keywords
    assert not {"study", "percent", "development", "home"} & keywords


# --- languages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "language"), [(CHINESE, "zh"), (JAPANESE, "ja"), (ARABIC, "ar")]
)
def test_chinese_japanese_and_arabic_get_sentence_points(
    sample: tuple[str, str], language: str
) -> None:
    title, text = sample
    result = summarize(title, text, language=language)
    assert 3 <= len(result.key_points) <= 7
    sentences = {s.text for s in split_sentences(text)}
    for point in result.key_points:
        assert point != text
        assert len(point) < len(text) / 2
    assert len(sentences) >= 6
    assert result.keywords


def test_unspaced_paragraphs_are_not_headings() -> None:
    text = CHINESE[1].replace("。", "。\n", 2)
    assert all(u.kind == "sentence" for u in split_sentences(text))


def test_arabic_question_mark_ends_a_sentence_and_the_dateline_goes() -> None:
    units = [u.text for u in split_sentences(ARABIC[1])]
    assert any(u.endswith("؟") for u in units)
    point = clean_point(units[0], opening=True)
    assert not point.startswith("القاهرة")


def test_words_and_reading_time_of_unspaced_text_count_characters() -> None:
    chinese = CHINESE[1]
    length = text_length(chinese)
    assert length.words > 100  # one "word" by spaces
    assert length.reading_minutes == 1
    assert text_length("word " * 460).reading_minutes == 2
    assert text_length("") == (0, 0)
