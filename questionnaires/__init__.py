"""Question sets of a funding round: sections, typed questions, versions, and the validation of
answers (issue 14).
"""
