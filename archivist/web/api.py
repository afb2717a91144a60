"""JSON API, version 1: the same library calls as the pages, with the keys of the CLI's
`--json`. Scripts authenticate with `Authorization: Bearer TOKEN` (archivist user token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel

from archivist.web import deps

router = APIRouter(prefix="/api/v1", tags=["v1"])


def _json(data: Any) -> Any:
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="json")
    if isinstance(data, list):
        return [_json(d) for d in data]
    return data


@router.get("/search")
def search(
    request: Request,
    q: str,
    client: str | None = None,
    matter: str | None = None,
    section: str | None = None,
    type: str | None = None,
    limit: int = 20,
    page: int = 1,
    sort: str = "relevance",
) -> dict[str, Any]:
    """Full-text search of what the caller may read (`search --json`)."""
    from archivist import search as index

    ctx = deps.api_actor(request)
    result = index.search(
        ctx,
        q,
        client=client,
        matter=matter,
        section=section,
        filetype=type,
        limit=limit,
        page=page,
        sort=sort,
    )
    return result.public()


@router.get("/clients")
def clients(request: Request, q: str | None = None, limit: int | None = None) -> Any:
    """Clients the caller may see (`client list --json`)."""
    from archivist.clients import registry

    return _json(registry.list_clients(deps.api_actor(request), q, limit))


@router.get("/clients/{number}")
def client(request: Request, number: str) -> Any:
    """A client's details and archive (`client show --json`; audited as a read)."""
    from archivist.clients import registry

    return _json(registry.show(deps.api_actor(request), number))


@router.get("/clients/{number}/documents")
def client_documents(request: Request, number: str, section: str | None = None) -> Any:
    """A client's documents (`file list --json`)."""
    from archivist.filing import service as filing

    return _json(filing.list_documents(deps.api_actor(request), number, section=section))


@router.get("/documents/{number}")
def document(request: Request, number: str) -> Any:
    """A document's record (`file show --json`)."""
    from archivist.filing import service as filing

    return _json(filing.show(deps.api_actor(request), number))


@router.get("/documents/{number}/content")
def document_content(request: Request, number: str) -> Response:
    """The stored file (audited as a download)."""
    from archivist.filing import service as filing

    doc, path = filing.open_content(deps.api_actor(request), number, "download")
    return FileResponse(path, media_type="application/octet-stream", filename=doc.original_name)


class LoanRequest(BaseModel):
    client: str
    purpose: str
    matter: str | None = None
    documents: list[str] | None = None
    days: int | None = None
    copies: bool = False


class LoanApproval(BaseModel):
    days: int | None = None
    note: str | None = None


@router.get("/loans")
def loans_list(request: Request, status: str | None = None) -> Any:
    """Loans (`loan list --json`): the caller's own unless archivist or head."""
    from archivist.loans import service as loans

    return _json(loans.list_loans(deps.api_actor(request), status=status))


@router.post("/loans", status_code=201)
def loan_request(request: Request, body: LoanRequest) -> Any:
    """Ask to borrow a client's archive, a matter or documents (`loan request --json`)."""
    from archivist.loans import service as loans

    return _json(
        loans.request(
            deps.api_actor(request),
            body.client,
            purpose=body.purpose,
            matter=body.matter,
            document_numbers=body.documents,
            days=body.days,
            copies=body.copies,
        )
    )


@router.post("/loans/{number}/approve")
def loan_approve(request: Request, number: str, body: LoanApproval | None = None) -> Any:
    """The head approves a pending loan (`loan approve --json`)."""
    from archivist.loans import service as loans

    body = body or LoanApproval()
    return _json(loans.approve(deps.api_actor(request), number, days=body.days, note=body.note))


class LoanCheckout(BaseModel):
    ack_confidentiality: bool = False


class LoanReturn(BaseModel):
    condition: str | None = None


@router.get("/loans/overdue")
def loans_overdue(request: Request) -> Any:
    """Loans out past their due date, most overdue first (`loan list --status overdue --json`)."""
    from archivist.loans import service as loans

    return _json(loans.overdue(deps.api_actor(request)))


@router.post("/loans/{number}/checkout")
def loan_checkout(request: Request, number: str, body: LoanCheckout) -> Any:
    """The archivist hands an approved loan out; the borrower's confidentiality
    acknowledgement is required (`loan checkout --json`)."""
    from archivist.loans import service as loans

    return _json(loans.checkout(deps.api_actor(request), number, body.ack_confidentiality))


@router.post("/loans/{number}/return")
def loan_return(request: Request, number: str, body: LoanReturn | None = None) -> Any:
    """The archivist takes a loan back (`loan return --json`)."""
    from archivist.loans import service as loans

    body = body or LoanReturn()
    return _json(loans.return_(deps.api_actor(request), number, body.condition))
