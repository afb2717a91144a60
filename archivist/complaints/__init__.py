"""Client complaints from receipt to resolution: the complaint records, replies and deadlines.
Reports over them live in archivist.reports."""
