"""The secretariat's meeting: meeting records joined with the cases they decide.

:class:`MeetingService` creates meetings from a structure's meeting plan or ad hoc, proposes and keeps agendas
(case numbers per body and year, never reused), records attendance and records minutes: every decision becomes
its case's act, dated the meeting's day, by the meeting's body, with ``meeting`` and ``case_number`` in its
payload and ``present`` (the parties present and voting) when attendance was recorded, all in ONE transaction.
A refused decision stores nothing and the error lists every refusal of every decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from samhandling.errors import ActRefusedError, MeetingError, MinutesRefusedError, SamhandlingError
from samhandling.meetings.agenda import AgendaProposal, notice_problem, propose
from samhandling.meetings.attendance import build_attendance
from samhandling.meetings.minutes import DecisionInput
from samhandling.meetings.model import (
    AgendaItem,
    AttendanceEntry,
    Decision,
    ItemKind,
    MeetingKind,
    MeetingRecord,
    MeetingStatus,
)
from samhandling.meetings.numbering import format_case_number, pattern_for
from samhandling.store.meetings import MeetingStore

if TYPE_CHECKING:
    from samhandling.app.repository import CaseRepository
    from samhandling.process.case import Case
    from samhandling.process.engine import ProcessDefinition
    from samhandling.structure.graph import Structure


def _record(row: Mapping[str, Any]) -> MeetingRecord:
    return MeetingRecord(
        meeting_id=row["meeting_id"],
        structure=row["structure"],
        body=row["body"],
        date=dt.date.fromisoformat(row["date"]),
        kind=MeetingKind(row["kind"]),
        type=row["type"],
        parts=tuple(row["parts"]),
        title=row["title"],
        status=MeetingStatus(row["status"]),
        notice_sent=dt.date.fromisoformat(row["notice_sent"]) if row["notice_sent"] else None,
        attendance=tuple(AttendanceEntry.from_dict(a) for a in row["attendance"]),
        convened_by=row.get("convened_by"),
        minute_taker=row.get("minute_taker"),
        items=tuple(
            AgendaItem(
                meeting_id=i["meeting_id"],
                number=i["number"],
                year=i["year"],
                case_number=i["case_number"],
                kind=ItemKind(i["kind"]),
                title=i["title"],
                case_id=i["case_id"],
                removed=i["removed"],
                decision=Decision.from_dict(i["decision"]) if i["decision"] else None,
            )
            for i in row["items"]
        ),
    )


def meeting_id_for(body: str, date: dt.date, extraordinary: bool = False) -> str:
    """The id of a body's meeting on a date: ``SSU-2024-02-29`` (``-ekstra`` for an extraordinary one)."""
    return f"{body}-{date.isoformat()}" + ("-ekstra" if extraordinary else "")


def act_by_label(definition: ProcessDefinition, text: str) -> str:
    """An act of the process by its name or its Norwegian label (case, spacing and accents as ``name_key`` reads
    them); the text itself when none matches, so the engine refuses an unknown act with its own message.

    ``case act SAK "godkjenne mandatet"`` and the minutes files use it."""
    from samhandling.formats.names import name_key

    acts = list(getattr(definition, "acts", ()))
    if any(getattr(a, "name", None) == text for a in acts):
        return text
    key = name_key(text)
    for act in acts:
        name = str(getattr(act, "name", ""))
        if name_key(name) == key or name_key(str(getattr(act, "label", "") or "")) == key:
            return name
    return text


def _refusals(
    case: Case, act: str, body: str, on: dt.date, payload: Mapping[str, Any], present: Sequence[str] | None
) -> list[ActRefusedError]:
    """Every reason the engine would refuse the decision (all of them, each with its code).

    ``present`` goes where the engine takes it: its own ``present`` parameter when ``refusals`` has one (the
    quorum rules count it), else in the payload (the key is then plain data)."""
    import inspect

    judge: Any = case.definition.refusals  # Any: its signature gains ``present`` with the seat-rights work
    data = dict(payload)
    if present is not None and "present" in inspect.signature(judge).parameters:
        return list(judge(case, act, by=body, on=on, person=None, payload=data, present=list(present)))
    if present is not None:
        data["present"] = list(present)
    return list(judge(case, act, by=body, on=on, person=None, payload=data))


class MeetingService:
    """Meetings of a case repository's SQL store."""

    def __init__(self, repo: CaseRepository) -> None:
        self.repo = repo
        self.records = MeetingStore(repo.store)  # type: ignore[arg-type]

    # -- reading --------------------------------------------------------------------------------------------

    def get(self, meeting_id: str) -> MeetingRecord:
        return _record(self.records.meeting(meeting_id))

    def meetings(self, body: str | None = None, year: int | None = None) -> list[MeetingRecord]:
        """Meetings by date; ``body`` by its id (case ignored)."""
        out = [_record(r) for r in self.records.meetings()]
        return [
            m
            for m in out
            if (year is None or m.date.year == year) and (body is None or m.body.casefold() == body.casefold())
        ]

    def structure_of(self, meeting: MeetingRecord) -> Structure:
        return self.repo.structure(meeting.structure)

    # -- creating -------------------------------------------------------------------------------------------

    def create_from_plan(self, structure: str, body: str | None = None, year: int | None = None) -> list[MeetingRecord]:
        """Every meeting of the structure's meeting plan (of ``body``, in ``year``) as a record; those already
        there are kept as they are. Returns the meetings created."""
        from samhandling.time.meeting_plan import meeting_plan

        s = self.repo.structure(structure)
        body_id = s.body(body).id if body else None
        have = {m.meeting_id for m in self.meetings()}
        created = []
        for planned in meeting_plan(s).of(body_id, year) if body_id else meeting_plan(s).meetings:
            if year is not None and planned.date.year != year:
                continue
            mid = meeting_id_for(planned.body, planned.date)
            if mid in have:
                continue
            parts = tuple(seg.label or seg.kind.label for seg in planned.segments)
            mode = planned.mode.label if planned.mode else "møte"
            title = planned.title or f"{s.body(planned.body).label} {planned.date.isoformat()}"
            created.append(
                self._add(mid, structure, planned.body, planned.date, MeetingKind.ORDINARY, mode, parts, title)
            )
            have.add(mid)
        return created

    def create(
        self,
        structure: str,
        body: str,
        date: dt.date,
        *,
        kind: MeetingKind = MeetingKind.EXTRAORDINARY,
        type: str = "møte",
        parts: Sequence[str] = (),
        title: str | None = None,
    ) -> MeetingRecord:
        """An ad hoc meeting (extraordinary unless ``kind`` says otherwise)."""
        s = self.repo.structure(structure)
        b = s.body(body)
        mid = meeting_id_for(b.id, date, kind is MeetingKind.EXTRAORDINARY)
        return self._add(mid, structure, b.id, date, kind, type, tuple(parts), title or f"{b.label} {date.isoformat()}")

    def _add(
        self,
        mid: str,
        structure: str,
        body: str,
        date: dt.date,
        kind: MeetingKind,
        type_: str,
        parts: tuple[str, ...],
        title: str,
    ) -> MeetingRecord:
        self.records.add_meeting(
            {
                "meeting_id": mid,
                "structure": structure,
                "body": body,
                "date": date.isoformat(),
                "kind": kind.value,
                "type": type_,
                "parts": list(parts),
                "title": title,
                "status": MeetingStatus.PLANNED.value,
                "notice_sent": None,
                "attendance": [],
            }
        )
        return self.get(mid)

    # -- the agenda -----------------------------------------------------------------------------------------

    def candidates(self, meeting: MeetingRecord) -> list[tuple[str, str, Case]]:
        """The store's open cases under the meeting's structure, not already on an agenda of this body."""
        s = self.structure_of(meeting)
        # on an agenda of this body and not yet decided there (a case sent back later may come again)
        on_agenda = {
            i.case_id for m in self.meetings(body=meeting.body) for i in m.agenda if i.case_id and i.decision is None
        }
        out = []
        for summary in self.repo.summaries():
            if summary.case_id in on_agenda:
                continue
            try:
                definition = self.repo.definition_for(summary.header)
            except SamhandlingError:
                continue
            if definition.structure.id != s.id:
                continue
            case = self.repo.load(summary.case_id)
            if not case.is_final:
                out.append((summary.case_id, summary.header.title, case))
        return out

    def propose(self, meeting_id: str) -> AgendaProposal:
        """The cases whose next act belongs to the meeting's body, ready by the submission deadline or late."""
        meeting = self.get(meeting_id)
        return propose(self.structure_of(meeting), meeting.body, meeting.date, self.candidates(meeting))

    def _open_for_changes(self, meeting: MeetingRecord) -> None:
        if meeting.status is MeetingStatus.CLOSED:
            raise MeetingError(
                f"møtet «{meeting.meeting_id}» er lukket; sakslisten kan ikke endres",
                code="meeting-closed",
                details={"meeting": meeting.meeting_id},
            )

    def add_case(self, meeting_id: str, case_id: str) -> AgendaItem:
        """Put a case on the agenda; it gets the next case number of the body and year."""
        meeting = self.get(meeting_id)
        self._open_for_changes(meeting)
        cid = self.repo.resolve(case_id)
        if any(i.case_id == cid for i in meeting.agenda):
            raise MeetingError(
                f"saken «{cid}» står allerede på sakslisten til møtet «{meeting_id}»",
                code="duplicate-item",
                details={"case": cid},
            )
        return self._add_item(meeting, ItemKind.CASE, self.repo.header(cid).title, cid)

    def add_information(self, meeting_id: str, title: str) -> AgendaItem:
        """An information item (orienteringssak) without a case; it gets a case number too."""
        meeting = self.get(meeting_id)
        self._open_for_changes(meeting)
        if not title.strip():
            raise MeetingError("en orienteringssak trenger en tittel", code="missing-title")
        return self._add_item(meeting, ItemKind.INFORMATION, title.strip(), None)

    def add_proposed(self, meeting_id: str) -> list[AgendaItem]:
        """Every case the proposal lists as ready, in order."""
        return [self.add_case(meeting_id, c.case_id) for c in self.propose(meeting_id).ready]

    def _add_item(self, meeting: MeetingRecord, kind: ItemKind, title: str, case_id: str | None) -> AgendaItem:
        pattern = pattern_for(self.structure_of(meeting))
        year = meeting.date.year
        row = self.records.add_item(
            meeting.meeting_id,
            meeting.body,
            year,
            lambda n: format_case_number(n, year, pattern),
            kind.value,
            title,
            case_id,
        )
        found = self.get(meeting.meeting_id).item(row["case_number"])
        assert found is not None
        return found

    def remove(self, meeting_id: str, ref: str | int) -> AgendaItem:
        """Take an item off the agenda; its case number is not given again."""
        meeting = self.get(meeting_id)
        self._open_for_changes(meeting)
        item = self._item(meeting, ref)
        self.records.set_removed(meeting.body, item.year, item.number)
        return item

    @staticmethod
    def _item(meeting: MeetingRecord, ref: str | int) -> AgendaItem:
        item = meeting.item(ref)
        if item is None or item.removed:
            raise MeetingError(
                f"møtet «{meeting.meeting_id}» har ingen sak «{ref}» på sakslisten; sakene: "
                f"{', '.join(i.case_number for i in meeting.agenda) or 'ingen'}",
                code="unknown-item",
                details={"meeting": meeting.meeting_id, "item": str(ref)},
            )
        return item

    def send_notice(self, meeting_id: str, on: dt.date, *, by: str | None = None) -> str | None:
        """Record the innkalling's date (and ``by``: the party that sent it, checked by ``chair_rotation`` rules
        with ``duty: notice``, S0-R5); returns the Norwegian warning when it breaks the deadline rules."""
        meeting = self.get(meeting_id)
        structure = self.structure_of(meeting)
        changes: dict[str, Any] = {"notice_sent": on.isoformat()}
        if by is not None:
            changes["convened_by"] = structure.party(by).id  # unknown-party for a name no party has
        problem = notice_problem(structure, meeting.body, meeting.date, on)
        self.records.update_meeting(meeting_id, **changes)
        return problem

    # -- the meeting ----------------------------------------------------------------------------------------

    def open(
        self,
        meeting_id: str,
        *,
        present: Iterable[str] = (),
        deputies: Mapping[str, str] | None = None,
        observers: Iterable[str] = (),
    ) -> MeetingRecord:
        """Open the meeting and record attendance (members present, deputies, observers; the rest absent)."""
        meeting = self.get(meeting_id)
        self._open_for_changes(meeting)
        entries = build_attendance(
            self.structure_of(meeting),
            meeting.body,
            meeting.date,
            present=present,
            deputies=deputies,
            observers=observers,
        )
        self.records.update_meeting(
            meeting_id, status=MeetingStatus.OPEN.value, attendance=[e.to_dict() for e in entries]
        )
        return self.get(meeting_id)

    def close(self, meeting_id: str) -> MeetingRecord:
        meeting = self.get(meeting_id)
        self._open_for_changes(meeting)
        self.records.update_meeting(meeting_id, status=MeetingStatus.CLOSED.value)
        return self.get(meeting_id)

    def record_minutes(
        self,
        meeting_id: str,
        decisions: Sequence[DecisionInput],
        *,
        close: bool = False,
        minute_taker: str | None = None,
    ) -> MeetingRecord:
        """Every decision as its case's act, in ONE transaction; nothing is stored when any is refused.
        ``minute_taker``: the party that wrote the minutes (checked by ``chair_rotation`` rules with
        ``duty: minutes``, S0-R5), recorded in the same transaction.

        Raises :class:`MinutesRefusedError` (``minutes-refused``) listing every refusal of every decision.
        """
        meeting = self.get(meeting_id)
        self._open_for_changes(meeting)
        writer = None if minute_taker is None else self.structure_of(meeting).party(minute_taker).id
        present = meeting.present_voting if meeting.attendance else None
        refusals: list[dict[str, Any]] = []
        cases: dict[str, tuple[Case, int]] = {}
        results: list[tuple[AgendaItem, Decision]] = []
        seen: set[int] = set()
        for d in decisions:
            item = meeting.item(d.case_number)
            if item is None or item.removed:
                refusals.append(
                    {
                        "case_number": d.case_number,
                        "act": d.act,
                        "code": "unknown-item",
                        "message": f"«{d.case_number}» står ikke på sakslisten til møtet",
                    }
                )
                continue
            if item.decision is not None or item.number in seen:
                refusals.append(
                    {
                        "case_number": item.case_number,
                        "act": d.act,
                        "code": "already-decided",
                        "message": f"{item.case_number} har allerede et vedtak i protokollen",
                    }
                )
                continue
            seen.add(item.number)
            if item.kind is ItemKind.INFORMATION or d.act is None:
                if d.act is not None:
                    refusals.append(
                        {
                            "case_number": item.case_number,
                            "act": d.act,
                            "code": "information-item",
                            "message": f"{item.case_number} er en orienteringssak; den tar ingen handling",
                        }
                    )
                    continue
                results.append((item, Decision(None, d.outcome, dict(d.positions or {}), d.remark)))
                continue
            assert item.case_id is not None
            if item.case_id not in cases:
                case = self.repo.load(item.case_id)
                cases[item.case_id] = (case, len(case.history))
            case = cases[item.case_id][0]
            act = act_by_label(case.definition, d.act)
            payload: dict[str, Any] = dict(d.data)
            payload.update(meeting=meeting.meeting_id, case_number=item.case_number)
            if d.positions is not None:
                payload["positions"] = d.positions
            if d.outcome is not None:
                payload["outcome"] = d.outcome
            if d.remark is not None:
                payload["remark"] = d.remark
            reasons = _refusals(case, act, meeting.body, meeting.date, payload, present)
            if present is not None:
                payload["present"] = list(present)  # case.act takes it as its keyword (or, before it had one, data)
            if not reasons:
                try:
                    event = case.act(act, by=meeting.body, on=meeting.date, **payload)
                except ActRefusedError as exc:
                    reasons = [exc]
                else:
                    results.append((item, Decision(act, d.outcome, dict(d.positions or {}), d.remark, event.seq)))
                    continue
            refusals.extend(
                {"case_number": item.case_number, "act": d.act, "code": r.code, "message": r.message} for r in reasons
            )
        if refusals:
            lines = "; ".join(f"{r['case_number']}: {r['message']} ({r['code']})" for r in refusals)
            raise MinutesRefusedError(
                f"protokollen til møtet «{meeting_id}» er ikke lagret ({len(refusals)} avvist): {lines}",
                details={"meeting": meeting_id, "refusals": refusals},
            )
        appends = []
        for cid, (case, before) in cases.items():
            new = case.history[before:]
            arm, cancel = self.repo.arming(case.definition, case, new)  # the acts' deadlines, in the same transaction
            appends.append((cid, new, before + 1, arm, cancel))
        rows = [(meeting.body, item.year, item.number, dec.to_dict()) for item, dec in results]
        changes: dict[str, Any] = {"status": MeetingStatus.CLOSED.value} if close else {}
        if writer is not None:
            changes["minute_taker"] = writer
        self.records.record_minutes(meeting_id, appends, rows, changes)
        return self.get(meeting_id)
