// A live call's transcript, for the desk and the supervisor's page: follows the call's server-sent
// events (GET /api/calls/<sid>/live/events) with EventSource, caller's and agent's phrases by speaker,
// a partial replaced by the next one and then by its final phrase. `wait=0`: each response is what
// is new and ends at once (no web worker is held while nobody speaks); the server asks EventSource to
// come back a second later (`retry:`) with Last-Event-ID, so nothing is read twice or missed.
window.hotlineLive = (() => {
  const textsTag = document.getElementById("live-transcript-texts");
  const texts = textsTag ? JSON.parse(textsTag.textContent) : {};
  const t = (key, values = {}) => (texts[key] || key).replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
  const speaker = (who) => t(`assist.${who}`);

  function follow(sid, list, {onNotice, onEnd, onEntry} = {}) {
    const lines = new Map();
    list.replaceChildren();
    const source = new EventSource(`/api/calls/${encodeURIComponent(sid)}/live/events?wait=0`);
    source.addEventListener("phrase", (event) => {
      const phrase = JSON.parse(event.data), key = `${phrase.speaker}:${phrase.index}`;
      let line = lines.get(key);
      if (line && line.dataset.final === "true" && !phrase.final) return;  // a late partial of a said phrase
      if (!line) {
        line = document.createElement("li");
        line.append(Object.assign(document.createElement("span"), {className: "who"}),
                    Object.assign(document.createElement("span"), {className: "words"}));
        lines.set(key, line);
        list.append(line);
      }
      line.dataset.speaker = phrase.speaker;
      line.dataset.final = String(phrase.final);
      line.querySelector(".who").textContent = speaker(phrase.speaker);
      line.querySelector(".words").textContent = phrase.text;
      if (onEntry) onEntry();
    });
    source.addEventListener("notice", (event) => {
      if (onNotice) onNotice(JSON.parse(event.data));
      if (onEntry) onEntry();
    });
    source.addEventListener("end", () => {
      source.close();
      if (onEnd) onEnd();
    });
    return {sid, close: () => source.close()};
  }

  // What a notice says to its reader (the desk handles ticket_number itself: it opens the ticket).
  function noticeText(notice) {
    const who = speaker(notice.speaker);
    if (notice.kind === "redacted") {
      const kinds = notice.phrase.split(", ").map((k) => t(`assist.kind.${k}`)).join("、");
      return t("assist.redacted", {speaker: who, kinds});
    }
    return t(`assist.${notice.kind}`, {phrase: notice.phrase, speaker: who});
  }

  const alertText = (alert) => t("assist.alert", {kind: t(`assist.alert.${alert.kind}`), at: Math.round(alert.at),
                                                   phrase: alert.phrase, text: alert.text || ""});

  return {follow, noticeText, alertText, t};
})();
