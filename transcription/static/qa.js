// The call page: click a word or a finding to seek; the word being played is highlighted; save the scorecard
// with the session and its CSRF token (hotline.csrfToken, from the shared layout).
(function () {
  "use strict";
  var player = document.getElementById("player");
  var words = Array.prototype.slice.call(document.querySelectorAll("#transcript .word"));
  var current = null;

  function seek(seconds) {
    if (!player) return;
    player.currentTime = seconds;
    var playing = player.play();
    if (playing && playing.catch) playing.catch(function () {});
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-seek], .word");
    if (!target) return;
    event.preventDefault();
    seek(parseFloat(target.getAttribute("data-seek") || target.getAttribute("data-start")));
  });

  function highlight() {
    var t = player.currentTime, found = null;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      if (parseFloat(w.dataset.start) <= t && t < parseFloat(w.dataset.end)) { found = w; break; }
    }
    if (found === current) return;
    if (current) current.classList.remove("current");
    if (found) found.classList.add("current");
    current = found;
  }
  if (player) {
    player.addEventListener("timeupdate", highlight);
    player.addEventListener("seeked", highlight);
  }

  var form = document.getElementById("scorecard");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {};
      form.querySelectorAll("input[type=radio]:checked").forEach(function (r) { answers[r.name] = r.value; });
      var out = document.getElementById("saved");
      out.textContent = "Saving…";
      fetch(form.dataset.url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": hotline.csrfToken()},
        body: JSON.stringify({answers: answers, comments: form.elements.comments.value})
      }).then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      }).then(function (result) {
        out.textContent = result.ok ? "Saved · score " + result.body.score : "Not saved: " + result.body.error;
        out.className = result.ok ? "ok" : "error";
      }).catch(function () { out.textContent = "Not saved: the server did not answer"; out.className = "error"; });
    });
  }
})();
