"""The TwiML the IVR answers with: prompts in the caller's language inside a Gather, and what
follows a Gather so that silence is handled (Twilio does not call the action on silence)."""
from __future__ import annotations

from typing import Callable

from flask import current_app, request, url_for
from twilio.twiml.voice_response import VoiceResponse

from hotline.twiml import say_kwargs
from ivr.choice import hints
from ivr.menu import MenuTree, Texts, text_in
from ivr.speaking import fill
from ivr.state import MenuState

# Twilio's speech recognition names Mandarin differently from the <Say> voices.
GATHER_LANGUAGES = {"zh-CN": "cmn-Hans-CN", "en-US": "en-US"}
MENU_TIMEOUT_SECONDS = 6
RENDERED_MAX = 4096
Spoken = list[tuple[str, str]]  # (text, language)


def company(language: str) -> str:
    settings = current_app.config["HOTLINE_SETTINGS"]
    return settings.company_name if language == "zh-CN" else settings.company_name_en


def voiced(tree: MenuTree, texts: Texts, language: str, **values: str) -> Spoken:
    """`texts` in the caller's language, or in every language while we do not know theirs."""
    languages = [language] if language else list(tree.languages)
    return [(fill(text_in(texts, lang), company=company(lang), **values), lang) for lang in languages]


def phrase(tree: MenuTree, name: str, language: str, **values: str) -> Spoken:
    return voiced(tree, tree.phrases.get(name, {}), language, **values)


def say_all(target, spoken: Spoken) -> None:
    for text, language in spoken:
        target.say(text, **say_kwargs(language))


def gather_language(language: str) -> str:
    default = current_app.config["HOTLINE_SETTINGS"].default_language
    return GATHER_LANGUAGES.get(language or default, GATHER_LANGUAGES["zh-CN"])


def ask_menu(tree: MenuTree, state: MenuState, lead: Spoken | None = None) -> VoiceResponse:
    """The node's prompt inside a Gather for one key or a few words; silence falls through to a
    Redirect to the same action, which counts it as a miss."""
    node = tree.nodes[state.node]
    response = VoiceResponse()
    action = url_for("ivr.choose_option", **state.query())
    gather = response.gather(input="dtmf speech", num_digits=1, finish_on_key="", timeout=MENU_TIMEOUT_SECONDS,
                             speech_timeout="auto", action=action, method="POST",
                             language=gather_language(state.language), hints=hints(node, state.language))
    say_all(gather, (lead or []) + voiced(tree, node.prompt, state.language))
    response.redirect(action, method="POST")
    return response


# The IVR's answers depend only on the tree, the caller's place in it and what leads the prompt
# (plus the app's settings and URL root), so each is made with the twilio library once per process
# and served as a string afterwards: building and serialising the XML was most of a key press's time.
_rendered: dict[tuple, tuple[MenuTree, object, str]] = {}


def rendered(tree: MenuTree, key: tuple, build: Callable[[], VoiceResponse]) -> str:
    """The TwiML `build()` makes, from a per-process cache under `key` (for this tree and app)."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    full_key = (id(tree), id(settings), request.script_root, *key)
    hit = _rendered.get(full_key)
    if hit is not None and hit[0] is tree and hit[1] is settings:  # ids are reused after a reload
        return hit[2]
    xml = str(build())
    if len(_rendered) >= RENDERED_MAX:  # greetings by name make keys without end: start afresh
        _rendered.clear()
    _rendered[full_key] = (tree, settings, xml)
    return xml


def menu_twiml(tree: MenuTree, state: MenuState, lead: Spoken | None = None) -> str:
    """`ask_menu` as a TwiML string, from the cache."""
    return rendered(tree, ("menu", state, tuple(lead or ())), lambda: ask_menu(tree, state, lead))
