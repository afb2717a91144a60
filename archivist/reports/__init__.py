"""Reports for management: figures computed from the ledger (pydantic models, also printed as
JSON) and .docx renderings with charts. One module per report; `charts` holds the matplotlib
helpers (imported lazily: matplotlib is heavy)."""
