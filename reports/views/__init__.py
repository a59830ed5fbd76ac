from .municipal import (
    attachment_download,
    attachment_remove,
    attachments,
    check,
    detail,
    factual,
    grant_reports,
    numbers,
    receipt_remove,
    receipts,
    report_open,
)
from .rp import queue, request_items, review, settle, start_check

__all__ = [
    "attachment_download",
    "attachment_remove",
    "attachments",
    "check",
    "detail",
    "factual",
    "grant_reports",
    "numbers",
    "queue",
    "receipt_remove",
    "receipts",
    "report_open",
    "request_items",
    "review",
    "settle",
    "start_check",
]
