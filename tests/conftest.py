"""Shared test configuration."""

pytest_plugins = ["fixtures_pg"]
