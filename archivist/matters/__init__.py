"""Matters from acceptance to closure: matters and their parties, conflict checks, consultations,
views and timelines, and the duties (payments, deliverables, consent, evaluations, reassignment)."""
