"""Shared helpers that know no domain and no web framework; every layer may import them."""
