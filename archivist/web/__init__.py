"""The web front end and JSON API (issue 18): routes, forms, templates and sessions only.
Every rule (who may read what, state changes, sign-in) is the library's."""
