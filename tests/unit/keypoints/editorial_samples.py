"""Articles of the kinds an editor reads key points on, written for the tests and the bench.

Each is (title, description, text) as the extraction hands them over: paragraphs on their own
lines, headings and list items as lines of their own.
"""

from __future__ import annotations

from typing import NamedTuple


class Sample(NamedTuple):
    name: str
    title: str
    description: str | None
    text: str


STRUCTURED = Sample(
    "structured AI-news write-up",
    "Orbital releases Vega 3, and the debate over open models heats up",
    "Orbital's new model matches closed rivals on reasoning tests, and critics say the "
    "release makes misuse harder to stop.",
    """\
Orbital, the Montreal start-up behind the Vega models, released Vega 3 on Wednesday, an \
open-weight system that the company says matches the best closed models on reasoning tests.
The release arrives as regulators in Europe and the United States weigh rules for models that \
anyone can download.
Key points from the announcement: the model is free for research, it runs on a single server, \
and it will be updated every quarter.
1. The release
Vega 3 is available to download from Orbital's website under a licence that allows commercial \
use.
- The weights are published in three sizes, the largest with 70 billion parameters.
- Orbital says the model was trained on licensed news archives and public code.
- A hosted version costs businesses half the price of the previous model.
2. The numbers
Orbital's own tests put Vega 3 ahead of its predecessor on every benchmark it reported.
- It solved 64 percent of competition maths problems, up from 41 percent for Vega 2.
- Independent researchers at two universities reproduced most of the coding results.
- Training used about 9,000 graphics chips over four months.
3. The debate
Critics argue that publishing the weights of such a capable system makes misuse impossible to \
police once the files are copied.
- Safety researchers warned that the model answers questions about dangerous chemicals that \
closed systems refuse.
- Orbital replied that it removed such material from the training data and tested the model \
with outside experts.
Analysis
Open models have closed most of the gap with closed ones in a year, and Vega 3 is the \
clearest sign yet that the lead of the largest laboratories is shrinking.
Whether businesses trust an open model with their data will decide if the release changes \
the market or only the benchmarks.
""",
)

COLUMN = Sample(
    "column",
    "Why I stopped checking my phone at dinner",
    None,
    """\
Have you ever counted how many times you look at your phone during a meal?
I did, for a week, and the number embarrassed me: 23 times on an ordinary Tuesday.
It would introduce me to a habit I did not know I had.
The experiment began after my daughter (she is nine, and merciless) asked whether the phone \
was more interesting than she was.
Researchers at several universities have found that the mere presence of a phone on the \
table makes conversations feel less close, even when nobody touches it.
So I put the phone in a drawer before every meal for a month.
The first days were hard: I reached for my pocket a dozen times a meal out of habit.
By the third week, dinners ran longer, and my family talked about things we had not \
discussed in years.
Nobody needs to give up the phone entirely to get the benefit, but the dinner table is a good \
place to start.
""",
)

FEATURE = Sample(
    "feature with a soft lede",
    "The last lighthouse keepers of the Hebrides",
    "Automation emptied Scotland's lighthouses decades ago, but a volunteer trust now keeps "
    "three of them lit and open to visitors.",
    """\
The wind arrives before the dawn on Eilean Mor, rattling the windows of the keeper's cottage.
She pulls on her boots and climbs the 96 steps in the dark.
Morag Campbell, 67, has made that climb most mornings for eleven years, though nobody pays \
her to.
Scotland's lighthouses were automated by 1998, and the last paid keepers left their posts \
that year.
Since 2012 a volunteer trust has restored three of the island lights and opened them to \
visitors, raising about 400,000 pounds from donations and ticket sales.
The trust says more than 20,000 people visited the towers last summer, twice as many as five \
years ago.
"People come for the view, and they leave knowing what it cost to keep ships off these \
rocks," Campbell said.
The Northern Lighthouse Board, which still runs the lights themselves, said the trust's \
volunteers had helped it spot storm damage faster.
The trust now hopes to restore a fourth lighthouse on the island of Barra by 2027.
""",
)

CONCERT = Sample(
    "concert review with tour dates",
    "Review: The Harbour Lights bring their loudest tour yet to Glasgow",
    None,
    """\
By Tom Reilly
Photos by Ana Sousa
The Harbour Lights played for two and a half hours at the Hydro in Glasgow on Friday, the \
opening night of a world tour that takes the band to 40 cities.
The set leaned on the new album, Salt Roads, whose songs sounded heavier and faster live than \
on the record.
Singer Cara Doyle told the crowd the band had written half the album in a rented flat in Leith.
He added that the tour would be their longest since 2015.
The older songs drew the loudest singing, and the encore of Lantern ran for almost ten minutes.
Not every experiment worked: a slow acoustic section in the middle of the set lost the room.
Still, the band ended the night with the crowd louder than it had been at any point.
Tour dates
June 14 - Alpharetta, GA @ Ameris Bank Amphitheatre
June 16 - Nashville, TN @ Ascend Amphitheater
June 18 - Chicago, IL @ Huntington Bank Pavilion
Tickets: $45-$120, on sale Friday at 10am local time.
""",
)

COURT = Sample(
    "court report with quotes",
    "Driver jailed for 12 years over motorway crash that killed three",
    None,
    """\
LEEDS, England — A lorry driver who was looking at his phone when he crashed into a line of \
stopped cars on the M62, killing three people, was jailed for 12 years on Thursday.
Daniel Hirst, 41, admitted three counts of causing death by dangerous driving at Leeds Crown \
Court.
In addition to the three fatalities, four people were seriously injured in the crash last \
March.
Prosecutors said Hirst had been scrolling through videos for almost a minute before the lorry \
hit the queue at 56 mph.
"This was not a moment of inattention, it was a choice made again and again," Judge Sarah \
Whitfield said as she passed sentence.
She added that the victims' families had shown great dignity throughout the case.
Hirst's lawyer said his client was "consumed by remorse" and had not driven since the crash.
The haulage company that employed him has since banned drivers from carrying phones in the cab.
He will also be banned from driving for eight years after his release.
""",
)

SAMPLES = (STRUCTURED, COLUMN, FEATURE, CONCERT, COURT)

CHINESE = (
    "城市推出夜间公交线路",
    "本市交通局周一宣布，将从下月起开通五条夜间公交线路。新线路将在午夜至凌晨五点之间运行，"
    "覆盖主要居民区和医院。交通局表示，每条线路的发车间隔为二十分钟！许多夜班工人对此表示欢迎。"
    "一名护士说，她以前只能打车回家，每月要花费数百元。这项计划的年度预算约为三千万元？"
    "官员称，资金将来自市财政和票价收入。",
)

JAPANESE = (
    "市が夜間バスの運行を開始",
    "市交通局は月曜日、来月から夜間バス五路線の運行を始めると発表した。新しい路線は深夜から"
    "午前五時まで運行し、主な住宅地と病院を結ぶ。交通局によると、各路線は二十分間隔で運行する。"
    "多くの夜勤労働者がこの計画を歓迎している。ある看護師は、これまでは毎月数万円のタクシー代が"
    "かかっていたと話した。計画の年間予算は約三億円だという。",
)

ARABIC = (
    "المدينة تطلق خطوط حافلات ليلية",
    "القاهرة – أعلنت هيئة النقل في المدينة يوم الاثنين أنها ستشغل خمسة خطوط حافلات ليلية "
    "ابتداء من الشهر المقبل. وستعمل الخطوط الجديدة من منتصف الليل حتى الخامسة صباحا، وتربط "
    "الأحياء السكنية الكبرى بالمستشفيات. هل تكفي هذه الخطوط لتلبية حاجة العمال؟ وقالت الهيئة إن "
    "الحافلات ستنطلق كل عشرين دقيقة على كل خط. ورحب كثير من العاملين في المناوبات الليلية "
    "بالخطة. وتبلغ الميزانية السنوية للمشروع نحو ثلاثين مليون جنيه.",
)
