"""The grant after the decision: acceptance and waiver of appeal, payment requests and orders,
notices under the Mitteilungspflicht, change requests, due dates (issue 13).
"""
