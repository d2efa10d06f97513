// The night-shift hand-over panel of the live page: the stored log of the last night (GET
// /api/reports/night/handover), urgent cases first, and its acknowledgement (who, when). Shown until
// someone acknowledges it, then as acknowledged, by whom and when, for every later supervisor.
(function () {
  const script = document.getElementById("night-log-script");
  const texts = JSON.parse(document.getElementById("night-texts").textContent);
  const panel = document.getElementById("night-log");
  const $ = (id) => panel.querySelector(`[data-testid="${id}"]`);

  function t(key, values) {
    return (texts[key] || key).replace(/\{(\w+)\}/g, (_, name) => String(values?.[name] ?? ""));
  }
  // The log's times are already the center's ("2026-11-30T08:30:00+08:00"): shown as written.
  function when(iso) { return iso ? iso.slice(5, 16).replace("T", " ") : ""; }
  function cell(text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text ?? "";
    return td;
  }
  function row(ticket, cells, cls) {
    const tr = document.createElement("tr");
    tr.dataset.number = ticket.number;
    if (cls) tr.className = cls;
    tr.append(...cells);
    return tr;
  }
  function common(ticket) {
    return [cell(ticket.number, "number"), cell(when(ticket.created_at), "at"),
            cell(t("sup.queue." + ticket.category), "category"), cell(t("night.st." + ticket.status), "status"),
            cell(ticket.assignee || t("night.nobody"), "assignee")];
  }
  function page(ticket) {
    if (ticket.acknowledged_at) return t("night.page_acked", { at: when(ticket.acknowledged_at) });
    if (ticket.page_unanswered) return t("night.page_unanswered");
    return ticket.paged ? t("night.paged") : t("night.not_paged");
  }
  function rows(body, list, make, none, span) {
    if (list.length) { body.replaceChildren(...list.map(make)); return; }
    const empty = cell(t(none), "muted");
    empty.colSpan = span;
    body.replaceChildren(row({ number: "" }, [empty]));
  }

  function draw(log) {
    panel.hidden = false;
    panel.dataset.date = log.date;
    panel.classList.toggle("acknowledged", log.acknowledged);
    $("night-log-title").textContent = t("night.title", { date: log.date });
    $("night-log-window").textContent = t("night.window", { start: when(log.from), end: when(log.to) });
    $("night-log-summary").textContent = log.calls.total
      ? t("night.summary", { calls: log.calls.total, messages: log.messages.total, urgent: log.urgent.total })
      : t("night.no_calls");
    rows($("night-log-urgent").tBodies[0], log.urgent.tickets,
         (u) => row(u, [...common(u), cell(page(u), "page")], "urgent"), "night.none_urgent", 6);
    rows($("night-log-messages").tBodies[0], log.messages.tickets, (m) => row(m, common(m)), "night.none_messages", 5);
    $("night-log-ack-state").textContent = log.acknowledged
      ? t("night.acked", { by: log.acknowledged_by, at: when(log.acknowledged_at) }) : t("night.not_acked");
    $("night-log-ack").hidden = log.acknowledged;
  }

  $("night-log-ack").addEventListener("click", async () => {
    const button = $("night-log-ack");
    button.disabled = true;
    $("night-log-error").textContent = "";
    try {
      draw(await hotline.fetchJSON(`/api/reports/night/${panel.dataset.date}/acknowledge`, { method: "POST" }));
    } catch (e) {
      $("night-log-error").textContent = t("night.ack_failed", { e: e.message });
    } finally {
      button.disabled = false;
    }
  });

  hotline.fetchJSON(script.dataset.url).then((answer) => { if (answer.log) draw(answer.log); }).catch(() => {});
})();
