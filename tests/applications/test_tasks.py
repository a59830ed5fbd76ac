"""The receipt task: thin, takes an id, delegates to documents.receipts (idempotent there)."""

from __future__ import annotations

from documents.tasks import render_receipt as real_render_receipt


def test_render_receipt_delegates_to_pdf(monkeypatch):
    calls = []
    monkeypatch.setattr("documents.receipts.render_receipt", calls.append)
    real_render_receipt.run(42)
    real_render_receipt.run(42)
    assert calls == [42, 42]


def test_task_name_and_retry_policy():
    assert real_render_receipt.name == "documents.render_receipt"
    assert real_render_receipt.max_retries == 5
