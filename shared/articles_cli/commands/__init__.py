"""Subcommands of the ``articles`` command, one module each (see ``articles_cli.main``)."""
