"""The grant pages: the municipality's "Nach der Bewilligung" area and RP's queues and
decisions. Views parse input, ask the predicates and call services; no rules live here."""

from .municipality import (  # noqa: F401
    accept,
    change_new,
    change_withdraw,
    detail,
    notice_new,
    payment_new,
    payment_withdraw,
)
from .rp import change_decide, notice_decide, orders_csv, payment_decide, queue  # noqa: F401
