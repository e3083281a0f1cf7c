"""The curated data pipeline: load the YAML of data/, check it against seeds/, build the saga database.

Plain Python: nothing here imports discord.
"""
