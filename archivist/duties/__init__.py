"""The clients' and lawyers' rights and duties (see the modules)."""
