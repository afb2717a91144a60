"""Pydantic models: what library functions take and return, one module per feature.

Import them from here (`from archivist.models import Client`). Each name is loaded from its
module on first use (PEP 562), so a command imports only the models it uses: building a
pydantic class costs about half a millisecond, and all of them together cost `archivist client
list` a tenth of its start-up."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULE: dict[str, str] = {
    "Role": "base",
    "User": "base",
    "ClientKind": "base",
    "Section": "base",
    "SECTION_FOLDERS": "base",
    "ClientInput": "base",
    "Client": "base",
    "ClientAdded": "base",
    "AuditEvent": "base",
    "Scope": "base",
    "DateLike": "base",
    "ChecklistItem": "volumes",
    "VolumeDocument": "volumes",
    "Volume": "volumes",
    "Amendment": "volumes",
    "Hold": "volumes",
    "DisposalItem": "volumes",
    "Disposal": "volumes",
    "MatterType": "matters",
    "MATTER_CODES": "matters",
    "Matter": "matters",
    "Channel": "service",
    "PartyRole": "service",
    "Party": "service",
    "ConflictHit": "service",
    "ConflictCheck": "service",
    "MatterEvent": "service",
    "FollowUp": "service",
    "MatterDetail": "service",
    "MatterOpened": "service",
    "Consultation": "service",
    "TimelineEntry": "service",
    "Extraction": "documents",
    "Document": "documents",
    "ImportItem": "documents",
    "ImportSummary": "documents",
    "SearchHit": "documents",
    "SearchResult": "documents",
    "IndexStatus": "documents",
    "TemplateField": "templates",
    "TemplateInfo": "templates",
    "GeneratedDocument": "templates",
    "BatchRowResult": "templates",
    "BatchResult": "templates",
    "LoanStatus": "loans",
    "LoanScope": "loans",
    "Loan": "loans",
    "LoanStep": "loans",
    "LoanResult": "loans",
    "LoanDetail": "loans",
    "ComplaintStatus": "complaints",
    "ComplaintEvent": "complaints",
    "Complaint": "complaints",
    "ComplaintDurations": "complaints",
    "ComplaintReportRow": "complaints",
    "ComplaintProposal": "complaints",
    "ComplaintReport": "complaints",
    "Reassignment": "duties",
    "DeclinedEngagement": "duties",
    "Deliverable": "duties",
    "Evaluation": "duties",
    "LawyerServiceSummary": "duties",
    "Instalment": "duties",
    "Payment": "duties",
    "Consent": "duties",
    "ExportResult": "duties",
    "ClientReportResult": "duties",
    "CheckProblem": "integrity",
    "CheckReport": "integrity",
    "BackupResult": "integrity",
    "RestoreResult": "integrity",
}


def __getattr__(name: str) -> Any:
    module = _MODULE.get(name)
    if module is None:
        raise AttributeError(f"module 'archivist.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"archivist.models.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE))


__all__ = [
    "AuditEvent",
    "BackupResult",
    "BatchResult",
    "BatchRowResult",
    "Channel",
    "CheckProblem",
    "CheckReport",
    "Client",
    "ClientAdded",
    "ClientInput",
    "ClientKind",
    "ClientReportResult",
    "Complaint",
    "ComplaintDurations",
    "ComplaintEvent",
    "ComplaintProposal",
    "ComplaintReport",
    "ComplaintReportRow",
    "ComplaintStatus",
    "ConflictCheck",
    "ConflictHit",
    "Consent",
    "Consultation",
    "DateLike",
    "DeclinedEngagement",
    "Deliverable",
    "Document",
    "Evaluation",
    "ExportResult",
    "Extraction",
    "FollowUp",
    "GeneratedDocument",
    "ImportItem",
    "ImportSummary",
    "IndexStatus",
    "Instalment",
    "LawyerServiceSummary",
    "Loan",
    "LoanDetail",
    "LoanResult",
    "LoanScope",
    "LoanStatus",
    "LoanStep",
    "MATTER_CODES",
    "Matter",
    "MatterDetail",
    "MatterEvent",
    "MatterOpened",
    "MatterType",
    "Party",
    "PartyRole",
    "Payment",
    "Reassignment",
    "RestoreResult",
    "Role",
    "SECTION_FOLDERS",
    "Scope",
    "SearchHit",
    "SearchResult",
    "Section",
    "TemplateField",
    "TemplateInfo",
    "TimelineEntry",
    "User",
]

if TYPE_CHECKING:
    from archivist.models.base import (
        SECTION_FOLDERS,
        AuditEvent,
        Client,
        ClientAdded,
        ClientInput,
        ClientKind,
        DateLike,
        Role,
        Scope,
        Section,
        User,
    )
    from archivist.models.complaints import (
        Complaint,
        ComplaintDurations,
        ComplaintEvent,
        ComplaintProposal,
        ComplaintReport,
        ComplaintReportRow,
        ComplaintStatus,
    )
    from archivist.models.documents import (
        Document,
        Extraction,
        ImportItem,
        ImportSummary,
        IndexStatus,
        SearchHit,
        SearchResult,
    )
    from archivist.models.duties import (
        ClientReportResult,
        Consent,
        DeclinedEngagement,
        Deliverable,
        Evaluation,
        ExportResult,
        Instalment,
        LawyerServiceSummary,
        Payment,
        Reassignment,
    )
    from archivist.models.integrity import (
        BackupResult,
        CheckProblem,
        CheckReport,
        RestoreResult,
    )
    from archivist.models.loans import (
        Loan,
        LoanDetail,
        LoanResult,
        LoanScope,
        LoanStatus,
        LoanStep,
    )
    from archivist.models.matters import (
        MATTER_CODES,
        Matter,
        MatterType,
    )
    from archivist.models.service import (
        Channel,
        ConflictCheck,
        ConflictHit,
        Consultation,
        FollowUp,
        MatterDetail,
        MatterEvent,
        MatterOpened,
        Party,
        PartyRole,
        TimelineEntry,
    )
    from archivist.models.templates import (
        BatchResult,
        BatchRowResult,
        GeneratedDocument,
        TemplateField,
        TemplateInfo,
    )
