"""Simulators of the five session APIs and a local SSH server, on loopback, for demo and tests."""
