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

__all__ = [
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
