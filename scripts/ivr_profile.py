"""cProfile the IVR webhooks' request path: Python function calls per request, which the machine's load
does not change (wall time does). Scripted calls walk bench/ivr_webhooks.py's menu paths through
`app.wsgi_app` (request building and the signature's computation stay outside the profile):

    ROOT=$PWD PYTHONPATH=$PWD REDIS_URL=redis://127.0.0.1:6379/<db> python scripts/ivr_profile.py

CALLS (40) scripted calls after 16 warm-up ones; SORT/TOP for the table; CALLERS=name,... for who
calls a function; BYFILE=file|func for calls per request grouped. The first line is the figure.
"""
import cProfile, os, pstats, random, re, sys, tempfile, io
from pathlib import Path
from werkzeug.test import EnvironBuilder
from twilio.request_validator import RequestValidator

ROOT = Path(os.environ.get("ROOT", "."))
sys.path.insert(0, str(ROOT))
TOKEN = "bench-auth-token-0000"
PATHS = [["1", "3"], ["2", "1"], ["1", "5", "2"], ["2", "9", "4"], ["1", "*", "0"], ["2", "5", "#", "2"],
         ["1", "", "2"], ["2", "0"]]
ACTION = re.compile(r'<Gather[^>]* action="([^"]+)"')
REDIRECT = re.compile(r"<Redirect[^>]*>([^<]+)</Redirect>")
workdir = Path(tempfile.mkdtemp(prefix="ivrprof-"))
database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'h.sqlite3'}"
from hotline.migrate import upgrade
from hotline.settings import Settings
upgrade(Settings.from_env({"DATABASE_URL": database_url}, dotenv=Path("/nonexistent")).database_url)
base = "http://127.0.0.1:5999"
env = {"DATABASE_URL": database_url, "TELEPHONY": "sandbox", "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": base,
       "HOTLINE_INSTANCE_DIR": str(workdir), "LOG_LEVEL": "warning"}
if os.environ.get("REDIS_URL"):
    env["REDIS_URL"] = os.environ["REDIS_URL"]
os.environ.update(env)
from hotline import create_app
app = create_app(Settings.from_env(dotenv=Path("/nonexistent")))
with app.app_context():
    from tickets.directory import rebuild
    rebuild()
validator = RequestValidator(TOKEN)
random.seed(7)

def post(path, params):
    url = base + path
    b = EnvironBuilder(path=path, base_url=base, method="POST", data=params,
                       headers={"X-Twilio-Signature": validator.compute_signature(url, params)})
    environ = b.get_environ()
    out = {}
    def start_response(status, headers, exc_info=None):
        out["status"] = status
    return environ, out, start_response

def run(calls, profile=None):
    n = 0
    for i in range(calls):
        sid = f"CA{random.getrandbits(128):032x}"
        number = f"+86{i % 10:d}{random.randrange(10 ** 9):09d}"
        p = lambda **extra: {"AccountSid": "AC" + "0" * 32, "CallSid": sid, "CallStatus": "in-progress",
                             "Direction": "inbound", "From": number, "To": "+861095555", **extra}
        steps = [("/voice/incoming", p(CallStatus="ringing"))]
        body = None
        path_keys = PATHS[i % len(PATHS)]
        for k in [None] + path_keys:
            if k is None:
                path, params = "/voice/incoming", p(CallStatus="ringing")
            else:
                gather, redirect = ACTION.search(body), REDIRECT.search(body)
                if gather is None and redirect is None:
                    break
                if k == "":
                    path, params = (redirect or gather).group(1).replace("&amp;", "&"), p()
                else:
                    path, params = (gather or redirect).group(1).replace("&amp;", "&"), p(Digits=k)
                path = path.replace(base, "")
            environ, out, sr = post(path, params)
            if profile: profile.enable()
            chunks = app.wsgi_app(environ, sr)
            data = b"".join(chunks)
            if hasattr(chunks, "close"): chunks.close()
            if profile: profile.disable()
            assert out["status"].startswith("200"), (path, out, data[:300])
            body = data.decode()
            n += 1
    return n

run(16)  # warm
prof = cProfile.Profile()
n = run(int(os.environ.get("CALLS", "40")), prof)
stats = pstats.Stats(prof)
print(f"requests {n}; function calls {stats.total_calls}; per request {stats.total_calls / n:.0f}; primitive {stats.prim_calls / n:.0f}")
s = io.StringIO()
pstats.Stats(prof, stream=s).sort_stats(os.environ.get("SORT", "tottime")).print_stats(int(os.environ.get("TOP", "45")))
print(s.getvalue())
if os.environ.get("CALLERS"):
    s = io.StringIO()
    st = pstats.Stats(prof, stream=s)
    for name in os.environ["CALLERS"].split(","):
        st.print_callers(name)
    print(s.getvalue())
if os.environ.get("BYFILE"):
    from collections import Counter
    c = Counter()
    for (fn, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
        key = fn.replace("/work/main/.venv/lib/python3.11/site-packages/", "").replace(str(ROOT) + "/", "")
        if fn.startswith("~"): key = name
        c[key if os.environ["BYFILE"] == "file" else f"{key}:{line}({name})"] += nc
    for k, v in c.most_common(int(os.environ.get("TOPF", "60"))):
        print(f"{v / n:8.1f}  {k}")
