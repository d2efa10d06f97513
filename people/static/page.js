// Page scripts call the server through hotline.fetchJSON: it sends the session cookie and the
// session's CSRF token header, so state-changing calls pass the server's CSRF check.
window.hotline = window.hotline || {};
hotline.csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;
hotline.fetchJSON = async (url, options = {}) => {
  const headers = Object.assign({"Accept": "application/json", "X-CSRF-Token": hotline.csrfToken()},
                                options.headers || {});
  if (options.body !== undefined && typeof options.body !== "string") {
    headers["Content-Type"] = "application/json";
    options = Object.assign({}, options, {body: JSON.stringify(options.body)});
  }
  const response = await fetch(url, Object.assign({credentials: "same-origin"}, options, {headers}));
  if (response.status === 401) { window.location = "/signin?next=" + encodeURIComponent(location.pathname); }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw Object.assign(new Error(data.error || response.statusText), {status: response.status, data});
  }
  return data;
};
