"""Article texts written for these tests."""

from __future__ import annotations

AI_NEWS_TITLE = "Lumen Labs releases Atlas 2, an open model that runs on a laptop"

AI_NEWS = """\
By Priya Raman, Technology Correspondent
SAN FRANCISCO (Reuters) - Lumen Labs on Tuesday released Atlas 2, an open-weight language model \
small enough to run on a laptop, and said it matches much larger systems on coding and \
reasoning tests. The company published the weights under a permissive licence, so businesses \
can run the model on their own hardware without sending data to a cloud service. The launch \
puts pressure on rivals that charge for access to their largest models.
Photo: Lumen Labs chief executive Mara Ortiz at the launch event (Lumen Labs)
What is new
- Atlas 2 has 8 billion parameters, half as many as its predecessor.
- The model reads documents of up to 128,000 tokens, four times the previous limit.
- It was trained on 15 trillion tokens of licensed and public text.
- A quantised version needs only 6 GB of memory.
How it performs
- On a standard coding benchmark, Atlas 2 solved 71 percent of problems, up from 52 percent.
- It scored within two points of a model ten times its size on grade-school maths questions.
- Independent testers found it answers in about 40 milliseconds per token on a recent laptop.
Safety and licensing
- Lumen Labs said it tested the model for misuse with outside red teams before release.
- The licence allows commercial use but bans use in weapons development.
- However, the company did not disclose all of the data sources it used for training.
Scroll down for video
Analysis
Small open models are closing the gap with the largest commercial systems faster than many \
analysts expected. But the real test will be whether developers adopt Atlas 2 in products, \
where reliability matters more than benchmark scores. He also said the company would publish a \
full technical report next month. Some researchers warned that open weights make it harder to \
stop misuse once a model is released.
"""

FLOOD_TITLE = "River floods force 2,000 from homes in Marlow Valley"

FLOOD = """\
MARLOW, England (AP) -- Floodwater forced about 2,000 people from their homes in the Marlow \
Valley on Sunday after the river burst its banks following three days of heavy rain, officials said.
Emergency crews used boats to reach residents trapped in upper floors, and two schools were \
turned into shelters for families who had nowhere else to go.
"We have never seen the water rise this fast," said Helen Ward, who runs a bakery on the \
high street.
The Environment Agency issued its highest flood warning for the valley and said river levels \
would stay high until Tuesday.
But the agency said no deaths or serious injuries had been reported, police said.
However, forecasters expect another band of rain to reach the region on Monday night.
He also said the council would pay for temporary housing for anyone who needs it.
The floods are the worst in the valley since 2007, when more than 4,000 homes were damaged.
Local businesses warned that the clean-up could take months and cost millions of pounds.
Floodwater forced about 2,000 people from their homes in the Marlow Valley on Sunday after the \
river burst its banks.
Insurers said they had already received hundreds of claims from homeowners in the area.
"""

GERMAN = """\
Die Stadt Freiburg hat am Montag ein neues Radwegenetz eröffnet. Das Netz umfasst 40 Kilometer \
und verbindet alle Stadtteile mit der Innenstadt. Nach Angaben der Stadtverwaltung kostete der Bau \
rund zwölf Millionen Euro. Viele Pendler begrüßten die neuen Wege bereits am ersten Tag. Kritiker \
bemängeln jedoch, dass einige Kreuzungen weiterhin gefährlich seien.
"""


_TOPICS = [
    "the council approved a budget of {n} million pounds for new roads",
    "the mayor said repairs to the old stone bridge would begin in spring",
    "residents asked for more buses and longer library opening hours",
    "a survey found that {n} percent of people cycle to work",
    "the hospital opened a maternity ward staffed by twelve midwives",
    "farmers reported their best apple harvest in a decade",
    "police recorded fewer burglaries than in any year since records began",
    "a bakery won a national prize for its sourdough loaf",
    "teachers went on strike over pay for the first time",
    "the football club signed a goalkeeper from Norway",
]


def long_report(paragraphs: int) -> str:
    """A long text with a distinct fact in each paragraph."""
    parts = []
    for i in range(paragraphs):
        fact = _TOPICS[i % len(_TOPICS)].format(n=3 + i)
        parts.append(
            f"In district {i + 1}, {fact}. "
            f"Officials in district {i + 1} expect more news on this within weeks. "
            f"Local papers in district {i + 1} covered the story at length."
        )
    return "\n".join(parts)
