// The guest shopper of this browser for a store (the same token the show page keeps).

import { api, ApiError } from "./api.js";

const memory = {};
const storage = {
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return memory[key] ?? null;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
      memory[key] = value;
    }
  },
};

export function shopperApi(slug, lang) {
  const base = `/api/v1/shop/${encodeURIComponent(slug)}`;
  const key = `castcart:${slug}:shopper`;
  let token = null;

  async function ensure(refresh = false) {
    if (token && !refresh) return token;
    const saved = JSON.parse(storage.get(key) || "null");
    if (saved && saved.token && !refresh) {
      try {
        await api("GET", `${base}/me`, { token: saved.token });
        token = saved.token;
        return token;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 401) throw err;
      }
    }
    const created = await api("POST", `${base}/sessions`, { body: { locale: lang, country: null } });
    token = created.token;
    storage.set(key, JSON.stringify({ token }));
    return token;
  }

  return async function call(method, path, opts = {}) {
    try {
      return await api(method, `${base}${path}`, { ...opts, token: await ensure() });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        return api(method, `${base}${path}`, { ...opts, token: await ensure(true) });
      }
      throw err;
    }
  };
}
