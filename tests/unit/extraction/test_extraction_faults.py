"""HTML pages built to show each fault class the extractor must hold against: what is kept,
what is dropped, and which metadata comes out."""

from __future__ import annotations

import re

from articles.extraction import extract

STORY = [
    "The regional council approved the new tram line on Tuesday after a debate that lasted "
    "most of the day.",
    "Construction will start in the spring and the first trams should run within three years, "
    "officials said.",
    "The line will link the university campus with the main railway station and the hospital "
    "district.",
    "Critics argued that the money would be better spent on buses, which can reach more villages.",
    "Supporters replied that trams carry more people and cost less to run over the life of the "
    "line.",
    "The council will publish the full timetable for the works before the end of the year.",
]


def paragraphs(sentences: list[str], tag: str = "p") -> str:
    return "".join(f"<{tag}>{s}</{tag}>" for s in sentences)


def page(body: str, head: str = "", lang: str = "en") -> bytes:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>Tram line approved</title>{head}</head><body>"
        f'<nav><a href="/">Home</a> <a href="/local">Local</a></nav>{body}'
        "<footer>Contact us</footer></body></html>"
    ).encode()


def kept(text: str) -> list[int]:
    return [i for i, sentence in enumerate(STORY) if sentence in text]


def test_hover_card_inside_a_paragraph_is_removed_and_the_name_kept():
    card = (
        '<span class="person-card"><img src="/noem.jpg" alt="">'
        '<a href="/people/noem">Kristi Lynn Noem</a> South Dakota governor doubles down on '
        'meth campaign <a href="/more">MORE</a></span>'
    )
    body = (
        f'<article><h1>Tram line approved</h1><p>Gov. <a href="/people/noem">Kristi Noem</a>'
        f"{card} is defending the state's new advertising campaign against drug use.</p>"
        f"{paragraphs(STORY)}</article>"
    )
    text = extract(page(body), filename="noem.html").text
    assert "Gov. Kristi Noem is defending the state's new advertising campaign" in text
    assert "doubles down" not in text and "MORE" not in text and "Lynn" not in text
    assert kept(text) == list(range(len(STORY)))


def test_hidden_widget_inside_a_paragraph_is_removed():
    body = (
        "<article><h1>Tram line approved</h1>"
        '<p>The mayor <span style="display: none">Subscribe for updates on the mayor</span>'
        "welcomed the vote and thanked the residents who had campaigned for the line.</p>"
        f"{paragraphs(STORY)}</article>"
    )
    text = extract(page(body), filename="mayor.html").text
    assert "The mayor welcomed the vote" in text
    assert "Subscribe for updates" not in text


def test_body_split_by_an_ad_and_a_promo_is_kept_whole():
    first, second, third = paragraphs(STORY[:2]), paragraphs(STORY[2:4]), paragraphs(STORY[4:])
    body = (
        '<div class="story"><h1>Tram line approved</h1>'
        f'<div class="article-body"><div class="rich-text">{first}</div></div>'
        '<div class="ad-wrapper"><p>Advertisement</p></div>'
        f'<div class="article-body"><div class="rich-text">{second}</div></div>'
        '<div class="promo"><a href="/x"><img src="t.jpg"><span>Read next: bus fares rise'
        "</span></a></div>"
        f'<div class="article-body"><div class="rich-text">{third}</div></div></div>'
        '<div class="article-body"><h3>About the author</h3><p>Ann Lee covers transport for '
        "the paper and has written about trams for ten years.</p></div>"
    )
    text = extract(page(body), filename="split.html").text
    assert kept(text) == list(range(len(STORY)))
    # In page order, without the furniture between the parts.
    assert [text.index(s) for s in STORY] == sorted(text.index(s) for s in STORY)
    assert "Advertisement" not in text and "bus fares" not in text


def test_body_split_into_two_article_body_containers():
    body = (
        f'<div><h1>Tram line approved</h1><div itemprop="articleBody">{paragraphs(STORY[:3])}'
        '</div><div class="inline-promo"><a href="/x"><img src="a.jpg"><span>Read next: '
        "Storm closes school</span></a></div>"
        f'<div itemprop="articleBody">{paragraphs(STORY[3:])}</div></div>'
    )
    text = extract(page(body), filename="split2.html").text
    assert kept(text) == list(range(len(STORY)))
    assert "Storm closes school" not in text


def test_notice_first_page_falls_back_to_the_body():
    notice = (
        '<article><p class="legal">This copy is for your personal, non-commercial use only. '
        "Distribution and use of this material are governed by our Subscriber Agreement and by "
        "copyright law. For non-personal use or to order multiple copies, please contact "
        "Reprints.</p></article>"
    )
    body = f'<div id="wrapper"><div class="story">{paragraphs(STORY, "div")}</div>{notice}</div>'
    text = extract(page(body), filename="notice.html").text
    assert kept(text) == list(range(len(STORY)))
    assert "non-commercial" not in text and "Reprints" not in text


def test_standfirst_dropped_by_the_extractor_comes_back_from_the_description():
    standfirst = (
        "The city's first tram line in sixty years won approval after a long debate, "
        "with work to begin next spring"
    )
    body = (
        f'<article><header><h1>Tram line approved</h1><p class="standfirst">{standfirst}</p>'
        f'</header><div class="article-body">{paragraphs(STORY)}</div></article>'
    )
    head = f'<meta name="description" content="{standfirst}.">'
    text = extract(page(body, head), filename="standfirst.html").text
    assert text.startswith(standfirst)
    assert kept(text) == list(range(len(STORY)))


def test_description_that_is_a_sidebar_box_is_not_taken_as_the_opening():
    summary = (
        "Bus fares will rise again in March as operators blame fuel costs and a shortage of "
        "drivers across the region"
    )
    body = (
        f'<aside class="sidebar"><div class="box"><div><p>{summary}</p></div></div></aside>'
        f'<main><div class="story"><h1>Tram line approved</h1><div class="article-body">'
        f"{paragraphs(STORY)}</div></div></main>"
    )
    head = f'<meta name="description" content="{summary}.">'
    text = extract(page(body, head), filename="sidebar.html").text
    assert "Bus fares" not in text
    assert text.startswith(STORY[0])


def test_furniture_at_the_top_and_bottom_is_dropped():
    body = (
        "<article><h1>Tram line approved</h1>"
        f"{paragraphs(STORY)}"
        "<p>Like this story? Share it with a friend.</p>"
        "<p>Follow @cityhall on Twitter for more.</p>"
        "<p>Tags: trams, council, transport</p>"
        "<p>Updated at 1:23 p.m.</p>"
        "<p>Also on Valley Times</p>"
        "</article>"
    )
    text = extract(page(body), filename="furniture.html").text
    assert kept(text) == list(range(len(STORY)))
    for junk in ("Like this story", "Follow @cityhall", "Tags:", "Updated at", "Also on"):
        assert junk not in text


def test_headline_byline_and_date_glued_to_the_first_sentence_are_removed():
    glued = f"Tram line approved By Ann Lee March 3, 2024 {STORY[0]}"
    head = '<meta name="author" content="Ann Lee">'
    body = f"<article><h1>Tram line approved</h1><p>{glued}</p>{paragraphs(STORY[1:])}</article>"
    article = extract(page(body, head), filename="glued.html")
    assert article.text.startswith(STORY[0])
    assert article.authors == ["Ann Lee"]


def test_byline_in_the_first_lines_of_the_body_becomes_the_author():
    body = (
        "<article><h1>Tram line approved</h1><p>By Jane Doe, AP Sports Writer</p>"
        f"<p>March 3, 2024</p>{paragraphs(STORY)}</article>"
    )
    article = extract(page(body), filename="byline.html")
    assert article.authors == ["Jane Doe"]
    assert article.published == "2024-03-03"
    assert "Sports Writer" not in article.text and not article.text.startswith("March")


def test_entities_in_the_title_and_description_are_decoded():
    head = (
        '<meta property="og:title" content="Tram line approved &amp;#8211; what it means '
        '&amp;#8217;for you&amp;#8217;">'
        '<meta name="description" content="Council&amp;#8217;s vote &amp;amp; the plan">'
    )
    body = f"<article>{paragraphs(STORY)}</article>"
    article = extract(page(body, head), filename="entities.html")
    assert article.title == "Tram line approved – what it means ’for you’"
    assert article.description == "Council’s vote & the plan"


def test_authors_are_people_not_job_titles_publications_or_credentials():
    body = f"<article><h1>Tram line approved</h1>{paragraphs(STORY)}</article>"
    cases = {
        "By Jane Doe, AP Sports Writer": ["Jane Doe"],
        "Chris Cillizza, CNN Editor-at-large": ["Chris Cillizza"],
        "Jane Doe, MS, RDN": ["Jane Doe"],
        "Ann Lee and Business Insider": ["Ann Lee"],
        "Business Insider": ["Business Insider"],  # no person named: the organisation
    }
    for byline, authors in cases.items():
        head = f'<meta name="author" content="{byline}">'
        assert extract(page(body, head), filename="a.html").authors == authors, byline


def test_visible_byline_is_used_when_the_metadata_names_no_person():
    head = '<meta name="author" content="Valley Times">'
    body = (
        '<article><h1>Tram line approved</h1><div class="byline">By '
        '<span class="author-name">Maria Okafor</span></div>'
        f"{paragraphs(STORY)}</article>"
    )
    assert extract(page(body, head), filename="b.html").authors == ["Maria Okafor"]


def test_date_shown_only_on_the_page_is_found_and_iso():
    body = (
        "<article><h1>Tram line approved</h1>"
        '<div class="meta"><span class="date">Published 19 November 2019</span></div>'
        f"{paragraphs(STORY)}</article>"
    )
    article = extract(page(body), filename="date.html")
    assert article.published == "2019-11-19"


def test_german_page_tagged_english_is_german():
    german = [
        "Die Stadt hat am Montag beschlossen, die alte Brücke über den Fluss abzureißen und "
        "durch einen Neubau zu ersetzen.",
        "Die Arbeiten sollen im Frühjahr beginnen und zwei Jahre dauern, sagte die "
        "Bürgermeisterin nach der Sitzung.",
        "Nach Angaben der Verwaltung ist die Brücke nicht mehr sicher. Für Fußgänger wird eine "
        "Behelfsbrücke gebaut, die auch von Radfahrern genutzt werden kann.",
    ]
    body = f"<article><h1>Neue Brücke</h1>{paragraphs(german)}</article>"
    assert extract(page(body, lang="en"), filename="de.html").language == "de"


def test_short_text_keeps_the_declared_language():
    body = "<article><h1>Kurz</h1><p>Die Brücke ist gesperrt, sagte die Stadt am Montag.</p>"
    body += "<p>Mehr folgt.</p></article>"
    assert extract(page(body, lang="de"), filename="kurz.html").language == "de"


def test_japanese_page_keeps_the_spaces_around_latin_words():
    japanese = [
        "東京で Apple の新しい iPhone 16 Pro が発表されました。価格は 15 万円からです。",
        "専門家によると、AI 機能が注目されています。東京の Sony ストアでも展示が始まりました。",
        "発売日は来月の予定です。予約は公式サイトで受け付けています。",
    ]
    body = f"<article><h1>新製品</h1>{paragraphs(japanese)}</article>"
    article = extract(page(body, lang="ja"), filename="ja.html")
    assert "東京で Apple の新しい iPhone 16 Pro が発表されました。" in article.text
    assert "AI 機能" in article.text and "東京の Sony ストア" in article.text
    assert article.language == "ja"
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff][A-Za-z]{2}", article.text)


def test_json_ld_with_line_breaks_inside_its_strings_is_read():
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Tram line '
        'approved", "description": "The council voted\nafter a long debate",'
        ' "author": {"@type": "Person", "name": "Maria Okafor"}}</script>'
    )
    body = f"<article><h1>Tram line approved</h1>{paragraphs(STORY)}</article>"
    assert extract(page(body, head), filename="ld.html").authors == ["Maria Okafor"]


def test_json_ld_author_given_by_reference_to_a_person_node():
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "Article", "headline": "Tram line approved", '
        '"author": {"@id": "https://example.org/#/person/1"}},'
        '{"@type": "Person", "@id": "https://example.org/#/person/1", "name": "Maria Okafor"},'
        '{"@type": "Person", "@id": "https://example.org/#/person/2", "name": "Other Writer"}'
        "]}</script>"
    )
    body = f"<article><h1>Tram line approved</h1>{paragraphs(STORY)}</article>"
    assert extract(page(body, head), filename="ref.html").authors == ["Maria Okafor"]


def test_json_ld_references_that_loop_give_no_author_and_no_error():
    head = (
        '<script type="application/ld+json">{"@graph": ['
        '{"@type": "Article", "author": {"@id": "#a"}},'
        '{"@id": "#a", "@type": "Person", "name": {"@id": "#a"}}]}</script>'
    )
    body = f"<article><h1>Tram line approved</h1>{paragraphs(STORY)}</article>"
    assert extract(page(body, head), filename="loop.html").authors == []


def test_byline_in_a_story_on_a_page_whose_body_mentions_a_sidebar():
    """Layout classes on the element holding the whole story ("has-sidebar" on the body) do
    not make its byline a sidebar's; a box that is a real sidebar still does."""
    story = (
        '<main><article><h1>Tram line approved</h1><div class="entry-byline">'
        '<a rel="author" href="/author/maria">Maria Okafor</a></div>'
        f"{paragraphs(STORY)}</article></main>"
    )
    sidebar = (
        '<div class="sidebar"><div class="author-box"><span class="author">Sam Lintott'
        "</span></div></div>"
    )
    html = page(story + sidebar).replace(b"<body>", b'<body class="single has-sidebar-left">')
    assert extract(html, filename="story.html").authors == ["Maria Okafor"]
    only_sidebar = page(f"<article><h1>Tram line approved</h1>{paragraphs(STORY)}</article>")
    only_sidebar = only_sidebar.replace(b"<footer>", sidebar.encode() + b"<footer>")
    assert extract(only_sidebar, filename="sidebar.html").authors == []


def test_title_is_the_headline_the_page_shows_when_its_metadata_names_it():
    shown = "\u2018We had some issues,\u2019 exec says on glitches"
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        '"Streaming glitches blamed on heavy demand, executive says"}</script>'
        '<meta property="og:title" content="\'We had some issues,\' exec says on glitches">'
    )
    body = f"<article><h1>{shown}</h1>{paragraphs(STORY)}</article>"
    assert extract(page(body, head), filename="t.html").title == shown


def test_title_cut_short_in_the_metadata_is_the_whole_headline():
    shown = "Tram line approved after a debate that lasted most of the day in the council"
    head = '<meta property="og:title" content="Tram line approved after a debate that lasted">'
    body = f"<article><h1>{shown}</h1>{paragraphs(STORY)}</article>"
    assert extract(page(body, head), filename="t.html").title == shown
    # A heading the metadata does not name (a section label) is not the title.
    body = f"<h1>Local news</h1><article>{paragraphs(STORY)}</article>"
    head = '<meta property="og:title" content="Tram line approved on Tuesday">'
    assert extract(page(body, head), filename="t.html").title == "Tram line approved on Tuesday"
