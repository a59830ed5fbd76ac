"""The notification catalogue, personal preferences, in-portal notifications, digests, reminders
and the start page of what is due (issue 15).
"""
