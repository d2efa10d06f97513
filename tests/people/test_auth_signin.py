"""Signing in and out through the real form: cookies, CSRF, lock-out, redirects, ended sessions."""
import pytest
from flask import Blueprint
from hypothesis import given, settings as hypothesis_settings, strategies as st

from people import login_required
from tests.conftest import PASSWORD, page_token, sign_in


def test_signin_sets_an_httponly_samesite_cookie_and_lands_on_the_role_s_home_page(people, client):
    people.add("li.na", role="qa")
    response = sign_in(client, "li.na")
    assert response.status_code == 302 and response.headers["Location"] == "/qa/"  # transcription's claim
    cookie = response.headers["Set-Cookie"]
    assert "hotline_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Li.Na" in client.get("/account").get_data(as_text=True)


def test_login_is_case_insensitive_and_next_is_followed(people, client):
    people.add("li.na", role="qa")
    assert sign_in(client, "LI.NA", next_="/account?x=1").headers["Location"] == "/account?x=1"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_next_never_leaves_the_site(people, client, target):
    people.add("li.na", role="qa")
    assert sign_in(client, "li.na", next_=target).headers["Location"] == "/qa/"


def test_wrong_password_and_unknown_login_get_the_same_answer(people, client):
    people.add("li.na", role="qa")
    wrong = sign_in(client, "li.na", "not the password")
    unknown = sign_in(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "账号或密码错误" in wrong.get_data(as_text=True) and "账号或密码错误" in unknown.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_signin_without_the_csrf_token_is_refused(people, client):
    people.add("li.na", role="qa")
    client.get("/signin")
    response = client.post("/signin", data={"login": "li.na", "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/account").status_code == 302


def test_a_post_from_another_site_is_refused_even_with_a_token(people, client):
    people.add("li.na", role="qa")
    sign_in(client, "li.na")
    response = client.post("/account/language", data={"language": "en-US", "csrf_token": page_token(client)},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and "another site" in response.get_data(as_text=True)


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(people, client, clock):
    people.add("li.na", role="qa")
    for _ in range(4):
        assert "账号或密码错误" in sign_in(client, "li.na", "guess guess guess").get_data(as_text=True)
    assert "15分钟" in sign_in(client, "li.na", "guess guess guess").get_data(as_text=True)
    locked = sign_in(client, "li.na")  # the right password is refused while locked
    assert locked.status_code == 401 and "15分钟" in locked.get_data(as_text=True)
    clock.advance(minutes=10)
    assert "5分钟" in sign_in(client, "li.na").get_data(as_text=True)
    clock.advance(minutes=5)
    assert sign_in(client, "li.na").status_code == 302


def test_unknown_logins_lock_like_real_ones(client, settings):
    for _ in range(settings.signin_max_attempts - 1):
        assert "账号或密码错误" in sign_in(client, "ghost", "guess guess guess").get_data(as_text=True)
    assert "分钟后再试" in sign_in(client, "ghost", "guess guess guess").get_data(as_text=True)


def test_an_admin_unlocks(people, client, api):
    people.add("li.na", role="qa")
    for _ in range(5):
        sign_in(client, "li.na", "guess guess guess")
    assert api.patch("/api/users/li.na", {"unlock": True}).status_code == 200
    assert sign_in(client, "li.na").status_code == 302


def test_signout_needs_the_token_and_ends_the_session_everywhere(people, app):
    people.add("li.na", role="qa")
    desk, laptop = app.test_client(), app.test_client()
    sign_in(desk, "li.na")
    sign_in(laptop, "li.na")
    assert desk.post("/signout").status_code == 403
    assert desk.post("/signout", data={"csrf_token": page_token(desk)}).headers["Location"] == "/signin"
    assert desk.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 302  # a copied cookie is worthless now


def test_a_new_password_ends_old_sessions(people, client, api):
    people.add("li.na", role="qa")
    sign_in(client, "li.na")
    assert api.patch("/api/users/li.na", {"password": "another long one"}).status_code == 200
    assert client.get("/account").status_code == 302
    assert sign_in(client, "li.na", "another long one").status_code == 302


def test_language_choice_is_kept_on_the_user(people, client):
    people.add("li.na", role="qa")
    sign_in(client, "li.na")
    client.post("/account/language", data={"language": "en-US", "csrf_token": page_token(client)})
    assert "Sign out" in client.get("/account").get_data(as_text=True)


@pytest.fixture
def guarded_app(app):
    """A page per role guard, registered the way areas register theirs."""
    pages = Blueprint("guarded", __name__)

    @pages.route("/test-qa-page", methods=["GET", "POST"])
    @login_required("qa", "supervisor")
    def qa_page():
        return "qa page"

    app.register_blueprint(pages)
    return app


@pytest.mark.parametrize("role,status", [("agent", 403), ("qa", 200), ("supervisor", 200), ("admin", 200)])
def test_login_required_lets_only_its_roles_in(guarded_app, people, role, status):
    people.add("someone", role=role, agent_id=7 if role == "agent" else None)
    client = guarded_app.test_client()
    sign_in(client, "someone")
    assert client.get("/test-qa-page").status_code == status


def test_login_required_sends_strangers_to_sign_in_and_scripts_get_401(guarded_app):
    client = guarded_app.test_client()
    response = client.get("/test-qa-page?x=1")
    assert response.status_code == 302 and response.headers["Location"] == "/signin?next=/test-qa-page?x%3D1"
    assert client.get("/test-qa-page", headers={"Accept": "application/json"}).status_code == 401


def test_login_required_refuses_posts_without_the_token(guarded_app, people):
    people.add("lead", role="supervisor")
    client = guarded_app.test_client()
    sign_in(client, "lead")
    assert client.post("/test-qa-page").status_code == 403
    assert client.post("/test-qa-page", headers={"X-CSRF-Token": page_token(client)}).status_code == 200


def test_page_scripts_use_the_api_with_the_session_and_the_csrf_header(people, client):
    people.add("boss", role="admin")
    sign_in(client, "boss")
    assert client.get("/api/users").status_code == 200
    body = {"login": "zhao.lei", "name": "赵磊", "password": "a long passphrase", "role": "qa"}
    refused = client.post("/api/users", json=body)
    assert refused.status_code == 403 and "security token" in refused.get_json()["error"]
    created = client.post("/api/users", json=body, headers={"X-CSRF-Token": page_token(client)})
    assert created.status_code == 201


def test_a_session_gives_no_more_than_its_role_on_the_api(people, client):
    people.add("agent7", role="agent", agent_id=7)
    sign_in(client, "agent7")
    assert client.get("/api/users").status_code == 403


@pytest.mark.parametrize("role,principal_role", [("qa", "qa"), ("agent", None), ("admin", "admin")])
def test_page_principal_for_pages_that_ask_in_one_place(guarded_app, people, role, principal_role):
    from people import page_principal

    people.add("someone", role=role, agent_id=7 if role == "agent" else None)
    client = guarded_app.test_client()
    sign_in(client, "someone")
    with client.application.test_request_context():
        from flask import session

        with client.session_transaction() as stored:
            session.update(stored)
        found = page_principal("qa", "supervisor")
        assert (found.role if found else None) == principal_role


def test_pages_cannot_be_framed_or_cached_after_sign_in(people, client):
    people.add("li.na", role="qa")
    signin = client.get("/signin")
    assert signin.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in signin.headers[
        "Content-Security-Policy"]
    sign_in(client, "li.na")
    assert client.get("/account").headers["Cache-Control"] == "no-store"


UNSAFE_NEXT = ["https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "///evil.example",
               "/\r\nSet-Cookie: hotline_session=x", "/account\r\n", "/\n/evil.example", "/\t/evil.example",
               "/\x7f", " //evil.example", "http:/evil.example", "https:evil.example",
               "javascript:alert(1)", "evil.example", "account", "/%0d%0aSet-Cookie:x=y\r", "/\u2028/evil"]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_an_unsafe_next_falls_back_to_the_home_page_and_never_errs(people, client, target):
    people.add("li.na", role="qa")
    signin_page = client.get("/signin", query_string={"next": target})
    assert signin_page.status_code == 200
    assert sign_in(client, "li.na", next_=target).headers["Location"] == "/qa/"
    # Signed in already: the sign-in page sends the user on, and the language switch comes back.
    again = client.get("/signin", query_string={"next": target})
    assert again.status_code == 302 and again.headers["Location"] == "/qa/"
    switched = client.post("/account/language", data={"language": "en-US", "csrf_token": page_token(client),
                                                      "next": target})
    assert switched.status_code == 302 and switched.headers["Location"] == "/account"


def test_a_nul_byte_in_next_is_refused_before_any_page_naming_the_field(people, client):
    # The request guard refuses NUL bytes anywhere (docs/DEVELOPING.md, Input limits): a 400, never a 500.
    refused = client.get("/signin", query_string={"next": "/\x00"})
    assert refused.status_code == 400 and "next" in refused.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/account", "/account?x=1&y=%0d%0a", "/qa/?q=%E4%BD%A0", "/desk#notes",
                                    "/account?next=//evil.example"])
def test_a_same_site_next_is_followed(people, client, target):
    people.add("li.na", role="qa")
    assert sign_in(client, "li.na", next_=target).headers["Location"] == target


URL_TEXT = st.text(alphabet=st.sampled_from("/\\:.@?#%ab \t\r\n\x00\x0b\u2028\u3000中") | st.characters(), max_size=12)


@hypothesis_settings(max_examples=400, deadline=None)
@given(URL_TEXT | URL_TEXT.map(lambda rest: "/" + rest))
def test_whatever_next_says_the_redirect_stays_on_the_site(target):
    from urllib.parse import urljoin, urlsplit

    from werkzeug.datastructures import Headers
    from werkzeug.urls import iri_to_uri

    from people.guards import safe_next

    followed = safe_next(target)
    if followed is not None:
        assert followed == target
        # What a browser does (WHATWG URL): trim C0 controls and spaces, drop tabs and newlines
        # anywhere, read backslashes as slashes, then resolve against the page.
        as_browser = followed.strip("".join(map(chr, range(0x21)))).replace("\t", "").replace("\n", "")
        as_browser = as_browser.replace("\r", "").replace("\\", "/")
        assert urlsplit(urljoin("https://hotline.example/desk", as_browser)).netloc == "hotline.example"
        Headers().add("Location", followed)  # werkzeug sends it (no CR/LF: no header injection)
        iri_to_uri(followed).encode("ascii")
