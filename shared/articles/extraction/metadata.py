"""Metadata values, made clean the same way whatever format they came from.

Entities decoded, authors split into people, dates in ISO 8601. The HTML reader
(``page_metadata``), the plain-text reader and the PDF reader all finish their values here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

_BY_PREFIX = re.compile(r"^\s*(?:written by|posted by|by|von|par|por|di|door|av|af)\s*:?\s+", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||/|\band\b|&|\bund\b|\bet\b|\by\b|\be\b)\s*")
MAX_AUTHORS = 20
MAX_DATE_CHARS = 80
EARLIEST_DATE = datetime(1990, 1, 1)
MAX_AUTHOR_CHARS = 80
MAX_NAME_WORDS = 5
# Words that make a byline part a job title ("AP Sports Writer", "CNN Editor-at-large").
_JOB_WORDS = frozenset(
    (
        *("writer", "writers", "editor", "editors", "reporter", "reporters", "correspondent"),
        *("correspondents", "columnist", "contributor", "contributors", "producer", "producers"),
        *("photographer", "analyst", "anchor", "host", "critic", "chief", "senior", "deputy"),
        *("associate", "assistant", "managing", "executive", "bureau", "intern", "freelance"),
        *("journalist", "journalists", "author", "redakteur", "redakteurin", "korrespondent"),
        *("korrespondentin", "journaliste", "rédacteur", "redactor", "corresponsal"),
        "giornalista",
    )
)
_JOB_SUFFIX = re.compile(r"(?:-at-large|-in-chief)$", re.I)
# Words that make a part an organisation: the publication, the agency or its staff as a whole.
_ORG_WORDS = frozenset(
    (
        *("news", "press", "times", "post", "daily", "weekly", "herald", "tribune", "journal"),
        *("gazette", "insider", "media", "magazine", "network", "agency", "wire", "associated"),
        *("reuters", "afp", "dpa", "bbc", "cnn", "online", "radio", "tv", "television"),
        *("channel", "group", "inc", "ltd", "llc", "corp", "co", "company", "staff", "desk"),
        *("team", "newsroom", "editorial", "redaktion", "rédaction", "redazione", "redacción"),
    )
)
# A label before the name: "Text: ...", "Текст ...", "Photo: ...".
_LABEL = re.compile(
    r"^(?:text|texto|texte|words|story|photos?|foto|фото|текст|автор)\s*:?\s+", re.I
)
# Not names although they are written like them.
_NOT_NAMES = frozenset(["admin", "administrator", "guest", "editor", "webmaster", "the", "a", "an"])
# Where a byline runs on into its date stamp: "Elliot Brownstein Published 2:16 AM EST".
_STAMP = re.compile(r"\s+(?:published|updated|posted|on)\b|\s+\d", re.I)
_ACRONYM = re.compile(r"^(?!(?:II|III|IV|VI|VII|VIII)$)[A-Z]{2,4}$")
_CREDENTIAL = re.compile(r"^(?:[A-Z]{2,5}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?|[IVX]{2,4})$")
_NAME_WORD = re.compile(
    r"^(?:[^\W\d_a-zß-ÿ][\w'’.-]*|(?:de|da|del|der|van|von|la|le|di|du|bin|al|dos|das)\b)$"
)


def clean(value: Any) -> str | None:
    """A metadata string with entities decoded (also doubly encoded ones) and spaces folded."""
    if not isinstance(value, str):
        return None
    for _ in range(2):  # "&amp;#8217;" in an attribute is "&#8217;" once lxml has read it
        if "&" not in value:
            break
        value = html.unescape(value)
    value = " ".join(value.split())
    return value or None


def _kind(part: str, site_name: str | None) -> str:
    """``person``, ``organisation`` or ``other`` (a job title, a credential, a stray word)."""
    words = part.split()
    lowered = [w.lower().strip(".,") for w in words]
    if _CREDENTIAL.match(part) or any(_JOB_SUFFIX.search(w) for w in lowered):
        return "other"
    if lowered[0] in _NOT_NAMES:
        return "other"
    if any(w in _JOB_WORDS for w in lowered):
        return "other"
    if site_name and part.lower() == site_name.lower():
        return "organisation"
    if any(w in _ORG_WORDS for w in lowered) or "." in part.replace(". ", " "):
        return "organisation"
    if any(_ACRONYM.match(w) for w in words):
        return "organisation"  # "AP", "CNN", "HNN Staff"
    if 2 <= len(words) <= MAX_NAME_WORDS and all(_NAME_WORD.match(w) for w in words):
        return "person"
    if len(words) == 1 and len(part) > 2 and part[0].isupper() and not part.isupper():
        return "organisation"  # one word: a brand or a handle more often than a person
    return "other"


def is_person(name: str, site_name: str | None = None) -> bool:
    return _kind(name, site_name) == "person"


def _name_before_title(part: str, site_name: str | None) -> str:
    """ "Tom Gillespie News reporter" -> "Tom Gillespie": a name run into a job title."""
    words = part.split()
    for cut in range(2, min(len(words), MAX_NAME_WORDS + 1)):
        rest = [w.lower().strip(".,") for w in words[cut:]]
        if any(w in _JOB_WORDS for w in rest) and (rest[0] in _JOB_WORDS or rest[0] in _ORG_WORDS):
            head = " ".join(words[:cut])
            return head if _kind(head, site_name) == "person" else part
    return part


def split_authors(raw: list[str], *, site_name: str | None = None) -> list[str]:
    """The people a byline names; the organisation when it names no person.

    "By Jane Doe, AP Sports Writer" gives ["Jane Doe"]; job titles, publications and
    credentials ("RDN", "PhD") are recognised and left out.
    """
    people: list[str] = []
    organisations: list[str] = []
    for entry in raw:
        byline = _BY_PREFIX.sub("", clean(entry) or "")
        for part in _AUTHOR_SPLIT.split(byline):
            name = _BY_PREFIX.sub("", _LABEL.sub("", part.strip(" .|-–—:"))).strip()
            name = _STAMP.split(name, maxsplit=1)[0].strip()
            if not 1 < len(name) <= MAX_AUTHOR_CHARS:
                continue
            name = _name_before_title(name, site_name)
            kind = _kind(name, site_name)
            found = {"person": people, "organisation": organisations}.get(kind)
            if found is not None and name.lower() not in (n.lower() for n in found):
                found.append(name)
    return (people or organisations[:1])[:MAX_AUTHORS]


_BYLINE = re.compile(r"^(?:by|written by|posted by|words by|author)\s*:?\s+(.{2,160})$", re.I)
_DATELINE = re.compile(
    r"^(?:(?:first |last )?(?:published|posted|updated|modified)|date)(?:\s+(?:on|at))?\s*:?\s+"
    r"(.{4,60})$",
    re.I,
)
_PART_SEPARATORS = re.compile(r"\s+[|•·–—-]\s+|\s*\|\s*")
MAX_DATE_LINE_WORDS = 9


@dataclass
class HeaderLine:
    """What a byline or dateline at the top of an article says."""

    authors: list[str] = field(default_factory=list)
    published: str | None = None


def read_header_line(line: str, *, site_name: str | None = None) -> HeaderLine | None:
    """A byline ("By Jane Doe, AP Sports Writer | March 3, 2024"), a dateline ("Published
    on 2 February 2025") or a bare date line; None when the line is anything else."""
    line = line.strip()
    byline = _BYLINE.match(line)
    dateline = _DATELINE.match(line)
    if byline:
        found = HeaderLine()
        names = []
        for part in _PART_SEPARATORS.split(byline.group(1)):
            date = normalize_date(part) if re.search(r"\d", part) else None
            if date:
                found.published = found.published or date
            else:
                names.append(part)
        found.authors = split_authors(names, site_name=site_name)
        return found if found.authors else None
    if dateline:
        date = normalize_date(dateline.group(1))
        return HeaderLine(published=date) if date else None
    short = len(line.split()) <= MAX_DATE_LINE_WORDS and re.search(r"\d", line)
    sentence = re.search(r"[.!?]$", line) and not re.search(r"\d\.$", line)
    if short and not sentence and _only_date_words(line):
        date = normalize_date(line)
        return HeaderLine(published=date) if date else None
    return None


_DATE_WORD = re.compile(
    r"^(?:\d{1,4}(?:st|nd|rd|th)?[.,:/-]?|\d{1,2}:\d\d(?::\d\d)?,?|[ap]\.?m\.?|[A-Z]{2,4}|at|on|um|le|el|de|del|"
    r"[A-Za-zÀ-ÿ]{3,10}\.?,?)$",
)


def _only_date_words(line: str) -> bool:
    """A line made only of date words: numbers, month or weekday names, times, zones."""
    words = [w for w in re.split(r"[\s|]+", line) if w]
    digits = sum(any(c.isdigit() for c in w) for w in words)
    return digits >= 1 and digits * 2 >= len(words) - 2 and all(_DATE_WORD.match(w) for w in words)


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 (date or date-time) from the formats pages actually use, else None."""
    if not value:
        return None
    value = value.strip()
    candidate = value.replace("Z", "+00:00").replace(" ", "T", 1)
    for text in (candidate, candidate[:19], candidate[:10]):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            continue
        if not 1900 <= parsed.year <= 2100:
            return None
        if len(text) <= 10:
            return parsed.date().isoformat()
        return parsed.isoformat()
    match = re.search(r"((?:19|20)\d\d)[/.-](\d{1,2})[/.-](\d{1,2})", value)
    if match:
        try:
            year, month, day = (int(g) for g in match.groups())
            return datetime(year, month, day).date().isoformat()
        except ValueError:
            return None
    return _written_date(value)


def _written_date(value: str) -> str | None:
    """A date as people write it ("2 February 2025", "Feb. 2, 2025", "3. März 2025"):
    htmldate's date-expression parser, which knows the usual orders and month names."""
    if len(value) > MAX_DATE_CHARS or not re.search(r"\d", value):
        return None
    from htmldate.extractors import try_date_expr

    found = try_date_expr(value, "%Y-%m-%d", True, EARLIEST_DATE, datetime(2100, 1, 1))
    return str(found) if found else None
