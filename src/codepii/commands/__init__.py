"""Subcommands of ``codepii``: one light module each (see ``codepii.cli``)."""
