"""Shared tokenization, keywords from tokens, and the extractive path's work limits."""

from __future__ import annotations

import pytest
from keypoints_samples import AI_NEWS, AI_NEWS_TITLE, FLOOD, FLOOD_TITLE, long_report

from articles.keypoints import summarize
from articles.keypoints.clean import is_boilerplate
from articles.keypoints.extractive import MAX_UNITS
from articles.keypoints.keywords import extract_keywords, keywords_from_tokens
from articles.keypoints.sentences import split_sentences
from articles.keypoints.text import GAP, content_terms, tokenize


def test_tokens_cut_at_run_breaks_and_know_their_kind() -> None:
    words, infos = tokenize("The Bank of England raised rates, again.")
    assert words == ["The", "Bank", "of", "England", "raised", "rates", ",", "again", "."]
    kinds = dict(zip(words, infos, strict=True))
    assert kinds["The"][0] == "" and kinds["The"][1] == ""  # stop word: no term, a run break
    assert kinds["of"][1] and kinds["of"][4]  # joins a phrase, never starts one
    assert kinds[","] == ("", "", False, False, False)
    assert kinds["rates"][0] == kinds["rates"][1] == "rate"


def test_content_terms_drop_stop_words_and_keep_numbers() -> None:
    terms = content_terms("The 3 ministers were charged on Monday.")
    assert terms == ["3", "minister", "charg", "monday"]


def test_keywords_from_sentence_tokens_match_keywords_from_text() -> None:
    for title, text in ((FLOOD_TITLE, FLOOD), (AI_NEWS_TITLE, AI_NEWS)):
        words, infos = [], []
        for unit in split_sentences(text):
            w, i = tokenize(unit.text)
            words += [*w, "|"]
            infos += [*i, GAP]
        assert keywords_from_tokens(title, words, infos) == extract_keywords(title, text)
        # The summary's keywords leave out page furniture (bylines, captions, "Scroll down").
        body = "\n".join(u.text for u in split_sentences(text) if not is_boilerplate(u.text))
        assert summarize(title, text).keywords == extract_keywords(title, body)


def test_joined_phrase_is_kept_whole_and_a_leading_of_is_not_part_of_it() -> None:
    text = (
        "The Bank of England held rates. Of course the Bank of England may move later. "
        "Markets expect the Bank of England to wait."
    )
    keywords = extract_keywords(None, text)
    assert keywords[0] == "Bank of England"
    assert not any(k.lower().startswith("of ") for k in keywords)


def test_a_sentence_that_cleans_to_nothing_is_never_a_point() -> None:
    text = (
        "(Photo: Reuters)\n"
        "The council approved the new bridge on Monday after a long debate.\n"
        "Work will start in spring and take two years to finish.\n"
        "The bridge will carry cyclists and pedestrians across the river."
    )
    points = summarize(None, text, count=4).key_points
    assert points and all(len(p.split()) >= 4 for p in points)


def test_very_long_documents_are_capped_but_still_summarized() -> None:
    text = long_report(MAX_UNITS)  # several sentences a paragraph: far beyond the cap
    assert len(split_sentences(text)) > MAX_UNITS
    result = summarize(None, text, count=5)
    assert len(result.key_points) == 5
    assert 5 <= len(result.keywords) <= 10


def test_words_seen_once_still_make_keywords_when_nothing_recurs() -> None:
    # No word repeats: every keyword comes from the words scored only when needed.
    keywords = extract_keywords(None, "Volcanic ash grounded flights across northern Europe today.")
    assert len(keywords) >= 5
    assert keywords[0] == "Volcanic"  # earliest first when frequencies tie


def test_a_recurring_word_outranks_words_seen_once() -> None:
    text = "Glaciers melt. Scientists measured glaciers in Peru. Tourists visit glaciers often."
    # Capitalised only where sentences start: shown as the common word it is.
    assert extract_keywords(None, text)[0] == "glaciers"


def test_verbs_and_plain_adjectives_are_not_keywords_on_their_own() -> None:
    text = (
        "Keep the seed dry. Gardeners agreed the seed bank should build a small store. "
        "The seed bank raised money for the store, cutting costs. Members agreed again. "
        "Cutting costs, the store stayed small. The spring meeting approved the store. "
        "At the spring meeting, France's seed bank sent a letter. France's letter was long."
    )
    keywords = extract_keywords(None, text, limit=10, minimum=10)
    assert keywords[:2] == ["seed bank", "store"]
    alone = {k.lower() for k in keywords if " " not in k}
    assert not alone & {"keep", "agreed", "build", "small", "raised", "cutting", "long"}
    # Phrases may still hold them where they read as a thing: an -ing word at either end.
    assert {"spring meeting", "cutting costs"} <= set(keywords)
    assert "France" in keywords  # a name keeps its capital, and loses the possessive


def test_adjectives_and_participles_may_open_a_key_phrase() -> None:
    text = (
        "The former president met the armed forces. The armed forces thanked the former "
        "president. Later the former president left; the armed forces stayed."
    )
    keywords = extract_keywords(None, text)
    assert {"former president", "armed forces"} <= set(keywords)
    assert not {"later", "former", "armed"} & {k.lower() for k in keywords}


def test_a_key_phrase_never_runs_across_a_preposition() -> None:
    keywords = extract_keywords(
        "Night trains make a comeback across Europe",
        "Night trains are back. The comeback across Europe surprised rail operators in Europe.",
    )
    assert "Europe" in keywords and "comeback" in keywords
    assert not any("across" in k for k in keywords)


def test_counting_words_are_never_keywords_on_their_own() -> None:
    text = (
        "Two ferries collided in the harbour. Two crews were rescued by two lifeboats. "
        "The harbour master said the ferries had two radios each. Ferries resumed at noon."
    )
    keywords = extract_keywords(None, text)
    assert "ferries" in [k.lower() for k in keywords]
    assert not any(k.lower().split()[0] in {"two", "half"} for k in keywords)
    assert not any(k.lower().split()[-1] in {"two", "half"} for k in keywords)


def test_contractions_with_a_typographic_apostrophe_are_stop_words() -> None:
    text = (
        "It’s the bakery’s busiest week. I’ve baked bread here for years, and it’s hard work. "
        "We didn’t close once; you’ll find the bakery open. It’s the bread people want. "
        "I’ve no plans to stop, and we didn’t raise prices. You’ll pay what you paid."
    )
    keywords = [k.lower() for k in extract_keywords(None, text)]
    assert {"bakery", "bread"} <= set(keywords)
    assert not {"it", "it’s", "i’ve", "didn’t", "you’ll"} & set(keywords)


def test_a_name_of_several_words_keeps_its_capitals() -> None:
    text = (
        "Big Machine Records said the United States tour goes ahead. Big Machine Records "
        "owns the masters. Fans in the United States bought a big share of the tickets, "
        "and the label said it was united behind the tour."
    )
    keywords = extract_keywords(None, text)
    assert "Big Machine Records" in keywords
    assert "United States" in keywords


def test_a_phrase_that_opens_a_sentence_is_shown_in_lower_case() -> None:
    text = (
        "Water prices rose again in May. The city said water prices would rise twice more. "
        "Residents asked why water prices rise while the pipes still leak."
    )
    assert "water prices" in extract_keywords(None, text)


def test_days_months_and_figures_are_never_keywords_on_their_own() -> None:
    text = (
        "On Monday the port reopened. Ships queued on Monday and Tuesday. The port fee of "
        "£71.6million was paid in October. The port owner said October trade was strong, "
        "and the port expects more ships today. The port handled 6million tonnes."
    )
    keywords = [k.lower() for k in extract_keywords(None, text, limit=10, minimum=10)]
    assert "port" in keywords
    assert not {"monday", "tuesday", "october", "today", "6million"} & set(keywords)


@pytest.mark.parametrize(
    "opening",
    [
        "CLEVELAND, Ohio -- The Doobie Brothers will tour in 2020 with Michael McDonald.",
        "Cleveland (CNN) -- The Doobie Brothers will tour in 2020 with Michael McDonald.",
    ],
)
def test_the_dateline_and_the_byline_are_not_keywords(opening: str) -> None:
    text = (
        f"{opening}\nThe band said the Doobie Brothers tour starts in Cleveland in July.\n"
        "McDonald rejoins the band for the tour. Tickets go on sale on Friday."
    )
    keywords = summarize(None, f"By Ann Lee\n{text}").keywords
    assert "Doobie Brothers" in keywords
    assert not {"cleveland", "cnn", "ohio", "ann", "ann lee"} & {k.lower() for k in keywords}
