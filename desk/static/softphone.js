// The desk's softphone: the offered call rings in the page (Answer / Decline), and a live one can be
// hung up, with a talk timer. Two engines behind the same buttons (data-mode on the softphone box):
//  - "twilio": Twilio's Voice JavaScript SDK (vendor/twilio-voice, served by hotline), registered with
//    an access token from POST /api/softphone/token (the agent's own identity), renewed before expiry;
//  - "sandbox": no Twilio account: the same buttons ask the sandbox to answer, decline or hang up the
//    agent's own leg (POST /api/softphone/<action>), and a box says a line of test text into the call.
// Either way, leaving the page during a call ends the agent's leg, as a browser phone's does; routing
// then takes the caller back to the head of the line (never a hang-up).
window.hotline = window.hotline || {};
hotline.softphone = (root, {t, own, serverNow}) => {
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const box = $("softphone");
  let mode = own ? box.dataset.mode : "off";
  let phase = null, since = null, device = null, incoming = null, active = null, endable = null;
  const clock = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  const say = (key, values) => { $("sp-status").textContent = key ? t(key, values) : ""; };
  const fail = (e) => {
    $("sp-error").textContent = !e ? "" : e.status === 409 ? t("sp.nothing") : t("desk.error", {e: e.message});
  };
  const send = (action, body = {}, extra = {}) =>
    hotline.fetchJSON(`/api/softphone/${action}`, Object.assign({method: "POST", body}, extra));

  // --- Twilio: the SDK's Device rings, and its Call is answered and hung up in the browser ---
  async function startTwilio() {
    let grant;
    try { grant = await send("token"); }
    catch (e) { mode = "off"; $("sp-fallback").hidden = false; render(); return; }
    device = new Twilio.Device(grant.token, {closeProtection: true});
    device.on("incoming", (call) => {
      incoming = call;
      const gone = () => { if (incoming === call) incoming = null; if (active === call) active = null; render(); };
      ["cancel", "disconnect", "reject"].forEach((event) => call.on(event, gone));
      render();
    });
    device.on("tokenWillExpire", async () => {
      try { device.updateToken((await send("token")).token); } catch (e) { fail(e); }
    });
    device.on("error", (e) => fail(e));
    try {
      await device.register();
      say("sp.ready_twilio", {identity: grant.identity});
    } catch (e) { fail(e); }
  }

  // --- Sandbox: the same buttons drive the agent's leg in the sandbox ---
  async function startSandbox() {
    try {
      // A simulator script that answers for this address keeps doing so: the buttons stand down.
      if (!(await send("register")).softphone) mode = "scripted";
      say(mode === "sandbox" ? "sp.ready_sandbox" : "sp.scripted");
    } catch (e) { fail(e); }
    render();
  }

  async function act(action, body) {
    fail(null);
    try {
      if (action === "hangup" && endable) {
        // In a conference the agent's leg hanging up reads as a dropped line (the caller goes back to
        // the line): hanging up on purpose ends the call for both, and Twilio ends this leg with it.
        await hotline.fetchJSON(`/api/calls/${encodeURIComponent(endable)}/end`, {method: "POST", body: {}});
      } else if (mode === "twilio") {
        if (action === "answer" && incoming) { incoming.accept(); active = incoming; incoming = null; }
        else if (action === "decline" && incoming) { incoming.reject(); incoming = null; }
        else if (action === "hangup" && active) { active.disconnect(); active = null; }
      } else {
        await send(action, body);
      }
      say(`sp.done_${action}`);
    } catch (e) { fail(e); }
    render();
  }

  function render(state) {
    if (state) {
      phase = state.phase;
      since = state.phase === "live" && state.agent ? new Date(state.agent.since).getTime() : null;
      endable = state.phase === "live" && state.control && state.call ? state.call.sid : null;
    }
    box.hidden = mode === "off" && !since;
    const ringing = mode === "sandbox" ? phase === "offered" : mode === "twilio" && !!incoming;
    $("sp-incoming").hidden = !ringing;
    $("sp-in-call").hidden = !since;
    $("sp-hangup").hidden = mode === "twilio" ? !active : mode !== "sandbox";
    $("sp-say-form").hidden = mode !== "sandbox";
    tick();
  }

  function tick() {
    if (!since) return;
    $("sp-talk").textContent = t("sp.talking", {time: clock(Math.max(0, Math.round((serverNow() - since) / 1000)))});
  }

  $("sp-answer").addEventListener("click", () => act("answer"));
  $("sp-decline").addEventListener("click", () => act("decline"));
  $("sp-hangup").addEventListener("click", () => act("hangup"));
  $("sp-say-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("sp-say"), text = input.value.trim();
    if (!text) return;
    await act("say", {text});
    if (!$("sp-error").textContent) input.value = "";
  });
  // A browser phone's call ends with its page; keepalive lets the request outlive it.
  window.addEventListener("pagehide", () => {
    if (mode === "sandbox" && phase === "live") send("hangup", {}, {keepalive: true}).catch(() => {});
    if (device) device.destroy();
  });

  if (mode === "twilio") startTwilio();
  else if (mode === "sandbox") startSandbox();
  return {render, tick};
};
