// Captions over the video: a two-line rolling overlay. The newest segment (tentative, then
// replaced by its final under the same segment id) is the last line; older ones roll off.
// Each line shows the viewer's language where the worker translated it (drafts included).

import { h, lang } from "./ui.js";

const MAX_LINES = 2;
const HIDE_AFTER_MS = 7000;

export class CaptionOverlay {
  constructor(box) {
    this.box = box;
    this.lines = []; // [{id, text, lang, final}], oldest first
    this.finals = new Set(); // segment ids already final: a late draft must not replace them
    this.timer = null;
  }

  add(f) {
    if (!f || !f.segment_id) return;
    if (!f.final && this.finals.has(f.segment_id)) return; // a draft that arrived late
    const translated = f.lang !== lang && f.translations && f.translations[lang];
    let text = f.lang === lang ? f.text : translated || f.text;
    let textLang = f.lang === lang || translated ? lang : f.lang || "";
    const existing = this.lines.find((l) => l.id === f.segment_id);
    // A draft without a translation (the worker translates drafts now and then, not on
    // every pass) keeps the last translated draft rather than flipping to the original.
    if (!f.final && !translated && f.lang !== lang && existing && existing.lang === lang) {
      text = existing.text;
      textLang = existing.lang;
    }
    if (f.final) {
      this.finals.add(f.segment_id);
      if (this.finals.size > 200) this.finals.delete(this.finals.values().next().value);
    }
    if (existing) Object.assign(existing, { text, lang: textLang, final: f.final });
    else this.lines.push({ id: f.segment_id, text, lang: textLang, final: f.final });
    this.lines = this.lines.filter((l) => l.text).slice(-MAX_LINES);
    this.render();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.clear(), HIDE_AFTER_MS);
  }

  render() {
    this.box.replaceChildren(
      ...this.lines.map((l) =>
        // dir=auto: an English caption on an Arabic page keeps its punctuation in place
        h("span", { class: l.final ? "caption-line" : "caption-line is-tentative", lang: l.lang || null, dir: "auto", dataset: { segmentId: l.id } }, l.text),
      ),
    );
    this.box.hidden = this.lines.length === 0;
  }

  clear() {
    this.lines = [];
    this.render();
  }
}
