"""Signals of the municipality register, for apps above it that keep copies of its data (the
register must not import them)."""

from django.dispatch import Signal

# Sent inside the transaction of a register import, after the rows were written, with
# ``municipality_ids``: the municipalities whose name changed. (An import writes with
# ``bulk_update``, which sends no ``post_save``.) applications refreshes its search vectors.
municipality_names_changed = Signal()
