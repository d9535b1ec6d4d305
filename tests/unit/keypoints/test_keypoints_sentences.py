from __future__ import annotations

import pytest

from articles.keypoints.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Army said it would help. Officials agreed.",
            ["The U.S. Army said it would help.", "Officials agreed."],
        ),
        (
            "Troops left the U.S. The mission ended.",
            ["Troops left the U.S.", "The mission ended."],
        ),
        (
            "Some fruit, e.g. apples, is cheap. Dr. Lee disagreed.",
            ["Some fruit, e.g. apples, is cheap.", "Dr. Lee disagreed."],
        ),
        (
            "He lives at No. 5 Elm Street. He said no. Then he left.",
            ["He lives at No. 5 Elm Street.", "He said no.", "Then he left."],
        ),
        (
            "Prices rose 3.5 percent in May. Rents fell.",
            ["Prices rose 3.5 percent in May.", "Rents fell."],
        ),
        (
            "The train left at 9.30pm. Nobody was hurt.",
            ["The train left at 9.30pm.", "Nobody was hurt."],
        ),
        ("George W. Bush met Mr. Jones.", ["George W. Bush met Mr. Jones."]),
    ],
)
def test_abbreviations_and_numbers(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_quotations_keep_their_attribution() -> None:
    text = '"Stop!" he shouted. "Is it over?" she asked. The crowd left. "We won." Then it rained.'
    assert texts(text) == [
        '"Stop!" he shouted.',
        '"Is it over?" she asked.',
        "The crowd left.",
        '"We won."',
        "Then it rained.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Orders for “What Pet Should I Get?” keep climbing. It ships in July.",
            ["Orders for “What Pet Should I Get?” keep climbing.", "It ships in July."],
        ),
        (
            "Crews heard 'help!' and 'fire!' from the house. They went in.",
            ["Crews heard 'help!' and 'fire!' from the house.", "They went in."],
        ),
        ('"Why?" The room went quiet.', ['"Why?"', "The room went quiet."]),
        # A capitalised speaker and a verb of saying: the attribution belongs to the quote.
        (
            "“Vote for Matt on Tuesday!” Trump tweeted before the vote. Turnout was high.",
            ["“Vote for Matt on Tuesday!” Trump tweeted before the vote.", "Turnout was high."],
        ),
        (
            '"Why now?" asked Ms. Lee. Nobody answered.',
            ['"Why now?" asked Ms. Lee.', "Nobody answered."],
        ),
    ],
)
def test_a_quoted_question_or_exclamation_inside_a_sentence(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“We had some issues ... we had some service issues,” Mayer said. Then he left.",
            ["“We had some issues ... we had some service issues,” Mayer said.", "Then he left."],
        ),
        (
            "It was late… we had to go. Nobody stayed.",
            ["It was late… we had to go.", "Nobody stayed."],
        ),
        ("He waited... Then the door opened.", ["He waited...", "Then the door opened."]),
    ],
)
def test_an_ellipsis_before_a_lower_case_word_leaves_words_out(
    text: str, expected: list[str]
) -> None:
    assert texts(text) == expected


def test_ordinals_written_with_a_full_stop_do_not_end_a_sentence() -> None:
    text = 'Die Wahl findet am 3. Mai statt. Sie kam als 2. ins Ziel. He was 81. "It was time."'
    assert texts(text) == [
        "Die Wahl findet am 3. Mai statt.",
        "Sie kam als 2. ins Ziel.",
        "He was 81.",
        '"It was time."',
    ]


def test_list_items_and_headings_are_units_of_their_own() -> None:
    text = "The plan has 3 parts.\nChanges\n- lower fees\n* faster refunds.\n3) a new app\nOk."
    units = split_sentences(text)
    assert [(u.kind, u.text) for u in units] == [
        ("sentence", "The plan has 3 parts."),
        ("heading", "Changes"),
        ("item", "lower fees"),
        ("item", "faster refunds."),
        ("item", "a new app"),
        ("sentence", "Ok."),
    ]
    assert [u.index for u in units] == list(range(6))


def test_lower_cased_text_still_splits() -> None:
    text = "officials in the u.s. said on monday it was over. the talks will resume in may."
    assert texts(text) == [
        "officials in the u.s. said on monday it was over.",
        "the talks will resume in may.",
    ]


def test_empty_and_unterminated_text() -> None:
    assert split_sentences("") == []
    assert texts("   \n  ") == []
    assert texts("A line with no full stop") == ["A line with no full stop"]
