// fetch() wrapper: JSON in and out, castcart's error shape turned into an exception.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || "http_error";
    this.details = details || {};
  }
}

function cookie(name) {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
}

/**
 * Call the API. `token`: bearer token (shopper pages); staff pages rely on the session
 * cookie and send the CSRF cookie back in X-CSRF-Token on writes (double submit).
 */
export async function api(method, url, { body, token, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (body instanceof FormData) {
    init.body = body; // multipart (file uploads): the browser sets the boundary
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  else if (!["GET", "HEAD"].includes(method)) init.headers["X-CSRF-Token"] = cookie("castcart_csrf");
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new ApiError(0, "network_error", String(err));
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const detail = data && typeof data === "object" ? data : {};
    let message = detail.message;
    if (!message && Array.isArray(detail.detail)) message = detail.detail.map((d) => d.msg).join("; ");
    throw new ApiError(response.status, detail.code, message, detail.details);
  }
  return data;
}
