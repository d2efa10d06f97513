// The live page: draws the figures of GET /supervisor/live.json and asks again every poll_seconds.
// Every text comes from the server in the reader's language; every time is the center's.
// With the live area installed (window.hotlineLive, live/static/transcript.js): the calls' alerts
// (GET /api/alerts, with each poll) and any call's live transcript in a panel, as server-sent events.
(function () {
  const script = document.getElementById("live-script");
  const texts = JSON.parse(document.getElementById("live-texts").textContent);
  let data = JSON.parse(document.getElementById("live-data").textContent);
  let chart = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else if (k.startsWith("data-")) node.setAttribute(k, v); else node[k] = v;
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
    return node;
  }
  function td(text, cls) { return el("td", cls ? { class: cls } : {}, String(text ?? "")); }

  function tiles(t) {
    document.getElementById("waiting").textContent = t.waiting;
    document.getElementById("longest").textContent = t.longest_wait;
    document.getElementById("tile-longest").classList.toggle("off", t.longest_off_target);
    document.getElementById("service-level").textContent = t.service_level_text;
    document.getElementById("sl-target").textContent = t.service_level_target_text;
    document.getElementById("tile-sl").classList.toggle("off", t.service_level_off_target);
    for (const k of ["offered", "answered", "abandoned"]) document.getElementById(k).textContent = t[k];
    document.getElementById("agent-states").replaceChildren(...t.agents.map(s =>
      el("li", { "data-state": s.status }, el("span", { class: "dot state-" + s.status }), s.label + " ", el("b", {}, String(s.count)))));
  }

  function alerts(list) {
    const ul = document.getElementById("alert-list");
    ul.replaceChildren(...(list.length ? list.map(a => el("li", { class: "alert", "data-kind": a.kind }, a.text))
                                       : [el("li", { class: "muted" }, texts.no_alerts)]));
  }

  function queues(list) {
    document.getElementById("queues").replaceChildren(...list.map(q => {
      const head = el("div", { class: "queue-head" + (q.off_target ? " off" : "") },
        el("h3", {}, q.label), el("span", { class: "chip" }, texts.waiting + " ", el("b", { class: "waiting" }, String(q.waiting))),
        el("span", { class: "chip" }, texts.available + " ", el("b", { class: "available" }, String(q.available))),
        el("span", { class: "chip" + (q.off_target ? " off" : "") }, texts.sl_today + " ", el("b", { class: "sl" }, q.service_level_text)));
      const rows = q.callers.map(c => el("tr", { "data-call": c.sid, class: c.long ? "long" : "" },
        td(c.language_label, "language"), td(c.choice_label, "choice"), td(c.priority), td(c.wait, "wait")));
      const table = el("table", { class: "grid callers" },
        el("thead", {}, el("tr", {}, el("th", {}, texts.language), el("th", {}, texts.choice), el("th", {}, texts.priority), el("th", {}, texts.wait))),
        el("tbody", {}, ...(rows.length ? rows : [el("tr", {}, el("td", { class: "muted", colSpan: 4 }, texts.none_waiting))])));
      return el("div", { class: "queue", "data-queue": q.name }, head, table);
    }));
  }

  // monitor.js (conference mode only) adds each agent's monitoring cell.
  const monitor = window.hotlineMonitor || null;
  function agents(list) {
    document.querySelector("#agents tbody").replaceChildren(...list.map(a => el("tr", { "data-agent": a.id },
      td(a.name, "name"), el("td", { class: "status" }, el("span", { class: "dot state-" + a.status }), el("span", { class: "status-label" }, a.status_label)),
      td(a.in_state, "in-state"),
      el("td", {}, el("span", { class: "call" }, a.call ? a.call.queue_label : ""), " ",
        a.call && live ? transcriptButton(a.call.sid) : ""),
      ...(monitor ? [monitor.cell(a)] : []))));
  }

  // --- live calls: alerts and a transcript panel -------------------------------------------------
  const live = window.hotlineLive;
  let following = null;

  function transcriptButton(sid) {
    const button = el("button", { type: "button", class: "secondary small open-transcript", "data-sid": sid }, live.t("assist.open"));
    button.setAttribute("data-testid", "open-transcript");
    button.addEventListener("click", () => openTranscript(sid));
    return button;
  }

  function openTranscript(sid) {
    const panel = document.getElementById("transcript-panel"), $ = (id) => panel.querySelector(`[data-testid="${id}"]`);
    if (following) following.close();
    panel.hidden = false;
    panel.dataset.sid = sid;
    $("transcript-call").textContent = live.t("assist.call", { sid });
    $("transcript-ended").hidden = true;
    $("transcript-notices").replaceChildren();
    following = live.follow(sid, $("transcript-lines"), {
      onNotice: (n) => $("transcript-notices").append(el("li", { class: "notice notice-" + n.kind, "data-kind": n.kind },
        n.kind === "ticket_number" ? live.t("assist.ticket_number", { speaker: live.t("assist." + n.speaker), phrase: n.phrase })
                                   : live.noticeText(n))),
      onEnd: () => { $("transcript-ended").hidden = false; },
    });
    panel.scrollIntoView({ block: "nearest" });
  }

  function callAlerts(list) {
    document.getElementById("call-alert-list").replaceChildren(...(list.length ? list.map(a =>
      el("li", { class: "alert", "data-kind": a.kind, "data-sid": a.call_sid }, live.alertText(a) + " ", transcriptButton(a.call_sid),
        ...(monitor ? monitor.quick(a.call_sid, () => openTranscript(a.call_sid)) : [])))
      : [el("li", { class: "muted" }, live.t("assist.no_alerts"))]));
  }

  async function pollAlerts() {
    if (!live) return;
    const fresh = await hotline.fetchJSON("/api/alerts?limit=20").catch(() => null);
    if (fresh) callAlerts(fresh.alerts);
  }
  if (monitor) monitor.onChange(() => agents(data.agents));

  function inMenu(list) {
    const body = document.querySelector("#in-menu tbody");
    body.replaceChildren(...(list.length ? list.map(c => el("tr", { "data-call": c.sid },
      td(c.from), td(c.arrived), td(c.language_label), td(c.steps, "steps"), td(c.last_step)))
      : [el("tr", {}, el("td", { class: "muted", colSpan: 5 }, texts.none_in_menu))]));
  }

  function draw() {
    document.getElementById("as-of").textContent = data.as_of;
    tiles(data.tiles); alerts(data.alerts); queues(data.queues); agents(data.agents); inMenu(data.in_menu);
    const box = document.getElementById("day-chart");
    if (!chart) { chart = hotlineCharts.day(box, data.chart, texts, data.timezone); window.liveChart = chart; }
    else chart.setData(hotlineCharts.dayData(data.chart));
    chart.hotlineSource = data.chart;
    document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
  }

  async function poll() {
    pollAlerts();
    const fresh = await hotline.fetchJSON(script.dataset.url).catch(() => null);
    document.getElementById("stale").hidden = !!fresh;
    if (fresh) { data = fresh; draw(); }
    setTimeout(poll, (data.poll_seconds || 3) * 1000);
  }

  if (live) {
    document.querySelector('[data-testid="transcript-close"]').addEventListener("click", () => {
      if (following) following.close();
      following = null;
      document.getElementById("transcript-panel").hidden = true;
    });
  }
  draw();
  pollAlerts();
  setTimeout(poll, (data.poll_seconds || 3) * 1000);
})();
