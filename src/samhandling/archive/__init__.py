"""Noark 5 archive exports (issue 14 item 5): a case as Fiks Arkiv arkivmelding messages, a meeting as a Noark 5
``arkiv`` document, both checked by samhandling's structural rules and, when the user provides them, validated
against the official Fiks Arkiv V1 schemas (see ``docs/archive.md``).

* :mod:`samhandling.archive.export`: :func:`~samhandling.archive.export.case_messages`,
  :func:`~samhandling.archive.export.meeting_document`, :func:`~samhandling.archive.export.write_zip`;
* :mod:`samhandling.archive.meeting`: the meeting input protocol and its YAML reader;
* :mod:`samhandling.archive.codes`: the standard's code lists;
* :mod:`samhandling.archive.rules`: the structural checks, run always;
* :mod:`samhandling.archive.validation`: the checks of an export, and validation against the official schemas
  from a folder the user names (optional extra ``archive``: ``xmlschema``).
"""
