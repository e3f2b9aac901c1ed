"""Shared test helpers (synthetic simulation objects)."""
