"""Whether what a model wrote is in the article: its figures, its names, most of its words.

A model's key point or lede stands only when

- every number in it occurs in the article, separators aside ("2,000" matches "2000" and the
  German "2.000"; an English number word such as "three" in the article covers "3");
- every name in it (a capitalised word that does not open a sentence) occurs in the article;
- at least half of its content words (not function words, not numbers) occur in the article.

A keyword stands only when all of its words do. Words match loosely, so that inflection is not
taken for invention: "shelters" matches "shelter", "Stadtteilen" matches "Stadtteile", but
"Johnson" does not match "Johnston". Scripts written without spaces between words (Chinese,
Japanese, Thai) and Korean, whose words carry particles, are compared by pairs of characters.
In German every noun is capitalised, so there the name rule gives way to the content-word rule.
"""

from __future__ import annotations

import re

from articles.keypoints.stopwords import function_words
from articles.keypoints.text import RUN_TOKEN, STOPWORDS, word_list

# At least this share of a point's content words must occur in the article.
MIN_CONTENT_SHARE = 0.5
# A word of the point matches an article word that shares its first letters, all but an
# ending of up to a quarter of the word (at most three letters), and that is at most this
# much longer than the shared part.
_MAX_ENDING = 3

_NUMBER = re.compile(r"\d+(?:[.,'’\u00a0\u202f]\d+)*")
_NON_DIGIT = re.compile(r"\D")
_SMALL = word_list(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty"""
)
_TENS = word_list("thirty forty fifty sixty seventy eighty ninety")
_NUMBER_WORDS = (
    {word: str(value) for value, word in enumerate(_SMALL)}
    | {word: str(30 + 10 * i) for i, word in enumerate(_TENS)}
    | {"hundred": "100", "thousand": "1000", "dozen": "12"}
)
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
# Tokens after which a capital letter says nothing: the word opens a sentence or a quotation.
_OPENERS = frozenset('.!?:;"“”«»([')
_CASED_NOUNS = frozenset({"de", "lb"})


def primary_language(code: str | None) -> str | None:
    """ "pt-BR" -> "pt"; None stays None."""
    if not code:
        return None
    return code.replace("_", "-").split("-", 1)[0].lower() or None


def _number(text: str) -> str:
    return _NON_DIGIT.sub("", text).lstrip("0") or "0"


def _norm(token: str) -> str:
    word = token.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def _pairs(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)] or [word]


def _cut(n: int) -> int:
    """How many first letters of an n-letter word must match."""
    return max(min(n, 4), n - min(_MAX_ENDING, n // 4))


class ArticleIndex:
    """The article's numbers and words, indexed once to check any number of claims."""

    def __init__(self, text: str, language: str | None = None) -> None:
        self.language = primary_language(language)
        self._skip = STOPWORDS | (function_words(self.language) or frozenset())
        self._numbers = {_number(m) for m in _NUMBER.findall(text)}
        self._words: set[str] = set()
        # prefix -> length of the shortest article word that starts with it
        self._prefixes: dict[str, int] = {}
        self._pairs: set[str] = set()
        for token in RUN_TOKEN.findall(text):
            if not token[0].isalnum():
                continue
            word = _norm(token)
            if word in _NUMBER_WORDS:
                self._numbers.add(_NUMBER_WORDS[word])
            if _UNSPACED.search(word):
                self._pairs.update(_pairs(word))
                continue
            self._words.add(word)
            for k in range(4, len(word) + 1):
                known = self._prefixes.get(word[:k])
                if known is None or len(word) < known:
                    self._prefixes[word[:k]] = len(word)

    def has_word(self, word: str) -> bool:
        if word in self._words:
            return True
        k = _cut(len(word))
        if k < 4:
            return False
        shortest = self._prefixes.get(word[:k])
        return shortest is not None and shortest <= k + _MAX_ENDING

    def problem(self, claim: str, *, phrase: bool = False) -> str | None:
        """None when the claim is in the article, else what is not (for logs and tests).

        ``phrase=True`` checks a keyword: every one of its content words must be there.
        """
        for raw in _NUMBER.findall(claim):
            if _number(raw) not in self._numbers:
                return f"number {raw!r} is not in the article"
        tokens = RUN_TOKEN.findall(claim)
        units: list[str] = []
        found = 0
        previous = ""
        for token in tokens:
            opener = not previous or previous in _OPENERS or not previous.strip().strip("-–—")
            previous = token
            if not token[0].isalpha():
                continue
            word = _norm(token)
            if word in self._skip or len(word) < 2:
                continue
            if _UNSPACED.search(word):
                pairs = _pairs(word)
                units += pairs
                found += sum(pair in self._pairs for pair in pairs)
                continue
            present = self.has_word(word)
            if (
                not present
                and token[0].isupper()
                and not opener
                and self.language not in _CASED_NOUNS
            ):
                return f"name {token!r} is not in the article"
            units.append(word)
            found += present
        if not units:
            return None if phrase else "no content words"
        share = found / len(units)
        if share < (1.0 if phrase else MIN_CONTENT_SHARE):
            return f"{len(units) - found} of {len(units)} content words are not in the article"
        return None
