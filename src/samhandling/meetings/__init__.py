"""The secretariat's meeting as records: meetings, agendas with case numbers, attendance and decisions.

``model`` (the records), ``numbering`` (case numbers from a pattern), ``agenda`` (proposing an agenda, the
innkalling's deadline), ``attendance`` (who was there and who votes), ``minutes`` (a file of decisions).
Stored by :mod:`samhandling.store.meetings`; joined with cases by :mod:`samhandling.app.meetings`.
"""
