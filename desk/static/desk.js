// The agent desk: polls the desk state (ETag, so an unchanged desk costs a 304), renders it, and
// sends changes through the areas' APIs with the session and CSRF header (hotline.fetchJSON):
// routing's PATCH /api/agents/<id> for status, tickets' PATCH /api/tickets/<n> and notes; the call
// controls (desk_controls.js) routing's /api/calls/<sid>/... ; the softphone (softphone.js) rings and
// answers the agent's own leg.
// The call's live transcript and agent assist come apart from the poll, as server-sent events
// (live/static/transcript.js, when the live area is installed): see followLive.
(() => {
  const root = document.getElementById("desk");
  const POLL_MS = Number(root.dataset.pollMs) || 2000;
  const texts = JSON.parse(document.getElementById("desk-texts").textContent);
  const own = root.dataset.own === "true";
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const t = (key, values = {}) => (texts[key] || key).replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
  let state = null, etag = null, serverOffset = 0, formTicket = null, formDirty = false, chosenScript = null;
  // Signing out (or any navigation away) must win over a poll answered 401 meanwhile, which would
  // otherwise send the agent to the sign-in page "to come back to the desk".
  let leaving = false;
  window.addEventListener("beforeunload", () => { leaving = true; });

  function el(tag, text, attrs = {}) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  }
  function fill(list, items, render) {
    list.replaceChildren(...(items.length ? items.map(render) : [el("li", t("pop.none"), {class: "muted"})]));
  }
  const seconds = (s) => s === null || s === undefined ? "–" :
    (s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}` : t("pop.seconds", {s}));
  // The call center's clock (TIMEZONE), not the browser's: an agent at home abroad reads what the
  // customer was promised.
  const when = (iso) => iso ? new Date(iso).toLocaleString(document.documentElement.lang, {
    timeZone: root.dataset.timezone || undefined, month: "2-digit", day: "2-digit", hour: "2-digit",
    minute: "2-digit", hourCycle: "h23"}) : "–";
  const controls = hotline.deskControls(root, {t, own, agentId: Number(root.dataset.agentId),
                                              serverNow: () => Date.now() + serverOffset,
                                              refresh: async () => { etag = null; await poll(); }});
  const softphone = hotline.softphone(root, {t, own, serverNow: () => Date.now() + serverOffset});
  const showError = (e) => { $("desk-error").textContent = e ? t("desk.error", {e: e.message || e}) : ""; };

  async function poll() {
    try {
      const headers = {"Accept": "application/json"};
      if (etag) headers["If-None-Match"] = etag;
      const response = await fetch(root.dataset.stateUrl, {headers, credentials: "same-origin", cache: "no-store"});
      const serverTime = response.headers.get("X-Server-Time");
      if (serverTime) serverOffset = new Date(serverTime).getTime() - Date.now();
      if (leaving) return;
      if (response.status === 401) { location.href = "/signin?next=" + encodeURIComponent(location.pathname); return; }
      if (response.status === 200) { etag = response.headers.get("ETag"); state = await response.json(); render(); }
      else if (response.status !== 304) { throw new Error(response.statusText); }
    } catch (e) { showError(e); }
  }

  function render() {
    const agent = state.agent, status = agent ? agent.status : "unknown";
    $("routing-missing").hidden = state.routing_ready;
    if (state.routing_ready && !agent) $("desk-error").textContent = t("desk.no_agent", {id: root.dataset.agentId});
    $("status").textContent = t(`status.${status}`);
    $("status").dataset.status = status;
    $("status-since").textContent = agent ? `${t("desk.since")} ${when(agent.since)}` : "";
    for (const button of root.querySelectorAll(".status-buttons button")) {
      button.disabled = !own || !agent || button.dataset.status === status ||
        ["reserved", "on_call"].includes(status);
    }
    $("come-back").hidden = status !== "missed" || !own;
    $("phase").textContent = t(`desk.${state.phase}`);
    $("phase").dataset.phase = state.phase;
    $("wrap-up").hidden = state.phase !== "wrap_up";
    $("wrap-done").disabled = !own;
    renderCall(state.call);
    softphone.render(state);
    controls.render(state.call, state.control);
    followLive(state.call);
    renderScripts();
    const day = state.my_day;
    $("day-answered").textContent = day.calls_answered;
    $("day-aht").textContent = seconds(day.average_handle_seconds);
    $("day-missed").textContent = day.missed_offers;
    $("day-resolved").textContent = day.tickets_resolved;
    $("day-csat").textContent = day.satisfaction.average === null ? "–" :
      `${day.satisfaction.average} / 5 · ${t("day.responses", {n: day.satisfaction.responses})}`;
    tick();
  }

  function renderCall(call) {
    $("screen-pop").hidden = !call;
    if (!call) {
      // Wrap-up ended (Done, its timer, or a supervisor): a note typed and not saved is kept on the ticket.
      keepNote($("ticket-form").dataset.number);
      formTicket = null; $("ticket-form").dataset.number = ""; return;
    }
    $("pop-number").textContent = call.number;
    const c = call.customer;
    $("pop-customer").textContent = c ? [c.name, c.addressed && c.addressed !== c.name ? `(${c.addressed})` : "",
      c.customer_number || "", c.vip ? t("pop.vip") : ""].filter(Boolean).join(" ") : t("pop.unknown");
    renderCustomer(c);
    $("pop-language").textContent = call.language === "en-US" ? "English" : "中文";
    $("pop-queue").textContent = call.queue ? t(`cat.${call.queue}`) : "–";
    $("pop-wait").textContent = seconds(call.waited_seconds);
    const handed = call.transfer;  // the agent who transferred the call, and their note for this one
    $("pop-transfer").hidden = !handed;
    $("pop-transfer").textContent = handed ? t("pop.transfer", {by: handed.by || "", note: handed.note || "–"}) : "";
    const outcome = (result) => result && result.startsWith("queue:") ? t(`cat.${result.slice(6)}`) : result;
    fill($("pop-ivr"), call.ivr_path, (step) =>
      el("li", [step.node, step.input ? `“${step.input}”` : "", step.result ? `→ ${outcome(step.result)}` : ""]
        .filter(Boolean).join(" ")));
    fill($("pop-open-tickets"), call.open_tickets, (tk) =>
      el("li", `${tk.number} · ${t("cat." + tk.category)} · ${t("tstatus." + tk.status)} · ${tk.description || ""}`));
    fill($("pop-contacts"), call.last_contacts, (contact) =>
      el("li", `${when(contact.at)} · ${seconds(contact.duration_seconds)} · ${contact.ticket || ""}`));
    renderTicket(spoken && spoken.sid === call.sid ? spoken.ticket : call.ticket);
  }

  function renderTicket(ticket) {
    const form = $("ticket-form");
    $("pop-no-ticket").hidden = !!ticket;
    form.hidden = !ticket;
    if (!ticket) return;
    $("ticket-number").textContent = ticket.number;
    $("ticket-status").textContent = t(`tstatus.${ticket.status}`);
    $("ticket-promised").textContent = when(ticket.sla.promised_at);
    $("ticket-description").textContent = ticket.description || "";
    $("ticket-tier").textContent = ticket.tier > 1 ? t("ticket.tier2", {due: when(ticket.sla.plan_due)}) : "";
    $("ticket-escalate").hidden = ticket.tier > 1;
    $("ticket-escalate-reason").hidden = ticket.tier > 1;
    const handoff = ticket.handoff, department = departmentName(ticket.department);
    $("ticket-handoff-state").textContent = !handoff ? ""
      : handoff.replied_at ? t("ticket.department_replied", {department, at: when(handoff.replied_at)})
      : t("ticket.with_department", {department, due: when(handoff.reply_due)});
    fill($("ticket-notes"), ticket.notes || [], (n) => el("li", `${when(n.at)} ${n.actor}: ${n.text}`));
    const otherTicket = form.dataset.number !== ticket.number;
    if (otherTicket || !formTicket || !formDirty) {
      // Never overwrite what the agent is typing; a changed ticket is caught by its version on save.
      formTicket = ticket;
      form.category.value = ticket.category;
      form.priority.value = ticket.priority;
      form.department.value = ticket.department || "";
      if (otherTicket) { form.note.value = ""; form.summary.value = ""; form.dataset.number = ticket.number; }
      formDirty = false;
      form.querySelectorAll("input, select, textarea, button").forEach((i) => { i.disabled = !own; });
    }
  }

  // The moves tickets' state machine allows on the way to the outcome the agent chose.
  const PATHS = {
    resolve: {new: ["assigned", "in_progress", "resolved"], assigned: ["in_progress", "resolved"],
              reopened: ["in_progress", "resolved"], in_progress: ["resolved"]},
    keep_open: {new: ["assigned", "in_progress"], assigned: ["in_progress"], reopened: ["in_progress"]},
  };

  async function saveTicket(event) {
    event.preventDefault();
    const form = $("ticket-form"), base = formTicket, url = `/api/tickets/${encodeURIComponent(base.number)}`;
    $("ticket-message").textContent = "";
    try {
      let ticket = base;
      const patch = async (body, tries = 3) => {
        try {
          ticket = await hotline.fetchJSON(url, {method: "PATCH", body: Object.assign({version: ticket.version}, body)});
        } catch (e) {
          if (e.status !== 409 || tries <= 1) throw e;
          // Someone saved first: routing marking the answer, a supervisor, another tab. The agent's change
          // still applies if every field it sets is as the agent saw it, or already what the agent wants.
          const current = await hotline.fetchJSON(url), rebased = {};
          for (const [field, wanted] of Object.entries(body)) {
            const now = current[field] ?? null;
            if (now === wanted) continue;
            if (now !== (ticket[field] ?? null) && field !== "resolution_summary") throw e;
            rebased[field] = wanted;
          }
          ticket = current;
          if (body.status !== undefined && rebased.status === undefined) delete rebased.resolution_summary;
          if (Object.keys(rebased).length) await patch(rebased, tries - 1);
        }
      };
      const changes = {};
      for (const field of ["category", "priority", "department"]) {
        const value = form[field].value.trim();
        if (value !== (base[field] || "")) changes[field] = value;
      }
      if (base.assignee_id === null) changes.assignee_id = Number(root.dataset.agentId);
      if (Object.keys(changes).length) await patch(changes);
      const outcome = form.outcome.value;
      for (const step of (PATHS[outcome][ticket.status] || [])) {
        const body = {status: step};
        if (step === "resolved" && form.summary.value.trim()) body.resolution_summary = form.summary.value.trim();
        await patch(body);
      }
      if (form.note.value.trim()) {
        await hotline.fetchJSON(`${url}/notes`, {method: "POST", body: {text: form.note.value.trim(), contacted_customer: true}});
      }
      form.note.value = ""; form.summary.value = ""; formDirty = false; formTicket = null;
      $("ticket-message").textContent = t("ticket.saved");
    } catch (e) {
      // The form is refilled from the ticket as it now is; the note typed stays for the next save.
      const conflict = e.status === 409;
      formDirty = false; formTicket = null;
      $("ticket-message").textContent = conflict ? t("ticket.conflict") : t("desk.error", {e: e.message});
    }
    await reload();
  }

  // Hands the ticket to the specialist group (tickets' POST /api/tickets/<n>/escalate); the supervisor
  // is alerted by tickets, and the plan's due time shows on the next poll.
  async function escalateTicket() {
    const form = $("ticket-form"), number = form.dataset.number;
    if (!number) return;
    $("ticket-message").textContent = "";
    try {
      const ticket = await hotline.fetchJSON(`/api/tickets/${encodeURIComponent(number)}/escalate`,
                                             {method: "POST", body: {reason: form.escalate_reason.value.trim()}});
      form.escalate_reason.value = "";
      $("ticket-message").textContent = t("ticket.escalated", {due: when(ticket.sla.plan_due)});
    } catch (e) {
      $("ticket-message").textContent = t("desk.error", {e: e.message});
    }
    await reload();
  }

  // The caller's file as the agent records it (tickets' PATCH /api/customers/<customer number>); never
  // refilled while the agent is typing in it.
  let customerDirty = false;
  function renderCustomer(c) {
    const form = $("customer-form");
    form.hidden = !(c && c.customer_number);
    if (!c || !c.customer_number || (customerDirty && form.dataset.number === c.customer_number)) return;
    form.dataset.number = c.customer_number;
    form.surname.value = c.surname || "";
    form.title.value = c.title || "";
    form.language.value = c.language || "zh-CN";
    form.contact_time.value = c.contact_time || "";
    form.identity_confirmed.checked = !!c.identity_confirmed;
    form.querySelectorAll("input, select, button").forEach((i) => { i.disabled = !own; });
  }

  async function saveCustomer(event) {
    event.preventDefault();
    const form = $("customer-form"), number = form.dataset.number;
    if (!number) return;
    try {
      await hotline.fetchJSON(`/api/customers/${encodeURIComponent(number)}`, {method: "PATCH", body: {
        surname: form.surname.value.trim() || null, title: form.title.value || null, language: form.language.value,
        contact_time: form.contact_time.value.trim() || null, identity_confirmed: form.identity_confirmed.checked}});
      customerDirty = false;
      $("customer-message").textContent = t("cust.saved");
    } catch (e) {
      $("customer-message").textContent = t("desk.error", {e: e.message});
    }
    await reload();
  }

  function departmentName(key) {
    const option = key && $("ticket-form").department.querySelector(`option[value="${CSS.escape(key)}"]`);
    return option ? option.dataset.name : (key || "");
  }

  // Hands the ticket to the department chosen (tickets' POST /api/tickets/<n>/handoff): tickets texts
  // the department and the customer, and its clocks show on the next poll.
  async function handOffTicket() {
    const form = $("ticket-form"), number = form.dataset.number, key = form.department.value;
    if (!number) return;
    $("ticket-message").textContent = "";
    if (!key) { $("ticket-message").textContent = t("desk.error", {e: t("ticket.department")}); return; }
    try {
      const ticket = await hotline.fetchJSON(`/api/tickets/${encodeURIComponent(number)}/handoff`,
                                             {method: "POST", body: {department: key}});
      formDirty = false; formTicket = null;
      $("ticket-message").textContent = t("ticket.handed_off", {department: departmentName(key),
                                                                due: when(ticket.handoff.reply_due)});
    } catch (e) {
      $("ticket-message").textContent = t("desk.error", {e: e.message});
    }
    await reload();
  }

  // Saves the note box to ticket `number` on its own (no other field); the box is emptied at once so
  // the next poll does not save it twice, and refilled if the save fails so nothing typed is lost.
  let keeping = null;
  function keepNote(number) {
    const form = $("ticket-form"), text = form.note.value.trim();
    if (!own || !number || !text) return keeping || Promise.resolve();
    form.note.value = "";
    keeping = hotline.fetchJSON(`/api/tickets/${encodeURIComponent(number)}/notes`,
                                {method: "POST", body: {text, contacted_customer: true}})
      .then(() => { $("desk-message").textContent = t("desk.note_kept", {number}); })
      .catch((e) => { if (!form.note.value) form.note.value = text; formDirty = true; showError(e); })
      .finally(() => { keeping = null; });
    return keeping;
  }

  // After a change the agent made: the desk state at once (no 304), and the ticket the caller named.
  async function reload() {
    etag = null;
    if (spoken) await openSpokenTicket(spoken.sid, spoken.ticket.number, null);
    await poll();
  }

  // --- the live call: transcript by speaker, assist notices (live/assist.py), a ticket said aloud ---
  let live = null, liveSuggestion = null, spoken = null;

  function followLive(call) {
    const sid = call && ["live", "wrap_up"].includes(state.phase) ? call.sid : null;
    if (live && live.sid === sid) return;
    if (live) live.close();
    live = null;
    if (!call || (spoken && spoken.sid !== call.sid)) spoken = null;
    if (!sid) {
      if (!call) { liveSuggestion = null; $("live").hidden = true; $("live-notices").replaceChildren(); }
      return;
    }
    if (!window.hotlineLive) return;
    $("live-notices").replaceChildren();
    liveSuggestion = null;
    live = hotlineLive.follow(sid, $("live-transcript"), {
      onEntry: () => { $("live").hidden = false; },
      onNotice: (notice) => onNotice(sid, notice),
    });
  }

  function showNotice(kind, text) {
    $("live-notices").prepend(el("li", text, {"data-kind": kind, class: `notice notice-${kind}`}));
  }

  function onNotice(sid, notice) {
    if (notice.kind === "ticket_number") { openSpokenTicket(sid, notice.phrase, notice); return; }
    showNotice(notice.kind, hotlineLive.noticeText(notice));
    if (notice.suggestion) {
      liveSuggestion = notice.suggestion;  // the agent's own choice of tab gives way to it once
      if (state) { state._chosenByAgent = false; renderScripts(); }
    }
  }

  // Opens the ticket the caller (or agent) said in the ticket panel (tickets' GET /api/tickets/<n>);
  // `notice` null: the same ticket read again after a save.
  async function openSpokenTicket(sid, number, notice) {
    const values = notice && {speaker: hotlineLive.t(`assist.${notice.speaker}`), phrase: number};
    try {
      const ticket = await hotline.fetchJSON(`/api/tickets/${encodeURIComponent(number)}`);
      const notes = ticket.events.filter((e) => e.kind === "note").reverse().slice(0, 5)
        .map((e) => ({at: e.at, actor: e.actor, text: (e.data || {}).text || ""}));
      spoken = {sid, ticket: Object.assign(ticket, {notes})};
      if (notice) showNotice("ticket_number", hotlineLive.t("assist.ticket_number", values));
      if (state && state.call && state.call.sid === sid) renderTicket(spoken.ticket);
    } catch (e) {
      if (!notice) { spoken = null; return; }
      const key = e.status === 404 ? "assist.ticket_missing" : e.status === 403 ? "assist.ticket_refused" : null;
      showNotice("ticket_number", key ? hotlineLive.t(key, values) : t("desk.error", {e: e.message}));
    }
  }

  function renderScripts() {
    const names = state.scripts.map((s) => s.name);
    const suggested = state.phase === "live" && names.includes(liveSuggestion) ? liveSuggestion : state.suggested_script;
    if (!names.includes(chosenScript) || !state._chosenByAgent) chosenScript = suggested;
    const tabs = state.scripts.map((s) => {
      const tab = el("button", s.label, {type: "button", role: "tab", "data-script": s.name,
                                         class: s.name === chosenScript ? "tab active" : "tab secondary"});
      tab.addEventListener("click", () => { chosenScript = s.name; state._chosenByAgent = true; renderScripts(); });
      return tab;
    });
    $("script-tabs").replaceChildren(...tabs);
    const chosen = state.scripts.find((s) => s.name === chosenScript) || state.scripts[0];
    $("script-phrases").replaceChildren(...chosen.phrases.map((p) => el("li", p)));
  }

  function tick() {
    controls.tick();
    softphone.tick();
    if (!state || state.phase !== "wrap_up" || !state.wrap_up_until) return;
    const left = Math.max(0, Math.round((new Date(state.wrap_up_until).getTime() - (Date.now() + serverOffset)) / 1000));
    $("wrap-left").textContent = t("desk.wrap_left", {s: left});
  }

  async function setStatus(status) {
    showError(null);
    try { await hotline.fetchJSON(root.dataset.statusUrl, {method: "PATCH", body: {status}}); }
    catch (e) { showError(e); }
    await reload();
  }

  root.querySelectorAll("[data-status]").forEach((b) => b.addEventListener("click", () => setStatus(b.dataset.status)));
  $("wrap-done").addEventListener("click", async () => {
    await keepNote($("ticket-form").dataset.number);
    await setStatus("available");
  });
  $("ticket-form").addEventListener("submit", saveTicket);
  $("ticket-escalate").addEventListener("click", escalateTicket);
  $("ticket-handoff").addEventListener("click", handOffTicket);
  $("customer-form").addEventListener("submit", saveCustomer);
  $("customer-form").addEventListener("input", () => { customerDirty = true; });
  $("ticket-form").addEventListener("input", () => { formDirty = true; });
  setInterval(poll, POLL_MS);
  setInterval(tick, 1000);
  poll();
})();
