"""The web page at ``GET /``: plain HTML, CSS and JavaScript shipped in this package.

``static/index.html`` links ``app.css`` and ``app.js``; the page is served as one document with
both inlined, so it needs a single unauthenticated route whatever ``ApiAuth`` is (the page holds
no data: everything it shows comes from the API afterwards, with the caller's credentials). The
Content-Security-Policy allows exactly the inlined script and style (by hash), requests to this
API and, for uploads, to the bucket's endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import lru_cache
from importlib import resources
from typing import Any

ASSETS = ("index.html", "app.css", "app.js")
_STYLE_LINK = '<link rel="stylesheet" href="app.css">'
_SCRIPT_TAG = '<script src="app.js"></script>'
_CONFIG_META = '<meta name="article-pipeline" content="{}">'


@lru_cache(maxsize=1)
def assets() -> dict[str, str]:
    folder = resources.files("articles.api").joinpath("static")
    return {name: folder.joinpath(name).read_text(encoding="utf-8") for name in ASSETS}


def assets_size() -> int:
    """Bytes of the page's files together (what the page costs a browser, uncompressed)."""
    return sum(len(text.encode("utf-8")) for text in assets().values())


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def render(config: dict[str, Any], *, upload_origin: str | None) -> tuple[str, str]:
    """The page with its configuration, and the Content-Security-Policy that goes with it."""
    files = assets()
    style, script = files["app.css"], files["app.js"]
    document = files["index.html"]
    for placeholder in (_STYLE_LINK, _SCRIPT_TAG, _CONFIG_META.format("{}")):
        if placeholder not in document:
            raise RuntimeError(f"static/index.html lost {placeholder!r}")
    document = (
        document.replace(_STYLE_LINK, f"<style>{style}</style>")
        .replace(_SCRIPT_TAG, f"<script>{script}</script>")
        .replace(
            _CONFIG_META.format("{}"),
            _CONFIG_META.format(html.escape(json.dumps(config, separators=(",", ":")))),
        )
    )
    connect = " ".join(filter(None, ["'self'", upload_origin]))
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_hash(script)}",
            f"style-src {_hash(style)}",
            "img-src 'self' data:",
            f"connect-src {connect}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
    return document, policy
