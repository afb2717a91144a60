"""Page strings of the web front end, from the same catalogs as the command line
(archivist.core.i18n): Traditional Chinese by default, English selectable (cookie `lang`).
Templates read them as `t.key`; coded values and column names come from core.vocabulary."""

from __future__ import annotations

from archivist.core import i18n
from archivist.core.i18n import N_, _

# key used by the templates -> English message (translated by the catalogs)
PAGE_STRINGS: dict[str, str] = {
    "app": N_("Client archives"),
    "signin": N_("Sign in"),
    "signout": N_("Sign out"),
    "username": N_("User name"),
    "password": N_("Password"),
    "new_password": N_("New password"),
    "current_password": N_("Current password"),
    "change_password": N_("Change password"),
    "must_change": N_("First sign-in: please change your password."),
    "mywork": N_("My work"),
    "clients": N_("Clients"),
    "search": N_("Search"),
    "loans": N_("Loans"),
    "complaints": N_("Complaints"),
    "reports": N_("Reports"),
    "number": N_("Number"),
    "name": N_("Name"),
    "kind": N_("Kind"),
    "status": N_("Status"),
    "documents": N_("Documents"),
    "matters": N_("Matters"),
    "section": N_("Section"),
    "title": N_("Title"),
    "date": N_("Date"),
    "filetype": N_("Type"),
    "open": N_("Open"),
    "download": N_("Download"),
    "view": N_("View"),
    "query": N_("Words"),
    "results": N_("results"),
    "page": N_("page"),
    "prev": N_("Previous"),
    "next": N_("Next"),
    "no_results": N_("No documents match."),
    "nothing": N_("Nothing here."),
    "request_loan": N_("Request a loan"),
    "purpose": N_("Purpose"),
    "days": N_("Days"),
    "client": N_("Client"),
    "approve": N_("Approve"),
    "reject": N_("Reject"),
    "reason": N_("Reason"),
    "checkout": N_("Check out"),
    "return": N_("Return"),
    "ack": N_("I acknowledge the duty of confidentiality"),
    "borrower": N_("Borrower"),
    "due": N_("Due"),
    "my_loans": N_("My loans"),
    "approvals": N_("Loans waiting for approval"),
    "overdue": N_("Overdue loans"),
    "my_complaints": N_("My complaints"),
    "volumes_due": N_("Volumes to archive"),
    "archive_by": N_("Archive by"),
    "late": N_("late"),
    "submit": N_("Submit"),
    "filter": N_("Filter"),
    "from": N_("From"),
    "to": N_("To"),
    "report_complaints": N_("Complaints report"),
    "total": N_("Total"),
    "error": N_("Error"),
    "not_found": N_("Not found (or not yours to read)."),
    "size": N_("Size"),
    "preview": N_("Preview"),
    "text": N_("Text"),
    "back": N_("Back"),
    "content": N_("Content"),
    "received": N_("Received"),
    "signed_in_as": N_("Signed in as"),
    "count": N_("Count"),
    "matter": N_("Matter"),
    "all_sections": N_("All sections"),
    "bad_login": N_("Wrong user name or password, or locked."),
    "filing": N_("Filing"),
    "drop_here": N_("Drop files here, or choose them below (several at once)."),
    "size_limit": N_("At most {mb} MB a file."),
    "upload": N_("Upload and file"),
    "results_per_file": N_("Result per file"),
    "file": N_("File"),
    "outcome": N_("Outcome"),
    "outcome_filed": N_("filed"),
    "outcome_flagged": N_("Filed (flagged)"),
    "outcome_skipped": N_("Not filed: duplicate"),
    "outcome_failed": N_("Not filed"),
    "too_large": N_("The upload is too large (at most {mb} MB a file)."),
    "generate": N_("Contracts and letters"),
    "template": N_("Template"),
    "choose": N_("Choose"),
    "generated": N_("Generated and filed"),
    "new_version_of": N_("A new version; kept the old one:"),
    "required_marked": N_(
        "Fields marked * are required; empty fields take the matter's data or the default."
    ),
    "add_row": N_("Add a row"),
    "one_per_line": N_("One item a line"),
    "also_pdf": N_("Also make a PDF (needs LibreOffice)"),
    "generate_button": N_("Generate and file"),
    "complaint": N_("Complaint"),
    "complaint_intake": N_("Take a complaint in"),
    "channel": N_("Channel"),
    "told": N_("What the client was told"),
    "told_at": N_("told on"),
    "first_response_due": N_("First response due"),
    "category": N_("Category"),
    "cause": N_("Cause"),
    "responsibility": N_("Responsibility"),
    "assignee": N_("Assigned to"),
    "assign_to": N_("Assign to (user or department)"),
    "finding": N_("Finding"),
    "corrective_action": N_("Corrective action"),
    "opinion": N_("Client's opinion"),
    "result_told": N_("Result told to the client"),
    "note": N_("Note"),
    "classify": N_("Classify"),
    "assign": N_("Assign"),
    "notify": N_("Notify"),
    "resolve": N_("Resolve"),
    "feedback": N_("Feedback"),
    "close_disputed": N_("Close (head)"),
    "history": N_("History"),
    "actor": N_("By"),
    "step": N_("Step"),
    "users": N_("Users and roles"),
    "add_user": N_("Add a user"),
    "display_name": N_("Name"),
    "licence_number": N_("Licence number"),
    "first_password": N_("First password (changed at first sign-in)"),
    "roles": N_("Roles"),
    "deactivate": N_("Deactivate"),
    "activate": N_("Activate"),
    "unlock": N_("Unlock"),
    "reset_password": N_("Reset password"),
    "locked_until": N_("locked until"),
    "no_password": N_("no password"),
    "must_change_short": N_("must change password"),
    "saved": N_("Saved"),
    "all": N_("All"),
    "no_copies": N_("Read only, no copies"),
}

# values the pages show that are not in a vocabulary (complaint steps, document states)
EXTRA_VALUES: dict[str, str] = {
    "accepted": N_("accepted"),
    "filed": N_("filed"),
    "notify": N_("client told"),
    "classify": N_("classified"),
    "assign": N_("assigned"),
    "resolve": N_("resolved"),
    "feedback": N_("client's feedback"),
    "reopen": N_("reopened"),
    "close": N_("closed"),
    "propose": N_("improvement proposal"),
    "unclassified": N_("unclassified"),
    "(none)": N_("(none)"),
}


def strings(lang: str | None) -> dict[str, str]:
    """Every page string in `lang` (zh_Hant or en; the web's cookie values zh/en too)."""
    code = i18n.normalize(lang) or i18n.ZH
    with i18n.using(code):
        out = {key: _(message) for key, message in PAGE_STRINGS.items()}
    # the link to the other language is written in that language
    out["language"] = "中文" if code == i18n.EN else "English"
    out["lang_code"] = "en" if code == i18n.EN else "zh-Hant"
    return out


def section_name(section: str, lang: str | None) -> str:
    from archivist.core.vocabulary import label

    with i18n.using(i18n.normalize(lang) or i18n.ZH):
        return label("section", section)


def field_name(key: str, lang: str | None) -> str:
    from archivist.core.vocabulary import header

    with i18n.using(i18n.normalize(lang) or i18n.ZH):
        return header(key)


def value_name(value: object, lang: str | None) -> str:
    """A coded value (a kind, a status, a complaint's step) as a reader of `lang` says it."""
    from archivist.core.vocabulary import CODED_COLUMNS, VOCABULARIES, label

    text = str(getattr(value, "value", value))
    with i18n.using(i18n.normalize(lang) or i18n.ZH):
        for names in CODED_COLUMNS.values():
            for name in names:
                if text in VOCABULARIES[name]:
                    return label(name, text)
        if text in EXTRA_VALUES:
            return _(EXTRA_VALUES[text])
    return text
