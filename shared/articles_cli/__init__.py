"""The ``articles`` command and the local stack: tools for a developer's machine.

This package is not part of the Lambda layer. It may import the domain package
(``articles``); the domain package never imports it (``tests/unit/test_architecture.py``).
"""
