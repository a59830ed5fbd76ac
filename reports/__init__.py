"""Interim and final reports (Zwischen- und Verwendungsnachweis), RP's check of a report and the
settlement with a possible repayment (issue 13).
"""
