// Monitoring from the live page (conference mode): listen to an agent's call (muted), whisper to the
// agent (only they hear), barge in (everyone hears), switch between them, leave; routing's
// POST / DELETE /api/calls/<sid>/monitor, which rings the supervisor's own phone into the conference.
// The live figures are shared by every supervisor, so who monitors a call is asked of GET
// /api/calls/<sid> once per call this page sees, then kept from the monitor API's answers.
window.hotlineMonitor = (function () {
  const me = document.getElementById("monitor-script").dataset.me;
  const texts = JSON.parse(document.getElementById("live-texts").textContent);
  const MODES = ["listen", "whisper", "barge"];
  const known = new Map();  // CallSid -> {mode, by} or null, as routing last said
  const asked = new Map();  // CallSid -> when routing was asked (another's monitoring is asked again)
  const ASK_AGAIN_MS = 10000;
  let busy = false, changed = () => {};

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
  const say = (message) => { document.getElementById("monitor-error").textContent = message || ""; };
  function problem(e) {
    if (e.status === 503) return texts.monitor_unavailable;
    if (e.status === 422 && /address/.test(e.message)) return texts.monitor_no_address;
    if (e.status === 409) return texts.monitor_busy;
    return fill(texts.monitor_failed, { e: e.message });
  }

  // Each supervisor has a leg of their own: this page shows its own monitoring, else another's.
  const mineOrAnother = (monitors) => monitors.find(m => m.by === me) || monitors[monitors.length - 1] || null;

  async function learn(sid) {
    asked.set(sid, Date.now());
    try {
      const call = await hotline.fetchJSON(`/api/calls/${encodeURIComponent(sid)}`);
      known.set(sid, call.control ? mineOrAnother(call.control.monitors || []) : null);
      changed();
    } catch (e) { asked.delete(sid); }  // asked again on the next poll
  }

  async function act(sid, mode) {
    if (busy) return;
    busy = true;
    say("");
    try {
      const answer = await hotline.fetchJSON(`/api/calls/${encodeURIComponent(sid)}/monitor`,
        mode ? { method: "POST", body: { mode } } : { method: "DELETE" });
      known.set(sid, mineOrAnother(answer.monitors || []));
    } catch (e) {
      say(problem(e));
      asked.delete(sid);  // what routing says now is read again
    } finally {
      busy = false;
      changed();
    }
  }

  function button(text, cls, onClick, disabled) {
    const b = document.createElement("button");
    b.type = "button"; b.className = cls; b.textContent = text; b.disabled = disabled;
    b.addEventListener("click", onClick);
    return b;
  }

  // The agent's monitoring cell: a call going on can be joined; what this page last knew is shown.
  function cell(agent) {
    const td = document.createElement("td");
    td.className = "monitor";
    const sid = agent.call && agent.status === "on_call" ? agent.call.sid : null;
    if (!sid) return td;
    const state = known.get(sid) || null, mine = !!state && state.by === me;
    if (!asked.has(sid) || (state && !mine && Date.now() - asked.get(sid) > ASK_AGAIN_MS)) learn(sid);
    const label = document.createElement("span");
    label.className = "monitor-state";
    if (state) label.textContent = fill(mine ? texts.monitoring : texts.monitored_by,
                                        { by: state.by, mode: texts[state.mode] });
    td.append(label, ...MODES.map(mode => button(texts[mode], "secondary monitor-" + mode, () => act(sid, mode),
                                                 mine && state.mode === mode)));
    if (mine) td.append(button(texts.leave, "monitor-leave", () => act(sid, null), false));
    return td;
  }

  // An alert's one click: listen to (or coach the agent on) the call it names, `then` opening its
  // transcript beside; the agent's row shows the monitoring as for any other.
  function quick(sid, then) {
    return ["listen", "whisper"].map(mode => {
      const b = button(texts[mode], "secondary small alert-" + mode, () => { then(); act(sid, mode); }, false);
      b.setAttribute("data-testid", "alert-" + mode);
      return b;
    });
  }

  return { cell, quick, onChange(fn) { changed = fn; } };
})();
