"""Whole-archive services: checking files, checksums, manifests, index and the audit chain (with the
replay of the chain), hygiene findings, backup and restore."""
