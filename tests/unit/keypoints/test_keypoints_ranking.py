"""How the extractive backend weighs a sentence: the story's opening, its centre, and what is
not a statement at all."""

from __future__ import annotations

import pytest

from articles.keypoints.clean import opens_by_referring
from articles.keypoints.extractive import ExtractiveSummarizer
from articles.keypoints.keywords import extract_keywords

SUMMARIZER = ExtractiveSummarizer()

# A story in paragraphs: a one-sentence lede, then a paragraph that opens on history (an
# aside), and paragraphs that keep coming back to the crews, the boats and the wall.
PARAGRAPHED = """\
The town of Kilbrannan will rebuild its harbour wall after winter storms broke it in two places.

The harbour wall was first built in 1868 by the masons who built the church on the hill. \
Kilbrannan's historians have collected photographs of those masons and their families. \
Fishing crews say the broken wall has kept their boats in port since January, and without \
it, waves reach the fish market on stormy nights.

The crews lose about 9,000 pounds a week while the boats stay in port, their association \
says, and the fish market has cut its opening hours.

Councillors voted on Tuesday to borrow 4.2 million pounds for the wall, so that the boats \
can sail again by the summer, rather than raise the fees the crews pay.
"""
TITLE = "Kilbrannan will rebuild its harbour wall"


def test_in_a_story_of_paragraphs_the_centre_outranks_an_early_aside() -> None:
    points = SUMMARIZER.summarize(TITLE, PARAGRAPHED, count=3).key_points
    assert points[0].startswith("The town of Kilbrannan will rebuild")
    assert not any("1868" in p or "historians" in p for p in points)
    later = PARAGRAPHED.split("\n\n", 2)[2]
    assert any(p[:40] in later for p in points)


def test_a_text_without_paragraph_breaks_is_all_opening() -> None:
    # The same sentences run together: the reading order is the only structure there is,
    # and the opening sentences lead.
    flat = " ".join(PARAGRAPHED.split())
    points = SUMMARIZER.summarize(TITLE, flat, count=2).key_points
    assert points[0].startswith("The town of Kilbrannan will rebuild")


def _story_with(line: str) -> str:
    return (
        "The regional council approved a new bus network for the valley on Monday.\n\n"
        f"{line}\n\n"
        "Buses will run every ten minutes between the three largest towns from March.\n\n"
        "The network replaces routes that have not changed since the 1990s."
    )


@pytest.mark.parametrize(
    "line",
    [
        "The Regional Council Chamber, Monday March 4, 2024.",  # a caption
        "Ana Ruiz 3 goals, 1 assist.",  # a line of figures
        "A spokesperson for the bus company declined to comment.",  # no fact
        "The operator did not respond to requests for comment.",
    ],
)
def test_captions_figures_and_refusals_to_comment_are_not_points(line: str) -> None:
    points = SUMMARIZER.summarize(None, _story_with(line), count=4).key_points
    assert len(points) == 3
    assert line not in points


def test_a_refusal_to_comment_inside_a_longer_sentence_is_an_aside() -> None:
    line = (
        "The operator, which declined to comment, will hire forty drivers for the new routes "
        "before the network opens."
    )
    assert line in SUMMARIZER.summarize(None, _story_with(line), count=4).key_points


@pytest.mark.parametrize(
    ("sentence", "refers"),
    [
        ("I did, for a week, and the number embarrassed me.", True),  # answers a question
        ("They were not, and the court said so.", True),
        ("So I put the phone in a drawer before every meal.", True),  # concludes
        ("So far, the plan has worked.", False),
        ("So many people came that the doors closed early.", False),
        ("I did not expect the vote to pass.", False),  # a verb of its own follows
    ],
)
def test_replies_and_conclusions_point_back(sentence: str, refers: bool) -> None:
    assert opens_by_referring(sentence) is refers


def test_a_keyword_is_shown_as_the_body_writes_it() -> None:
    keywords = extract_keywords(
        "Council approves budgets for schools",
        "The council met on Monday. The budget for schools rose by a tenth, and the budget for "
        "roads fell. Teachers welcomed the budget; the council said schools come first.",
    )
    assert "budget" in keywords
    assert "budgets" not in keywords  # the headline's form; the body never writes it
