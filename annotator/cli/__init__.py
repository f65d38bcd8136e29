"""Headless subcommands (Contract 4). Each module registers one subcommand."""
