"""Fake Amazon Selling Partner API (Orders v0 and 2026-01-01, LWA)."""
