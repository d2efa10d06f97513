// The desk's call controls (conference mode): hold and resume the caller, mute and unmute the agent,
// end the call (the caller hung up with it: the agent's own leg hanging up reads as a dropped line,
// which takes the caller back to the line), transfer (cold, or warm: consult first; to a queue, its
// best free agent) to a queue, a free colleague or a department, and a warm transfer's complete /
// three-way / cancel. Every change is routing's API (/api/calls/<sid>/...) with
// the session; what the buttons show comes from the desk state's `control`, polled by desk.js.
window.hotline = window.hotline || {};
hotline.deskControls = (root, {t, own, agentId, refresh, serverNow}) => {
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const box = $("call-controls"), form = $("transfer-form");
  let sid = null, control = null, busy = false, shownFor = null;

  const clock = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  // 409 and 503 say what happened in the agent's words; the server's own text is English.
  function problem(e, action) {
    if (e.status === 503) return t("ctl.unavailable");
    if (e.status === 409) {
      if (action === "transfer") return t("ctl.transfer_busy");
      if (action === "complete" || action === "conference") return t("ctl.not_answered");
      return t("ctl.changed");
    }
    return t("desk.error", {e: e.message});
  }

  async function act(action, path, body) {
    if (!sid || busy) return;
    busy = true;
    $("ctl-error").textContent = ""; $("ctl-message").textContent = "";
    try {
      await hotline.fetchJSON(`/api/calls/${encodeURIComponent(sid)}/${path}`, {method: "POST", body});
      $("ctl-message").textContent = t(`ctl.done_${action}`);
      if (action === "transfer") form.note.value = "";
    } catch (e) {
      $("ctl-error").textContent = problem(e, action);
    } finally {
      busy = false;
    }
    await refresh();
  }

  function options(nodes) {
    form.target.replaceChildren(...nodes);
    form.target.disabled = !own || !nodes.length;
  }
  async function fillTargets() {
    const kind = form.kind.value;
    if (kind !== "agent_id") {
      const source = $(kind === "queue" ? "ctl-queues" : "ctl-departments");
      options([...source.content.cloneNode(true).children]);
      return;
    }
    options([]);
    try {
      const free = await hotline.fetchJSON(box.dataset.colleaguesUrl);
      options(free.agents.map((a) => Object.assign(document.createElement("option"),
                                                   {value: String(a.id), textContent: a.name})));
      if (!free.agents.length) $("ctl-error").textContent = t("ctl.nobody_free");
    } catch (e) { $("ctl-error").textContent = problem(e, "colleagues"); }
  }

  function render(call, state) {
    sid = call ? call.sid : null;
    control = state;
    box.hidden = !control;
    if (!control) return;
    if (shownFor !== sid) {  // the controls appear for this call (it rang first, without them)
      shownFor = sid;
      $("ctl-error").textContent = ""; $("ctl-message").textContent = "";
      fillTargets();
    }
    const transfer = control.transfer;
    for (const [button, show] of [["ctl-hold", !control.hold], ["ctl-resume", control.hold],
                                  ["ctl-mute", !control.muted], ["ctl-unmute", control.muted]]) {
      $(button).hidden = !show;
      $(button).disabled = !own;
    }
    $("ctl-end").disabled = !own;
    $("ctl-held").hidden = !control.hold;
    $("ctl-muted").hidden = !control.muted;
    form.hidden = !!transfer;
    form.querySelectorAll("input, select, button").forEach((i) => { i.disabled = !own; });
    $("ctl-warm").hidden = !transfer;
    if (transfer) {
      const receiving = transfer.to_agent_id === agentId;
      $("ctl-warm-state").textContent = t(receiving ? "ctl.warm_receiving"
        : transfer.status === "connected" ? "ctl.warm_connected" : "ctl.warm_ringing");
      $("ctl-complete").disabled = !own || transfer.status !== "connected";
      $("ctl-three-way").disabled = !own || transfer.status !== "connected";
      $("ctl-cancel").disabled = !own;
    }
    tick();
  }

  function tick() {
    if (!control || !control.hold || !control.held_since) return;
    const held = Math.max(0, Math.round((serverNow() - new Date(control.held_since).getTime()) / 1000));
    $("ctl-held").textContent = t("ctl.held", {time: clock(held)});
  }

  root.querySelectorAll("[data-control]").forEach((b) =>
    b.addEventListener("click", () => act(b.dataset.control, b.dataset.control)));
  root.querySelectorAll("[data-finish]").forEach((b) =>
    b.addEventListener("click", () => act(b.dataset.finish, `transfer/${b.dataset.finish}`)));
  form.kind.addEventListener("change", fillTargets);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const kind = form.kind.value, value = form.target.value;
    if (!value) { $("ctl-error").textContent = t("ctl.choose_target"); return; }
    const body = {mode: form.mode.value, [kind]: kind === "agent_id" ? Number(value) : value};
    if (form.note.value.trim()) body.note = form.note.value.trim();
    act("transfer", "transfer", body);
  });
  return {render, tick};
};
