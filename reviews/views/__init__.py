"""Pages of RP Darmstadt (case officers, admins) and of the jury. Views parse input, ask the
permission predicates and call services; no rules live here. One module per task;
``urls.py`` addresses them through this package."""

from .assigning import assignment_end, assignments, review_reopen  # noqa: F401
from .checks import check_start, detail, formal_check, item_request_extend, note_add  # noqa: F401
from .decisions import decision, mark_ready  # noqa: F401
from .jury import jury_attachment, jury_declare, jury_list, jury_review  # noqa: F401
from .overview import bulk_assign, overview, ranking, ranking_csv, ranking_xlsx, rounds  # noqa: F401
