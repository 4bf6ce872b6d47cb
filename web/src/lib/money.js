// Writing amounts: the browser half of castcart.money.display. The server sends, in the
// page's boot data, one style per currency the page can show (ISO 4217 exponent, affixes,
// symbols, grouping); this applies it exactly as the server does, with string arithmetic
// on integer minor units. No Intl and no float here: the browser's ICU disagrees with the
// server's CLDR on minor units (IDR, HUF, COP) and on spacing, and prices must not.
// Pure (no DOM), so tests run it in node against the server's output.

function group(digits, sep, primary, secondary) {
  if (primary <= 0 || digits.length <= primary) return digits;
  const parts = [digits.slice(-primary)];
  let head = digits.slice(0, -primary);
  const step = secondary > 0 ? secondary : primary;
  while (head.length > step) {
    parts.unshift(head.slice(-step));
    head = head.slice(0, -step);
  }
  return [head, ...parts].join(sep);
}

/** Integer minor units in a style from the boot data's `money` table. */
export function applyStyle(style, amountMinor) {
  const amount = Math.trunc(Number(amountMinor));
  const exp = style.exponent;
  const digits = String(Math.abs(amount)).padStart(exp + 1, "0");
  let number = group(exp ? digits.slice(0, digits.length - exp) : digits, style.group, style.primary, style.secondary);
  if (exp) number += style.decimal + digits.slice(-exp);
  return amount < 0 ? style.neg_prefix + number + style.neg_suffix : style.prefix + number + style.suffix;
}

/** `styles[currency]`, or a plain "1234.56 XYZ" for a code the server did not describe. */
export function formatMoney(styles, amountMinor, currency) {
  const style = styles && styles[currency];
  if (style) return applyStyle(style, amountMinor);
  return `${(Number(amountMinor) / 100).toFixed(2)} ${currency}`;
}

/** The currency's ISO 4217 exponent from the same table (2 for an undescribed code). */
export function exponentOf(styles, currency) {
  const style = styles && styles[currency];
  return style ? style.exponent : 2;
}
