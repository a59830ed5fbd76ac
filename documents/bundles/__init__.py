"""PDF bundles (Antragsbündel) of a funding round for RP Darmstadt and the jury.

A bundle is: a cover page, the contents with page numbers (and the ranking when scores
exist), then for each application its PDF in the receipt's layout with the current state,
followed by its PDF attachments; bookmarks for every application and its sections; a running
footer with the reference number and "Seite x von y"; PDF/A-3b metadata.

How it is made, one module per step (the Celery side is in ``tasks``, the task names and the
dispatch of steps in ``dispatch``):

1. ``jobs.bundle_job_request`` fixes the selection (``selection``: application ids, in bundle
   order) in a ``BundleJob`` and owes ``documents.bundle_start`` through the outbox.
2. ``jobs.bundle_job_start`` marks the job as running, takes every application whose PDF is in
   the cache (``ApplicationPdfCache``, keyed by ``content.content_hash``: a hash of everything
   the PDF shows) as done and returns the others; the task renders those in parallel (a chord).
3. ``parts.bundle_part_render`` renders one application (WeasyPrint, without footer) and
   appends its readable PDF attachments, scaled onto A4 with room for the footer, into one
   cached part (``files``: where parts lie, with an index of their objects).
4. ``merge.bundle_merge`` knows every part's page count, so it renders cover and contents
   (``front``; again if their own page count changed the numbers, until stable), then streams
   front matter and parts page by page into one file (``documents.pdf_writer``), stamping the
   footer of the whole bundle on each page, and copies the PDF/A metadata and OutputIntent of
   the WeasyPrint-rendered front matter into the catalog.
5. ``watch.bundle_jobs_watch`` (Celery beat, every minute) fails jobs over the time limit and
   dispatches again the steps of stalled jobs that no live worker holds. The pages
   (``views``) only read.

Every step may run twice (late acknowledgement, retries): parts are keyed by hash, progress
is a unique row per application, the final state change locks the job row.
"""
