"""What areas may ask of each other: the one list.

An area that answers a question for others writes an adapter satisfying one of the Protocols below
and registers it in its `init_app` with `provide(app, Protocol, adapter)`; an area that asks calls
`need(Protocol)` (or `provided(Protocol)` where it can do without). Contracts are looked up by
type, never by a string key, and the provider owns the adapter: tickets writes what revisits, the
IVR and the desk ask of it. The values that cross (TicketStatus, CallerFacts, ResolvedTicket, ...)
are frozen dataclasses declared here, so neither side imports the other (import-linter checks it:
`[tool.importlinter]` in pyproject.toml).

Events one area announces to others are the frozen dataclasses at the end (`EVENTS`): a handler is
subscribed per app with `subscribe(EventType, handler, app)` in the area's `init_app`, and the
publisher calls `publish(event)` or, for a change not committed yet, `publish_after_commit(event)`.

| event | published by | handled by |
| --- | --- | --- |
| CallRouted | ivr (the caller left the menu for a queue) | tickets (file the call), transcription (QA facts) |
| CallAnswered | routing | tickets (first response), transcription (QA facts) |
| CallEnded | hotline.voice (a final status) | routing (free the line, abandonment, wrap-up), ivr (settle the menu's steps), tickets (the "we will contact you" notice, once the call's outcome is known) |
| ConversationOver | routing (who hung up first) | transcription (QA facts) |
| RecordingsListed | hotline.reconcile | recordings (store what no callback reported; returns how many) |
| RecordingCompleted | recordings (stored) | transcription (transcribe) |
| TranscriptReady | transcription | tickets (escalation words raise the tier), revisits (a revisit call's spoken words onto its ticket) |
| TicketCreated | tickets | (none in the areas; tests) |
| TicketResolved, TicketReopened | tickets | revisits (schedule, cancel) |
| VoicemailLeft | ivr | tickets (a callback ticket) |
| SmsReceived | messaging | tickets (a department's reply naming its ticket) |

| contract | provided by | asked by |
| --- | --- | --- |
| TicketStatusBook | tickets | ivr (ticket status self-service) |
| CallerDirectory | tickets | ivr (greeting), routing (VIP on arrival) |
| Salutations | tickets | desk (screen pop), ivr (greeting) |
| TicketDesk | tickets | revisits (resolved tickets, reopening) |
| CaseFiles | tickets | desk (screen pop, the agent's day) |
| Departments | tickets | routing (transfer a call to a department's phone), desk (hand a ticket over) |
| AgentsOnShift | routing | ivr (the night queue) |
| AgentDesk | routing | desk (presence, the agent's day), tickets (is the agent still on or wrapping up the call) |
| MenuCalls | ivr | routing (settle, take a message), supervision (calls in the menu, the IVR choice of waiting callers), access (a call still in the menu) |
| SurveyScores | revisits | desk (the agent's day) |
| AccessPolicy | access | tickets, recordings, transcription (who sees what; the access log) |
| AgentWork | routing | access (the calls an agent was offered, the queues they serve) |
| Pages | people | desk, supervision, transcription, live (sign-in on pages, landing pages, page texts, the supervisors' navigation) |
| Messaging | messaging | tickets (notices), revisits (surveys, consent, the calls bucket) |
| CallRecordings | recordings | tickets (a ticket's calls and their audio) |
| RecordingAudio | recordings | transcription (stored recordings, their bytes, the QA page's audio) |
| CallTranscripts | transcription | tickets (the state of each recording's transcript) |
| LiveSpeech | transcription | live (models, assist phrases, spoken numbers and redaction for live transcripts) |
| LiveTranscripts | live | transcription (a call its stream covered is not decoded again) |
| CallKpis | routing | supervision (offered, answered, abandoned, waits, handle times) |
| TicketKpis | tickets | supervision (first-contact resolution, complaints, SLA compliance) |
| RevisitKpis | revisits | supervision (satisfaction, revisit closure) |
| QaKpis | transcription | supervision (QA scores) |
| StaffingRecords | routing | supervision (arrivals per half hour, agents signed in) |
| CallFloor | routing | supervision (the live page: callers waiting, agents' states, the day by half hour; the scorecard's status time and missed offers) |

Pages are guarded with `hotline.pages.login_required(*roles)`, which asks `Pages` per request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Protocol, TypeVar, runtime_checkable

from flask import Flask, current_app

from hotline import db

_KEY = "hotline.contracts"
T = TypeVar("T")


class MissingContract(LookupError):
    """No area of this app provides the contract asked for."""


def provide(app: Flask, contract: type[T], adapter: T, *, replace: bool = False) -> T:
    """Register `adapter` as this app's answer to `contract` (a Protocol of this module).

    A second provider is an error (two areas claiming one answer), unless `replace` (a test standing
    in for an area). The adapter is checked for the contract's methods here, at start-up.
    """
    if not isinstance(adapter, contract):
        missing = [name for name in _members(contract) if not hasattr(adapter, name)]
        raise TypeError(f"{type(adapter).__name__} does not provide {contract.__name__}: missing {', '.join(missing)}")
    registry = app.extensions.setdefault(_KEY, {})
    if contract in registry and not replace:
        raise RuntimeError(f"{contract.__name__} is already provided by {type(registry[contract]).__name__}")
    registry[contract] = adapter
    return adapter


def withdraw(app: Flask, contract: type) -> None:
    """Forget `contract`'s provider (an app built without the area that provides it)."""
    app.extensions.get(_KEY, {}).pop(contract, None)


def provided(contract: type[T], app: Flask | None = None) -> T | None:
    """The app's provider of `contract`, or None when no area provides it."""
    app = app or current_app
    return app.extensions.get(_KEY, {}).get(contract)


def need(contract: type[T], app: Flask | None = None) -> T:
    """The app's provider of `contract`; MissingContract names the contract when none is."""
    found = provided(contract, app)
    if found is None:
        raise MissingContract(f"no area provides {contract.__name__} (hotline.contracts): "
                              f"is the area that owns it in hotline.AREAS?")
    return found


def _members(contract: type) -> list[str]:
    return sorted(name for name in vars(contract) if not name.startswith("_"))


# --- tickets ----------------------------------------------------------------------------------

TICKET_PREFIX = "GD"


def ticket_number_from_digits(digits: str) -> str | None:
    """The full ticket number for what a caller typed ("20261124007" -> "GD20261124007").

    A GD number is yyyymmdd + a sequence of at least one digit, so anything shorter than nine
    digits (or with other characters) cannot be one and is refused without a lookup.
    """
    digits = digits.strip()
    if len(digits) < 9 or not digits.isdigit():
        return None
    return TICKET_PREFIX + digits


def ticket_number_spoken(digits: str) -> str | None:
    """The ticket number in digits heard in speech, or None. Stricter than typed digits, since card,
    ID and phone numbers are as long as one: a date of this century (no card or ID number begins
    with 20, no mobile number is a date) and a daily sequence of three to six digits."""
    number = ticket_number_from_digits(digits)
    if number is None or not 11 <= len(digits) <= 14 or not digits.startswith("20"):
        return None
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return number


@dataclass(frozen=True)
class TicketStatus:
    """One ticket as a caller may hear it: nothing private (no names, numbers or notes).

    number: the full ticket number, "GD20261124007".
    status: the machine status ("open", "in_progress", "waiting_customer", "resolved", "closed").
    status_text: that status as a phrase in the caller's language ("正在处理中", "being worked on").
    promised_at: when the caller was promised a response or solution (aware UTC), None when met.
    last_update_at: when the ticket last changed (aware UTC).
    last_update_text: what happened last, in the caller's language, speakable as is
        ("技术部门已完成检测", "our engineers finished the check"); empty when nothing to add.
    """

    number: str
    status: str
    status_text: str
    promised_at: datetime | None
    last_update_at: datetime | None
    last_update_text: str = ""


@runtime_checkable
class TicketStatusBook(Protocol):
    """The IVR's ticket-status self-service. `number` is always the full ticket number ("GD" +
    yyyymmdd + sequence); `language` is "zh-CN" or "en-US" and the texts come back speakable in it."""

    def lookup(self, number: str, language: str) -> TicketStatus | None:
        """The ticket with this full number in `language`, or None when there is no such ticket."""

    def is_owner(self, number: str, caller: str) -> bool:
        """Whether `caller` (Twilio's From, any form) is the phone number of the ticket's customer."""

    def confirms_owner(self, number: str, last_four: str) -> bool:
        """Whether `last_four` are the last four digits of the phone number on the ticket (False when
        the ticket has no customer number)."""


@dataclass(frozen=True)
class CallerFacts:
    """What a call may know of its caller on arrival: enough to greet and to route, nothing more."""

    language: str | None
    title: str | None  # "mr" | "ms"
    surname: str | None
    vip: bool = False


class CallerLookup(Protocol):
    """One number's lookup whose Redis commands ride in the asker's pipeline (one round trip)."""

    def add_to(self, pipe: Any) -> None:
        """Queue the lookup's commands in `pipe` (a redis-py pipeline)."""

    def result(self, replies: list | None) -> CallerFacts | None:
        """The facts from the replies `add_to` queued (None: Redis failed, read the record)."""


@runtime_checkable
class CallerDirectory(Protocol):
    """Do we know this number? Answered from a Redis copy of the customers (the record when the copy
    is incomplete or Redis fails), so a webhook pays a Redis round trip, not a database query."""

    def lookup(self, phone: str) -> CallerLookup:
        """A lookup of `phone` to run in the caller's own pipeline."""

    def facts(self, phone: str) -> CallerFacts | None:
        """The facts about `phone` in a round trip of its own; None for a number we do not know."""


@runtime_checkable
class Salutations(Protocol):
    def salutation(self, title: str | None, surname: str | None, language: str, *,
                   spoken: bool = False) -> str | None:
        """Title and surname, the manuals' form: "王女士" / "Ms Wang", never more. None when it
        cannot be said politely: no title or surname, or (`spoken`) a surname the English voice
        cannot read."""


@dataclass(frozen=True)
class ResolvedTicket:
    id: int
    number: str  # GD + yyyymmdd + sequence
    phone: str  # E.164
    language: str  # zh-CN | en-US
    timezone: str | None  # the customer's IANA zone; None: the call center's
    category: str
    agent_id: int | None  # who resolved it
    resolved_at: datetime
    salutation_zh: str | None = None  # "王女士"
    salutation_en: str | None = None  # "Ms Wang"
    contact_time: str | None = None  # the customer file's preferred contact time, as typed ("09:00-12:00")


@runtime_checkable
class TicketDesk(Protocol):
    """What revisits asks of tickets. Revisits never writes ticket tables: reopening goes through
    here, which raises the priority, records the ticket event and announces ticket_reopened."""

    def resolved_ticket(self, ticket_id: int) -> ResolvedTicket | None:
        """The ticket as resolved, or None if it is unknown, no longer resolved or has no number to call."""

    def reopen_unsolved(self, ticket_id: int, *, note: str) -> None:
        """Reopen with raised priority and an event on the ticket; commits nothing (the caller's job does)."""

    def record_revisit(self, ticket_id: int, *, score: int | None, solved: bool | None, words: str = "",
                       channel: str) -> None:
        """The revisit's answer kept on the ticket (score, solved, the customer's own words); satisfied
        (4-5) and solved closes a resolved ticket. Commits nothing."""

    def record_revisit_rescheduled(self, ticket_id: int, *, due_at: datetime, channel: str) -> None:
        """The customer said now is not a good time: the revisit's next attempt (`channel` call or sms,
        at `due_at`) kept on the ticket. Commits nothing."""


@dataclass(frozen=True)
class CustomerCard:
    """The caller as the screen pop shows them."""

    id: int
    name: str | None
    title: str | None
    surname: str | None
    language: str | None
    customer_number: str | None
    vip: bool
    contact_time: str | None = None  # when they like to be called
    identity_confirmed: bool = False


@runtime_checkable
class CaseFiles(Protocol):
    """What the desk reads of customers and tickets (tickets' own queries, on the desk's session)."""

    def customer(self, session: Any, phone: str) -> CustomerCard | None:
        """The customer with this number, or None."""

    def ticket_of_call(self, session: Any, call_sid: str) -> Any | None:
        """A handle on the ticket the call was filed on (for `card` and `open_tickets`), or None."""

    def open_tickets(self, session: Any, customer_id: int, *, besides: Any | None, limit: int = 5) -> list[Any]:
        """The customer's open tickets, newest first, other than `besides`."""

    def card(self, session: Any, ticket: Any, *, with_notes: bool = False) -> dict[str, Any]:
        """A ticket as the desk shows it (with its latest notes when `with_notes`)."""

    def ticket_numbers(self, session: Any, call_sids: list[str]) -> dict[str, str]:
        """The ticket number each of these calls was filed on."""

    def tickets_resolved(self, session: Any, actor: str, since: datetime) -> int:
        """How many times `actor` ("agent:<id>") resolved a ticket since `since`."""


@dataclass(frozen=True)
class Department:
    """A business department that owns work the hotline hands over (tickets/departments.yaml)."""

    key: str  # "technical", "after-sales": a ticket's `department`
    name_zh: str  # 技术部
    name_en: str  # Technical
    phone: str  # E.164: where a call is transferred to
    sms: str  # E.164: where hand-off notices go; SMS replies from it are recorded on the ticket
    email: str | None = None
    handoff_hours: int = 24  # the hotline passes a request on within this long (24小时内同步至业务部门)
    reply_hours: int = 48  # the department replies within this long of the hand-off (48小时内回复)
    language: str | None = None  # its e-mail's language (zh-CN, en-US); None: the center's

    def name(self, language: str | None) -> str:
        """The department's name in `language` (zh-CN unless en-US)."""
        return self.name_en if language == "en-US" else self.name_zh


@runtime_checkable
class Departments(Protocol):
    """The departments file as the running app sees it (re-read when edited)."""

    def all(self) -> list[Department]:
        """Every department, in the file's order."""

    def get(self, key: str | None) -> Department | None:
        """The department with this key, or None."""


# --- routing ----------------------------------------------------------------------------------

@runtime_checkable
class AgentsOnShift(Protocol):
    def agents_on_shift(self, skill: str, language: str | None = None) -> int:
        """Agents signed in (not offline) who can take `skill` (in `language` when given)."""


QueueEntry = tuple[str, datetime, "datetime | None"]  # (queue, entered, answered)


@dataclass(frozen=True)
class AgentPresence:
    id: int
    name: str
    status: str
    since: datetime
    call_sid: str | None  # the caller's CallSid while offered, live or wrapping up
    queue: str | None
    wrap_up_until: datetime | None
    # The call's queue entry, read once here so the screen pop does not read it again each poll.
    entry: QueueEntry | None = None
    # Where routing rings the agent (client:<identity>, sip: or a number): the desk's softphone
    # answers for a client: address only.
    address: str | None = None


@dataclass(frozen=True)
class HandledCall:
    """One call an agent answered: when talking started and ended, when after-call work ended."""

    answered_at: datetime
    ended_at: datetime | None
    wrap_up_ended_at: datetime | None


@dataclass(frozen=True)
class CallControl:
    """What an agent's call controls show (conference mode): the caller on hold since when, the
    agent muted, and the warm transfer under way, if any."""

    hold: bool
    held_since: datetime | None
    muted: bool  # this agent's microphone
    # {"id", "mode", "status" (consulting, connected), "target_kind", "from_agent_id", "to_agent_id"}
    transfer: dict[str, Any] | None = None


@runtime_checkable
class AgentDesk(Protocol):
    """What the desk reads of routing (read only: the page changes a status through routing's API)."""

    def agent_presence(self, session: Any, agent_id: int) -> AgentPresence | None:
        """The agent, their status and the call they are on; None for no such agent."""

    def queue_entry(self, session: Any, call_sid: str) -> QueueEntry | None:
        """(queue, entered, answered) for a routed call."""

    def handled_calls(self, session: Any, agent_id: int, since: datetime) -> list[HandledCall]:
        """Calls the agent answered since `since`, each with when its after-call work ended."""

    def missed_offers(self, session: Any, agent_id: int, since: datetime) -> int:
        """Offers the agent let ring out since `since`."""

    def agent_names(self, session: Any) -> list[tuple[int, str, str]]:
        """(id, name, status) of every agent, by name (a supervisor choosing whose desk to open)."""

    def call_control(self, session: Any, call_sid: str, agent_id: int) -> CallControl | None:
        """The caller's hold, `agent_id`'s mute and the open warm transfer of a call in a conference;
        None when calls do not meet in conferences (ROUTING_CONFERENCE off): no controls to show."""


# --- ivr --------------------------------------------------------------------------------------

@runtime_checkable
class MenuCalls(Protocol):
    """Calls in the IVR's menu, whose steps are buffered in Redis until they are settled."""

    def settle_call(self, call_sid: str) -> None:
        """Write the call's buffered steps now and announce call_routed if it left for a queue;
        idempotent, and quiet when Redis fails (a sweep settles later)."""

    def take_message(self, language: str, category: str) -> Any:
        """A VoiceResponse asking for a message that becomes a callback ticket."""

    def buffered_call(self, call_sid: str) -> dict | None:
        """The steps of a call still in the menu, or None."""

    def calls_in_menu(self) -> list[dict]:
        """Every call in the menu now (the supervisor's live data)."""

    def choices(self, session: Any, call_sids: list[str]) -> dict[str, str]:
        """The need each call chose in the menu (its category), for the calls that chose one."""


# --- revisits ---------------------------------------------------------------------------------

@runtime_checkable
class SurveyScores(Protocol):
    def satisfaction_scores(self, session: Any, agent_id: int, since: datetime) -> list[int]:
        """Scores (1-5) customers gave in revisits of this agent's resolutions since `since`."""


# --- access -----------------------------------------------------------------------------------

SEES_ALL = frozenset({"admin", "supervisor", "qa"})
# Who reads recordings and transcripts besides admins (the access policy's rule, here because
# `require_role(*MEDIA_READERS)` needs it when a view module is imported, before any app exists).
MEDIA_READERS = ("qa", "supervisor")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a role and, for agents, the routing agent record they are."""

    role: str
    agent_id: int | None = None

    @property
    def sees_all(self) -> bool:
        return self.role in SEES_ALL

    @property
    def is_agent(self) -> bool:
        return self.role == "agent" and self.agent_id is not None


@runtime_checkable
class AccessPolicy(Protocol):
    """Who sees which calls and tickets (docs/security.md), and the access log. Clauses are SQL
    WHERE clauses to add to the asker's query, None when the viewer sees all."""

    def current_viewer(self) -> Viewer:
        """The viewer of this request (`g.principal`)."""

    def may_read_call_sid(self, session: Any, viewer: Viewer, sid: str) -> bool: ...

    def visible_call_sids(self, session: Any, viewer: Viewer, sids: list[str]) -> set[str]: ...

    def call_clause(self, viewer: Viewer) -> Any | None:
        """A WHERE clause on `hotline.models.Call`."""

    def call_sid_clause(self, viewer: Viewer, column: Any) -> Any | None:
        """A WHERE clause on any CallSid column."""

    def may_assign(self, viewer: Viewer, assignee_id: int | None) -> bool: ...

    def may_read_ticket(self, viewer: Viewer, *, assignee_id: int | None, is_open: bool, category: str,
                        queues: frozenset[str]) -> bool:
        """The ticket rule on one ticket's facts (tickets turns it into its own query)."""

    def queues_of(self, session: Any, viewer: Viewer) -> frozenset[str]:
        """The queues whose open, unassigned tickets an agent may see."""

    def record_access(self, session: Any, kind: str, subject: str, detail: str | None = None) -> None:
        """Add a row to the access log in the caller's transaction (the view commits)."""


@runtime_checkable
class AgentWork(Protocol):
    def offered_call_sids(self, agent_id: int) -> Any:
        """A SELECT of every CallSid this agent was offered or took (callers' calls and their own legs)."""

    def agent_queues(self, session: Any, agent_id: int) -> frozenset[str]:
        """The queues whose skill the agent has at any level."""


@runtime_checkable
class CallConversation(Protocol):
    def conversation(self, session: Any, call_sid: str) -> dict[str, Any] | None:
        """A routed call's legs, agent segments (agent, from, to), transfers and its hold, mute and
        monitoring state now (conference mode), for GET /api/calls/<sid>; None if never routed."""


# --- people -----------------------------------------------------------------------------------

@runtime_checkable
class Pages(Protocol):
    """What other areas' pages ask of people: sign-in, where a role lands, the pages' texts."""

    def refusal(self, roles: tuple[str, ...]) -> Any | None:
        """None when the signed-in user holds one of `roles` (admins always) and a state-changing
        request carries the CSRF token (`g.user`, `g.principal` are set); else the response that
        refuses the request (the sign-in page for a person, 401/403 JSON for a script)."""

    def refuse(self, status: int, message: str) -> Any:
        """A refusal in the form the client reads (JSON or a small page)."""

    def register_home_page(self, app: Flask, role: str, endpoint: str) -> None:
        """Where users of `role` land after signing in (the first area to claim a role keeps it)."""

    def add_messages(self, app: Flask, catalog: dict[str, dict[str, str]]) -> None:
        """Add an area's page texts, {language: {key: text}}."""

    def messages(self, language: str) -> dict[str, str]:
        """Every page text in `language`."""

    def translate(self, key: str, language: str | None = None, **values: object) -> str:
        """A page text in `language` (default: the page's), with {placeholders} filled."""

    def page_language(self) -> str:
        """The language this request's page speaks (the user's, the browser's, the default)."""

    def add_nav_link(self, app: Flask, endpoint: str, label_key: str, roles: tuple[str, ...],
                     order: int = 100) -> None:
        """A link of the navigation bar every page shows to users of `roles` (admins see all), by
        `order` then as added; `label_key` a page text (add_messages)."""


# --- recordings, transcription ------------------------------------------------------------------

@dataclass(frozen=True)
class RecordingCard:
    """A recording as a ticket shows it."""

    id: int
    sid: str
    call_sid: str
    status: str  # pending | stored | failed | purged (ours); twilio_status is Twilio's
    twilio_status: str
    duration_seconds: int | None


@runtime_checkable
class CallRecordings(Protocol):
    def recordings_of(self, session: Any, call_sids: list[str]) -> list[RecordingCard]:
        """The recordings of these calls, oldest first (one query)."""


@dataclass(frozen=True)
class RecordingFile:
    """A recording as transcription and the QA pages need it: where its audio stands, not the row."""

    id: int
    sid: str
    call_sid: str
    status: str  # pending | stored | failed | purged
    path: str | None  # relative to RECORDINGS_DIR, as stored
    failure_reason: str | None = None


class AudioUnreadable(Exception):
    """A stored recording's audio cannot be read (its path leaves RECORDINGS_DIR, or the file is gone).
    The message says so for a person (it becomes a failed transcript's reason)."""


@runtime_checkable
class RecordingAudio(Protocol):
    """What transcription asks of recordings: which recordings are stored, their bytes, and the QA
    page's audio (served as the recordings API serves it: Range, the access log)."""

    def recording(self, session: Any, recording_id: int) -> RecordingFile | None:
        """The recording with this id, or None."""

    def recording_of_call(self, session: Any, call_sid: str) -> RecordingFile | None:
        """The call's recording a reviewer hears: the stored agent leg (dual channel) recorded last."""

    def audio(self, recording: RecordingFile) -> bytes:
        """The stored WAV file's bytes; AudioUnreadable when it cannot be read."""

    def audio_response(self, call_sid: str) -> Any:
        """The call's audio as an HTTP response (206 for a Range); raises `hotline.api.errors.ApiError`
        (404 none, 409 not downloaded yet, 410 failed, purged or missing from disk)."""

    def stored_recording_ids(self, unless: Callable[[Any], Any] | None = None) -> Any:
        """A SELECT of the ids of stored recordings, lowest first, leaving out each one for which
        `unless(recording_id_column)` holds (the asker's NOT EXISTS on its own table): one statement,
        and the asker never names the recordings table."""


@dataclass(frozen=True)
class TranscriptCard:
    recording_id: int | None
    call_sid: str
    status: str  # queued | running | done | failed
    language: str | None
    score: float | None


@runtime_checkable
class CallTranscripts(Protocol):
    def transcripts_of(self, session: Any, call_sids: list[str]) -> list[TranscriptCard]:
        """The transcripts of these calls' recordings (one query)."""


@dataclass(frozen=True)
class AssistRules:
    """What live agent assist listens for in one language, from the QA rules file: phrases per
    keyword category (complaint, escalation...), the greeting's phrases and its window."""

    keywords: dict[str, tuple[str, ...]]
    greeting: tuple[str, ...]
    greeting_seconds: float


@runtime_checkable
class LiveSpeech(Protocol):
    """What the live media service (live/) needs of transcription: the same models, phrase matching
    and redaction the recordings' transcripts use, so a call's live words and its QA agree."""

    def model_path(self, language: str | None) -> Any:
        """The Vosk model directory of `language` (VOSK_MODELS, installed models, VOSK_MODEL_PATH);
        raises an error naming the setting to fix when there is none."""

    def load_model(self, path: Any) -> Any:
        """The loaded Vosk model at `path`, once per process."""

    def recogniser(self, model: Any, sample_rate: int) -> Any:
        """A new Vosk recogniser of `model` with word times (vosk.KaldiRecognizer)."""

    def assist_rules(self, language: str | None) -> AssistRules:
        """The QA rules file's phrases in `language` (read through its LiveFile: edits apply)."""

    def heard(self, turn: dict[str, Any], phrases: tuple[str, ...], language: str | None) -> str | None:
        """The first of `phrases` said in `turn` ({speaker, start, end, text, words}), or None."""

    def redact(self, turn: dict[str, Any], language: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """`turn` with spoken card, ID and phone numbers replaced by their labels, and what was found."""

    def numbers(self, turn: dict[str, Any], language: str | None) -> list[str]:
        """Each run of number words said in `turn`, written as digits ("二零二六 幺幺" -> "202611"), read
        before redaction hides them (a ticket number spoken is looked for here)."""



@dataclass(frozen=True)
class LiveCoverage:
    """A call's live transcript, from a stream that ended with Twilio's `stop` with both tracks."""
    turns: tuple[dict[str, Any], ...]  # the final phrases as transcription's turns (redacted live)
    seconds: float  # audio streamed per track: what the stream covered of the call
    # (start, end) seconds, on the stream's clock, where either track lost frames (heard as silence)
    gaps: tuple[tuple[float, float], ...] = ()


@runtime_checkable
class LiveTranscripts(Protocol):
    """What transcription asks of live: whether a call's stream already transcribed it, so the
    recording is not decoded a second time."""

    def covering(self, call_sid: str) -> LiveCoverage | None:
        """The call's live transcript if its stream ended cleanly with both tracks, with where frames
        were lost; else None."""

# --- messaging --------------------------------------------------------------------------------

SMS_UNSUBSCRIBED = 21610  # Twilio's error: the recipient texted STOP to our number


class TextMessage(Protocol):
    """An SMS as messaging keeps it (a row of `sms_messages`): other areas read it, never write it."""

    id: int
    sid: str | None
    direction: str  # outbound | inbound
    status: str  # pending | queued | sent | delivered | failed | suppressed | received ...
    purpose: str | None
    area: str | None
    from_number: str | None
    to_number: str | None
    body: str
    error_code: str | None


@runtime_checkable
class Messaging(Protocol):
    """Every SMS through one outbox (docs/messaging.md); the do-not-contact list; outbound pacing."""

    def send_sms(self, purpose: str, to: str, body: str, *, area: str, session: Any = None, once: bool = False,
                 check_consent: bool = True) -> TextMessage | None:
        """Store one pending message in the caller's transaction (None: `to` is on the do-not-contact
        list); a worker sends it, paced, after the caller commits."""

    def register(self, app: Flask, area: str, *, on_reply: Any = None, on_outcome: Any = None,
                 on_opt_out: Any = None) -> None:
        """How `area` hears of its messages: on_outcome(session, message) once a message leaves
        pending; on_reply(session, reply, replying_to); on_opt_out(session, phone, source)."""

    def is_opted_out(self, session: Any, phone: str) -> bool: ...

    def may_contact(self, phone: str) -> bool:
        """Not on the do-not-contact list (a fresh transaction)."""

    def outbound_bucket(self, connection: Any, channel: str, rate: float) -> Any:
        """The fleet-wide token bucket of `channel` ("sms", "calls"): `.take()` waits for a slot."""


# --- KPIs (asked by supervision) ----------------------------------------------------------------
# Each area counts its own figures in SQL and hands back counts, never rates: the supervisor's
# center adds them across groups and periods and divides once (docs/supervision.md).

KPI_GROUPS = ("center", "queue", "agent")


@dataclass(frozen=True)
class KpiScope:
    """Which rows a KPI query counts and how it groups them.

    start, end: [start, end) in aware UTC. by: None (the whole range, one row per group) or a
    local period of `zone` (day | week | month, grouped by `hotline.sql_periods.local_periods`).
    group: center (one row), queue (an area's queue: routing's queue, a ticket's or revisit's
    category, the queue of a transcribed call) or agent (routing's agent id). queue, agent_id:
    filters.
    """

    start: datetime
    end: datetime
    zone: str
    by: str | None = None
    group: str = "center"
    queue: str | None = None
    agent_id: int | None = None


@dataclass(frozen=True)
class KpiCounts:
    """One group's counts: `period` the local period's label (None when the scope has no `by`),
    `key` the queue name or agent id (None for the center, or rows that have none, such as calls
    abandoned before any agent), `counts` named sums (what each name counts: docs/supervision.md)."""

    period: str | None
    key: str | int | None
    counts: dict[str, float]


@runtime_checkable
class CallKpis(Protocol):
    def call_counts(self, session: Any, scope: KpiScope, threshold_seconds: float) -> list[KpiCounts]:
        """Callers who entered a queue in the scope (offered, answered, abandoned, short abandons,
        answered within `threshold_seconds`, waits, talk and wrap-up seconds)."""


@runtime_checkable
class TicketKpis(Protocol):
    def ticket_counts(self, session: Any, scope: KpiScope, repeat_days: int) -> list[KpiCounts]:
        """Tickets opened in the scope: first-contact resolution (no repeat on the same problem
        within `repeat_days`), complaints, SLA clocks per priority."""


@runtime_checkable
class RevisitKpis(Protocol):
    def revisit_counts(self, session: Any, scope: KpiScope) -> list[KpiCounts]:
        """Satisfaction of revisits completed in the scope, closure of resolutions in it."""


@runtime_checkable
class QaKpis(Protocol):
    def qa_counts(self, session: Any, scope: KpiScope) -> list[KpiCounts]:
        """Automatic QA scores of calls transcribed in the scope, reviewers' scores given in it."""


@dataclass(frozen=True)
class Arrivals:
    """Callers who entered `queue` in the half hour starting at `slot` (aware UTC)."""

    queue: str
    slot: datetime
    calls: int


@runtime_checkable
class StaffingRecords(Protocol):
    def arrivals(self, session: Any, ranges: list[tuple[datetime, datetime]], queue: str | None = None) -> list[Arrivals]:
        """Callers per queue and UTC half hour entering within any of `ranges` (one query)."""

    def queue_names(self) -> list[str]:
        """The queues of the queue rules."""

    def signed_in(self, session: Any) -> dict[str, int]:
        """Per queue, the agents signed in now (any status but offline) who have its skill."""


@dataclass(frozen=True)
class WaitingCaller:
    """A caller in a queue's line now: `entered_at` aware UTC, `priority` as routing ranks it."""

    sid: str
    queue: str
    language: str
    priority: int
    entered_at: datetime


@dataclass(frozen=True)
class FloorAgent:
    """An agent as the floor sees them now: live `status` since `since` (aware UTC, None if never
    changed), and the CallSid they hold (reserved, on a call or wrapping up) with its queue."""

    id: int
    name: str
    status: str
    since: datetime | None
    skills: dict[str, int]
    languages: tuple[str, ...]
    call_sid: str | None = None
    call_queue: str | None = None


@dataclass(frozen=True)
class HalfHourCounts:
    """Callers who entered `queue` in the half hour starting at `slot` (aware UTC) and how it went."""

    queue: str
    slot: datetime
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    answered_in_threshold: int
    waiting: int  # neither answered nor given up yet

    def counts(self) -> dict[str, float]:
        """As CallKpis names them (docs/supervision.md), for the KPI pack's figures."""
        return {"offered": self.offered, "answered": self.answered, "abandoned": self.abandoned,
                "short_abandoned": self.short_abandoned, "answered_in_threshold": self.answered_in_threshold,
                "waiting": self.waiting}


@dataclass(frozen=True)
class FloorNow:
    """The live line and the agents, read together (a supervisor's poll: a fixed few Redis round
    trips whatever the agents and callers)."""

    callers: list[WaitingCaller]  # the longest waiting first
    agents: list[FloorAgent]  # by name


@runtime_checkable
class CallFloor(Protocol):
    def floor_now(self, session: Any) -> FloorNow:
        """Every caller waiting in a queue now and every agent with their live status."""

    def half_hours(self, session: Any, start: datetime, end: datetime,
                   threshold_seconds: float) -> list[HalfHourCounts]:
        """Per queue and UTC half hour, callers entering in [start, end) (one grouped query)."""

    def status_seconds(self, session: Any, start: datetime, end: datetime) -> dict[int, dict[str, float]]:
        """Per agent, seconds spent in each status within [start, end) (from the status history)."""

    def missed_offers(self, session: Any, start: datetime, end: datetime) -> dict[int, int]:
        """Per agent, offers made in [start, end) that rang out."""

    def queue_skills(self) -> dict[str, str]:
        """Each queue of the queue rules and the skill it needs, in the rules' order."""


# --- events -----------------------------------------------------------------------------------
# What one area announces and others act on. An event is a frozen dataclass; a handler takes the
# event, runs in the publisher's request or job, on its database session, and must be quick (slow
# work goes into an RQ job). Events about changed data are published after the change is committed
# (`publish_after_commit`): a rollback, or the rollback of the savepoint it was published in,
# announces nothing. A handler that writes owns its transaction, as a job does (the follow-up runner
# of `hotline.db.after_commit` commits it, or rolls it back if the handler raises).

@dataclass(frozen=True)
class CallRouted:
    """The IVR sent a caller to a queue of `category`; tickets files the call (a new ticket or the
    caller's open one). Published once the IVR has committed the call's path (a job right after the
    exit, or routing first). `priority` is the queue priority (1-10) the menu gave."""

    call_sid: str
    category: str
    priority: Any = None
    language: str | None = None
    ticket_number: str | None = None


@dataclass(frozen=True)
class CallAnswered:
    """An agent leg was answered."""

    call_sid: str
    agent_id: int | None = None


@dataclass(frozen=True)
class CallEnded:
    """A call reached a final status (hotline.voice; replayed until every handler took it)."""

    call_sid: str
    status: str


@dataclass(frozen=True)
class ConversationOver:
    """An answered conversation ended; `hung_up_first` is "caller" or "agent" (the manuals: wait for
    the customer to hang up first)."""

    call_sid: str
    agent_id: int | None
    hung_up_first: str | None


@dataclass(frozen=True)
class RecordingsListed:
    """Twilio's list of a finished call's recordings (`hotline.gateway.RecordingState` each), read by
    the reconciliation sweep (hotline.reconcile); recordings keeps the ones no callback reported and
    its handler returns how many were new (`publish` returns the handlers' results)."""

    call_sid: str
    recordings: tuple[Any, ...]


@dataclass(frozen=True)
class RecordingCompleted:
    """A recording is stored locally; transcription starts."""

    recording_id: int


@dataclass(frozen=True)
class TranscriptReady:
    """A transcript is done. `keywords` maps each QA keyword category heard (complaint,
    escalation...) to its phrases, e.g. {"escalation": ["律师"]}."""

    call_sid: str
    transcript_id: int | None
    keywords: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""  # the words said, turn after turn without speakers, redacted as the transcript is kept


@dataclass(frozen=True)
class TicketCreated:
    ticket_id: int


@dataclass(frozen=True)
class TicketResolved:
    ticket_id: int


@dataclass(frozen=True)
class TicketReopened:
    ticket_id: int


@dataclass(frozen=True)
class VoicemailLeft:
    """An after-hours message, to become a ticket of the category and queue priority (1-10) the caller
    chose (None when unknown)."""

    call_sid: str
    recording_sid: str = ""
    language: str | None = None
    category: str | None = None
    priority: Any = None


@dataclass(frozen=True)
class SmsReceived:
    """An inbound SMS was stored and handled by messaging (replies reach their area through
    `Messaging.register`, not this event)."""

    message_id: int
    from_number: str
    body: str


EVENTS = (CallRouted, CallAnswered, CallEnded, ConversationOver, RecordingsListed, RecordingCompleted,
          TranscriptReady, TicketCreated, TicketResolved, TicketReopened, VoicemailLeft, SmsReceived)

_HANDLERS = "hotline.events"
E = TypeVar("E")


def subscribe(event_type: type[E], handler: Callable[[E], Any], app: Flask | None = None) -> Callable[[E], Any]:
    """Have `handler(event)` called for each `event_type` this app publishes, in subscription order.

    Subscriptions belong to the app (its `extensions`), so apps built side by side (tests) never
    hear each other's events; subscribing the same handler twice is one subscription."""
    if event_type not in EVENTS:
        raise TypeError(f"{getattr(event_type, '__name__', event_type)!r} is not an event of hotline.contracts")
    handlers = (app or current_app).extensions.setdefault(_HANDLERS, {}).setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)
    return handler


def unsubscribe(event_type: type, handler: Callable[[Any], Any], app: Flask | None = None) -> None:
    handlers = (app or current_app).extensions.get(_HANDLERS, {}).get(event_type, [])
    if handler in handlers:
        handlers.remove(handler)


def publish(event: Any, app: Flask | None = None) -> list[Any]:
    """Call this app's handlers of `event` now, in order; returns their results. A handler that
    raises stops the rest and the error propagates to the publisher."""
    if type(event) not in EVENTS:
        raise TypeError(f"{type(event).__name__} is not an event of hotline.contracts")
    handlers = list((app or current_app).extensions.get(_HANDLERS, {}).get(type(event), ()))
    return [handler(event) for handler in handlers]


def publish_after_commit(event: Any, session: Any = None) -> None:
    """Publish `event` once the current transaction of `session` (the app context's by default)
    commits; never if it, or the savepoint this is called in, is rolled back."""
    if type(event) not in EVENTS:
        raise TypeError(f"{type(event).__name__} is not an event of hotline.contracts")
    db.after_commit(publish, event, current_app._get_current_object(), session=session)
