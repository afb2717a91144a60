"""Clients: the numbered client registry and the derived files (manifest, registers) kept in each
client's archive folder."""
