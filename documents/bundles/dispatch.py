"""The bundle's Celery tasks by name, and how a job's steps are sent to them. The services send
work by name (``celery.signature``), so they need not import ``tasks`` (which imports them).

The graph: start -> chord(group(render_application per uncached application), merge)."""

from __future__ import annotations

from collections.abc import Sequence

from celery import chord, signature

START = "documents.bundle_start"
RENDER = "documents.bundle_render_application"
MERGE = "documents.bundle_merge"
SEND_MAIL = "documents.send_bundle_mail"
WATCH = "documents.bundle_jobs_watch"

# The steps of a job (what a worker may hold while the job is open).
STEPS = (START, RENDER, MERGE)


def start(job_id: int) -> None:
    signature(START, args=(job_id,)).delay()


def render_then_merge(job_id: int, to_render: Sequence[int]) -> None:
    """Renders ``to_render`` in parallel, then merges (at once when nothing is to render)."""
    merge = signature(MERGE, args=(job_id,), immutable=True)
    if to_render:
        chord(signature(RENDER, args=(job_id, pk)) for pk in to_render)(merge)
    else:
        merge.delay()
