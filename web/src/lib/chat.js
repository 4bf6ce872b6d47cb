// Chat log shared by the shopper page and the console: text only (textContent), translated
// lines with an original/translation toggle, deletions, a bounded length.

import { h, lang, t } from "./ui.js";

const MAX_LINES = 200;

export class ChatLog {
  constructor(list, { decorate } = {}) {
    this.list = list;
    this.lines = new Map(); // message id → {el, textEl, original, translated, showingOriginal}
    this.decorate = decorate; // (frame, li) => extra controls (console moderation)
  }

  add(frame) {
    if (!frame || this.lines.has(frame.id)) return;
    const textEl = h("span", { class: "chat-text", lang: frame.lang || null, dir: "auto" }, frame.text ?? "");
    const li = h(
      "li",
      { class: `chat-line role-${frame.role || "shopper"}`, dataset: { id: frame.id || "" } },
      h("bdi", { class: "chat-author" }, frame.author || t("shop.guest")),
      frame.role && frame.role !== "shopper" ? h("span", { class: "chat-role" }, t(`role.${frame.role}`)) : null,
      " ",
      textEl,
    );
    if (this.decorate) this.decorate(frame, li);
    const entry = { el: li, textEl, original: frame.text ?? "", lang: frame.lang, translated: null, showingOriginal: true };
    if (frame.id) this.lines.set(frame.id, entry);
    if (frame.translations) this.translate(frame.id, frame.translations);
    const stick = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.append(li);
    while (this.list.children.length > MAX_LINES) {
      const first = this.list.firstElementChild;
      this.lines.delete(first.dataset.id);
      first.remove();
    }
    if (stick) this.list.scrollTop = this.list.scrollHeight;
  }

  /** `chat.translated`: show the viewer's language by default, with a toggle back. */
  translate(id, translations) {
    const entry = this.lines.get(id);
    const text = translations && translations[lang];
    if (!entry || !text || entry.lang === lang || text === entry.original) return;
    entry.translated = text;
    entry.showingOriginal = false;
    entry.textEl.textContent = text;
    entry.textEl.setAttribute("lang", lang);
    const toggle = h("button", { type: "button", class: "small link chat-toggle", "aria-pressed": "false" }, t("shop.show_original"));
    toggle.addEventListener("click", () => {
      entry.showingOriginal = !entry.showingOriginal;
      entry.textEl.textContent = entry.showingOriginal ? entry.original : entry.translated;
      if (entry.showingOriginal && entry.lang) entry.textEl.setAttribute("lang", entry.lang);
      else entry.textEl.setAttribute("lang", lang);
      toggle.textContent = entry.showingOriginal ? t("shop.show_translation") : t("shop.show_original");
      toggle.setAttribute("aria-pressed", String(entry.showingOriginal));
    });
    entry.el.querySelector(".chat-toggle")?.remove();
    entry.el.append(" ", toggle);
  }

  remove(id) {
    const entry = this.lines.get(id);
    if (!entry) return;
    entry.el.classList.add("is-deleted");
    entry.textEl.textContent = t("shop.message_removed");
    entry.el.querySelector(".chat-toggle")?.remove();
    entry.el.querySelectorAll(".mod").forEach((b) => b.remove());
  }

  system(text) {
    this.list.append(h("li", { class: "chat-line system" }, text));
    this.list.scrollTop = this.list.scrollHeight;
  }
}

/** Human text for an `error` frame from the live channel. */
export function chatErrorText(frame) {
  const key = `chat_error.${frame.code}`;
  const text = t(key);
  return text === key ? frame.message || frame.code : text;
}
