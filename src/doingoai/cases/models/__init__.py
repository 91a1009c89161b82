"""The data of the cases app, one module per area (each owned by one part of the app)."""

from .cases import (  # noqa: F401
    Action,
    Case,
    CaseNote,
    CaseURL,
    ClaimSuggestion,
    Classification,
    Decision,
    LegalBasis,
    Origin,
    PublicReport,
    Step,
    StepRecord,
)
from .clocks import Clock, ClockRule, Holiday, TakedownRequest  # noqa: F401
from .complaints import Complaint, ComplaintKind  # noqa: F401
from .evidence import Capture  # noqa: F401
from .library import Argument  # noqa: F401
from .rebuttals import Clarification  # noqa: F401
