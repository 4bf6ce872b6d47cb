// The widget's height attribute: a CSS length the embedding page chose. A bare number is
// pixels (height="900", as on an <iframe>); a number with px, em, rem, vh/svh/dvh/lvh or %
// is used as written; anything else (and "auto") is ignored, so the frame sizes itself.

const LENGTH = /^(\d{1,5}(?:\.\d{1,3})?)(px|em|rem|vh|svh|dvh|lvh|%)?$/i;
const MIN_PX = 200; // smaller cannot show the video and a product card
const MAX_PX = 10000;

/** The CSS height for `value`, or null when the frame should size itself to its content. */
export function frameHeight(value) {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  if (!text || text.toLowerCase() === "auto") return null;
  const match = LENGTH.exec(text);
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = (match[2] || "px").toLowerCase();
  if (!(amount > 0)) return null;
  if (unit === "px") return `${Math.min(MAX_PX, Math.max(MIN_PX, amount))}px`;
  return `${amount}${unit}`;
}
