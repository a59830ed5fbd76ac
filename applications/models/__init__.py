"""Funding rounds, applications and everything that belongs to an application.

Models hold data and invariants (constraints); the rules of writing live in ``services``,
the state machine in ``workflow.py``. Every rule of a call is a field of ``FundingRound``.
One module per concern; this package re-exports every model so ``applications.models.X``
stays the one address (migrations and other apps use it).
"""

from .application import (  # noqa: F401
    Application,
    ApplicationPartner,
    ApplicationQuerySet,
    CostLine,
    ItemRequest,
    Visibility,
    _long_text,
)
from .calls import EligibilityRule, RoundAttachmentKind, RoundDeclaration  # noqa: F401
from .choices import (  # noqa: F401
    ANSWER_MAX_LENGTH,
    FINANCING_FIELDS,
    MONEY,
    SECTION_FIELDS,
    SECTION_ORDER,
    SUMMARY_MAX_LENGTH,
    ZERO,
    AttachmentKind,
    FinancingType,
    ParticipationRole,
    PartnerStatus,
    ProgrammeLine,
    Section,
)
from .events import ApplicationEvent, ApplicationEventQuerySet, EventAction  # noqa: F401
from .parts import Attachment, RoundParticipation, attachment_upload_to  # noqa: F401
from .rounds import (  # noqa: F401
    ROUND_RULE_FIELDS,
    CostCategory,
    FundingRound,
    FundingRoundQuerySet,
    ReferenceCounter,
)
