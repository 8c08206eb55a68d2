"""The relational schema. Plain SQLAlchemy 2: nothing here knows about Flask."""

from .actors import Country, Membership, Organization, Person, Role
from .base import Base, DatePrecision
from .commitments import (
    Commitment,
    CommitmentAmount,
    CommitmentItem,
    CommitmentParty,
    CommitmentStatusEvent,
)
from .disputes import (
    Dispute,
    DisputeClaimant,
    DisputeFeature,
    Incident,
    IncidentAccount,
    IncidentActor,
)
from .evidence import Evidence, EvidenceLink, HasEvidence, Source
from .meetings import Meeting, MeetingOutcome, MeetingParticipant
from .search import DIALECT_OBJECTS, DataVersion, SearchDocument, search_fts

__all__ = [
    "DIALECT_OBJECTS",
    "DataVersion",
    "SearchDocument",
    "search_fts",
    "Base",
    "Commitment",
    "CommitmentAmount",
    "CommitmentItem",
    "CommitmentParty",
    "CommitmentStatusEvent",
    "Country",
    "DatePrecision",
    "Dispute",
    "DisputeClaimant",
    "DisputeFeature",
    "Evidence",
    "EvidenceLink",
    "HasEvidence",
    "Incident",
    "IncidentAccount",
    "IncidentActor",
    "Meeting",
    "MeetingOutcome",
    "MeetingParticipant",
    "Membership",
    "Organization",
    "Person",
    "Role",
    "Source",
]
