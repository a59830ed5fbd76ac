from django.apps import AppConfig


class KernConfig(AppConfig):
    """The template pack: ``templates/kern/`` and the ``kern_tags`` library."""

    name = "kern"
    verbose_name = "KERN template pack"
