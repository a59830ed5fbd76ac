"""Pages of municipal staff: eligibility, the form in steps, check and submit, status page,
partner confirmation, downloads. Views parse input and call services; no rules live here.
One module per step; ``urls.py`` addresses them through this package."""

from .costs import cost_plan  # noqa: F401
from .declarations import declarations  # noqa: F401
from .joint import partner_respond, partners  # noqa: F401
from .sections import (  # noqa: F401
    application_detail,
    application_list,
    eligibility,
    question_section_edit,
    round_detail,
    round_list,
    section_edit,
)
from .submission import (  # noqa: F401
    check_and_submit,
    resubmit,
    submitted,
    withdraw,
)
from .uploads import attachment_download, attachment_remove, attachments  # noqa: F401
