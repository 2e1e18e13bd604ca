# ruff: noqa: F401  (re-exports; __all__ is computed below)
"""Every table of deskterm, imported together so that the metadata (and Alembic) sees them all.

The one facade of deskterm, on purpose: SQLModel registers a table in `SQLModel.metadata` when
its class is imported, so creating the schema, Alembic's autogenerate and the privacy purge
(`models.__all__`) need every table imported in one place. Every other module is imported
from where a name is defined (tests/unit/test_no_reexports.py, which allows only this one).
"""

from deskterm.models import guard as _guard  # noqa: F401  (text that fits, at every flush)
from deskterm.models.audit import AuditEvent, AuditHead, Counter
from deskterm.models.complaint import (
    Callback,
    CallbackKind,
    CallbackMethod,
    CallbackResult,
    Communication,
    CommunicationCreate,
    CommunicationHow,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintCreate,
    ComplaintRepair,
    ComplaintStatus,
    ComplaintStep,
    PartyKind,
    Severity,
    StepKind,
)
from deskterm.models.directory import DirectoryEntry, DirectoryKind, Event
from deskterm.models.estate import Building, BuildingKind, Company, Resident, ResidentCreate, Unit
from deskterm.models.inquiry import (
    Channel,
    ContactAttempt,
    ContactOutcome,
    Inquiry,
    InquiryCreate,
    InquiryOutcome,
    Message,
    MessageCreate,
    PromisedReply,
    PromisedReplyCreate,
)
from deskterm.models.public_area import (
    AreaDecision,
    PublicAreaRequest,
    PublicAreaRequestCreate,
)
from deskterm.models.repair import (
    DONE_REPAIR_STATUSES,
    OPEN_REPAIR_STATUSES,
    CostBearer,
    Engineer,
    FeeReview,
    FeeScheduleItem,
    RepairAttempt,
    RepairCategory,
    RepairChannel,
    RepairClass,
    RepairEvent,
    RepairFeeLine,
    RepairOrder,
    RepairOrderCreate,
    RepairOrderUpdate,
    RepairScope,
    RepairStatus,
    Settlement,
)
from deskterm.models.shift import (
    Handover,
    HandoverItem,
    HandoverStatus,
    LogbookEntry,
    LogbookEntryCreate,
    LogCategory,
    Shift,
    ShiftStatus,
)
from deskterm.models.user import Role, SignInThrottle, User, UserCreate
from deskterm.models.visitor import (
    DenyEntry,
    DocType,
    ExpectedVisitor,
    ExpectedVisitorCreate,
    HostCallMethod,
    HostCallResult,
    Purpose,
    SlipStatus,
    VisitorSlip,
    VisitorSlipCreate,
    VisitorSlipUpdate,
)

__all__ = [name for name in dir() if not name.startswith("_")]
