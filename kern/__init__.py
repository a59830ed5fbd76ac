"""A django-crispy-forms template pack for KERN, the UX standard of the German public
administration (``@kern-ux/native``). See README.md beside this file."""
