"""article-pipeline's domain package: extraction, key points, records and the local stack.

Importing this package is cheap on purpose: the extraction and summarisation libraries (and
boto3) load only when the code that needs them first runs, so a Lambda that only reads records
never pays for them at cold start.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
