"""Filing documents into client archives: one file, an import of many, and the text extraction
(extract/) that feeds the ledger and the search index."""
