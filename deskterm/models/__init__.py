"""Every table of deskterm, imported together so that the metadata (and Alembic) sees them all."""

from deskterm.models.audit import AuditEvent, AuditHead, Counter
from deskterm.models.complaint import (
    Callback,
    CallbackResult,
    Communication,
    CommunicationCreate,
    Complaint,
    ComplaintCreate,
    ComplaintStatus,
    ComplaintStep,
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
from deskterm.models.repair import (
    OPEN_REPAIR_STATUSES,
    FeeReview,
    FeeScheduleItem,
    RepairCategory,
    RepairClass,
    RepairEvent,
    RepairFeeLine,
    RepairOrder,
    RepairOrderCreate,
    RepairScope,
    RepairStatus,
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
from deskterm.models.user import Role, User, UserCreate
from deskterm.models.visitor import (
    DenyEntry,
    DocType,
    ExpectedVisitor,
    HostCallResult,
    SlipStatus,
    VisitorSlip,
    VisitorSlipCreate,
)

__all__ = [name for name in dir() if not name.startswith("_")]
