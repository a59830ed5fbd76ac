"""Django admin texts whose stock German translation declines our model names wrongly.

Django's German catalogue says "Das Löschen des %(object_name)s", which reads "Das Löschen des
Kommune" for a feminine model. The portal's own catalogue (``locale/de``) gives neutral
wording ("Das Löschen von …"); ``LOCALE_PATHS`` come before Django's catalogues, so the
override wins. The message ids are listed here only so that ``makemessages`` keeps them.
"""

from django.utils.translation import gettext_noop

ADMIN_TEXT_OVERRIDES = (
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop(
        "Deleting %(class_name)s %(instance)s would require deleting the following protected "
        "related objects: %(related_objects)s"
    ),
)
