"""Pytest setup shared by every test folder of the repository."""

pytest_plugins = ("pytest_jupyter.jupyter_server",)
