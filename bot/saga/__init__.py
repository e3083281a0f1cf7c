"""The saga itself, read from the built database: dates, calendar, role history.

Plain Python: nothing here imports discord.
"""
