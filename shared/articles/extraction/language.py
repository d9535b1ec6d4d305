"""A small language guesser: writing system first, then the most frequent function words.

Good enough to label an article's language (ISO 639-1) from a few hundred words; it does not
try to handle very short or mixed-language snippets.
"""

from __future__ import annotations

import re
from collections import Counter

# The commonest short function words of each language, chosen to overlap little with the
# others (e.g. "de" is in several lists, so each list also carries words unique to it).
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to is in that it was for with as on are be this by have from not "
        "they which you at his her but were has had would their been will",
        "de": "der die und das ist nicht ein eine zu den mit sich des auf für im dem von "
        "auch wird sind werden wurde bei noch nach oder aber wie",
        "fr": "le la les et est des une un du en que qui dans pour pas sur avec au ce sont "
        "il elle plus par mais été nous ont cette aux",
        "es": "el la los las y es de que en un una por con para del se no su al lo como "
        "más pero sus fue está son ha muy también",
        "pt": "o a os as e é de que em um uma do da dos das para com não por se no na foi "
        "mais ao pelo pela são também está você",
        "it": "il la le e è di che un una per non con del della dei in si sono anche al "
        "alla ma più gli questo come nel stato",
        "nl": "de het een en is van dat in niet te op voor zijn met die er ook als bij aan "
        "maar om dan nog wordt worden werd heeft",
        "sv": "och att det är som en på för av med till den har inte om ett var jag men "
        "hade kan så från eller också han hon",
        "da": "og at det er som en på til af med den har ikke om et var jeg men havde kan "
        "så fra eller også han hun de skal",
        "no": "og at det er som en på til av med den har ikke om et var jeg men hadde kan "
        "så fra eller også han hun de skal ble",
        "fi": "ja on ei se että oli hän mutta kuin myös tai ovat tämä ole sen kun niin "
        "mitä vain jos joka ovat olla sekä",
        "pl": "i w nie na się z do to że jest o jak ale po co tak za od jego już przez "
        "być dla oraz może są także",
        "cs": "a v se na je že s z do to o jako ale pro by jsou který které také jeho "
        "podle bylo byl má jsem již",
        "ro": "și în de la a cu o pe că nu din este un care mai sunt pentru s au fost ca "
        "sau acest dar fi",
        "tr": "ve bir bu da de için ile çok olarak daha gibi ama en ne olan kadar sonra "
        "değil var ise mi şey",
        "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada "
        "adalah karena oleh atau saya bisa sudah mereka",
        "hu": "a az és hogy nem is egy van meg de csak el ez még ki már mint volt vagy "
        "azt ha lesz kell után",
        "ru": "и в не на что с по как это он она они к из за от для но так же был все "
        "его также или бы",
        "uk": "і в на не що з до як це та він вона вони за від для але так також був його або би є",
    }.items()
}

_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("ja", r"[\u3040-\u30ff]"),  # kana: Japanese even when most characters are kanji
    ("ko", r"[\uac00-\ud7af\u1100-\u11ff]"),
    ("zh", r"[\u4e00-\u9fff]"),
    ("ar", r"[\u0600-\u06ff]"),
    ("he", r"[\u0590-\u05ff]"),
    ("el", r"[\u0370-\u03ff]"),
    ("th", r"[\u0e00-\u0e7f]"),
    ("hi", r"[\u0900-\u097f]"),
    ("ka", r"[\u10a0-\u10ff]"),
    ("hy", r"[\u0530-\u058f]"),
    ("cyrillic", r"[\u0400-\u04ff]"),
)
# Letters of every script above, in one class: most texts have none, and skip the counting.
_NON_LATIN = re.compile(r"[\u0370-\u1fff\u3040-\u9fff\uac00-\ud7af]")
_SCRIPT_RES = tuple((lang, re.compile(pattern)) for lang, pattern in _SCRIPTS)
_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE_CHARS = 4_000
MIN_LETTERS = 20
# Below this many characters a text is too short to tell its language reliably: the
# language the document declares is taken there.
RELIABLE_CHARS = 200


_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in _words:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _lang)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure."""
    sample = text[:_SAMPLE_CHARS]
    found = _WORD.findall(sample.lower())
    letters = sum(map(len, found))
    if letters < MIN_LETTERS:
        return None
    candidates: tuple[str, ...] = tuple(_STOPWORDS)
    if len(_NON_LATIN.findall(sample)) > letters * 0.05:
        script_counts = {lang: len(rx.findall(sample)) for lang, rx in _SCRIPT_RES}
        # Kana is a minority of Japanese text, so it needs a lower share than other scripts.
        if script_counts["ja"] > letters * 0.05:
            return "ja"
        lang, count = max(script_counts.items(), key=lambda item: item[1])
        if count > letters * 0.3:
            if lang != "cyrillic":
                return lang
            candidates = ("ru", "uk")

    words = Counter(found)
    total = sum(words.values())
    scores = dict.fromkeys(candidates, 0)
    for word in words.keys() & _LANGUAGES_OF.keys():  # the function words present, in C
        for lang in _LANGUAGES_OF[word]:
            if lang in scores:
                scores[lang] += words[word]
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < max(2, total * 0.05):
        return None
    return best


def choose_language(text: str, declared: str | None) -> str | None:
    """The language the text is written in; the declared one (an HTML ``lang`` tag, a PDF's
    catalogue) only when the text is too short to tell or the detector is unsure. Pages are
    often tagged with the site's default language whatever the article's."""
    if declared and len(text) < RELIABLE_CHARS:
        return declared
    return detect_language(text) or declared
