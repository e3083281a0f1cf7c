"""Daily recaps (issue #6), plain Python that never imports discord.

    schedule   local HH:MM in an IANA timezone → UTC instants, across DST; the catch-up mark
    posts      a post in data (title, lines, notes, locale, question-of-the-day event)
    plan       which replay post tells each event (its last possible day), quiet days together, turning points first
    compose    what each mode posts: replay, anniversary, digest
    layout     a post as text within Discord's embed limits
    store      subscriptions, seen events and the delivery ledger in the state database
    delivery   at-most-once sending: nonces, the ledger's state machine, failures and retries
    pacing     token buckets under Discord's global and per-route limits
    clock      real and simulated time
    scheduler  the one loop that sleeps until the earliest due subscription and fans posts out
    commands   /recap subscribe, unsubscribe, list, pause, resume, preview as functions
    console    /recap in the shell, with simulated time
"""
