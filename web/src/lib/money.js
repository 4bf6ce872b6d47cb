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

/** "1.1634" → [11634n, 10000n]: an exact rate as a fraction. */
function fraction(text) {
  const [whole, frac = ""] = String(text).split(".");
  return [BigInt(whole + frac), 10n ** BigInt(frac.length)];
}

/** Integer minor units of `from` in `to` at the boot data's FX rates (`fx.rates`: units per
 * one unit of the snapshot's base), exactly as castcart.money.fx.FxSnapshot.convert: the
 * exact quotient, rounded once to the target's minor unit, half to even. BigInt only, so
 * the shopper's card shows the figure the quote and the invoice charge. Null when the
 * snapshot has no rate for either currency. */
export function convertMinor(fx, styles, amountMinor, from, to) {
  const amount = BigInt(Math.trunc(Number(amountMinor)));
  if (from === to) return Number(amount);
  const rates = (fx && fx.rates) || {};
  if (!(from in rates) || !(to in rates)) return null;
  const [nTo, dTo] = fraction(rates[to]);
  const [nFrom, dFrom] = fraction(rates[from]);
  const shift = exponentOf(styles, to) - exponentOf(styles, from);
  let num = amount * nTo * dFrom;
  let den = dTo * nFrom;
  if (shift > 0) num *= 10n ** BigInt(shift);
  else if (shift < 0) den *= 10n ** BigInt(-shift);
  const negative = num < 0n;
  if (negative) num = -num;
  let q = num / den;
  const twice = 2n * (num % den);
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  return Number(negative ? -q : q);
}
