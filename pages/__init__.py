"""Public pages edited by admins: Impressum, Datenschutz, Erklärung zur Barrierefreiheit with its
feedback form, Leichte Sprache and Gebärdensprache (issue 16).
"""
