// A job's page: ask the server where the job stands every two seconds until it is done.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var message = document.getElementById("job-message");
  var link = document.getElementById("job-download");
  var result = document.getElementById("job-result");
  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + "%";
    message.textContent = state.message;
    if (state.download_url) {
      link.href = state.download_url;
      link.classList.remove("d-none");
    }
    if (state.result_url && result) {
      result.href = state.result_url;
      result.classList.remove("d-none");
      // A job whose result is a page (the matcher's review) opens it when it is done.
      if (box.getAttribute("data-follow-result") === "1") {
        window.location.assign(state.result_url);
      }
    }
    return state.status === "done" || state.status === "failed";
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (state && show(state)) { return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  var initial = box.getAttribute("data-status");
  if (initial !== "done" && initial !== "failed") { window.setTimeout(poll, 1000); }
})();
