// The visitor's consent on the shopper page (and in the widget's frame): the banner, the
// stored decisions (PUT /api/v1/shop/{store}/consents: grants AND refusals, with the policy
// version), and the one API every optional script asks before it does anything:
//
//   import { consent } from "./lib/consent.js";          // inside castcart's bundles
//   window.castcartConsent.get("analytics")               // any page script: true/false
//   window.castcartConsent.whenGranted("analytics", fn)   // fn runs once, when allowed
//   document.addEventListener("castcart:consent", (e) => e.detail.analytics)
//
// Until the stored decisions are loaded every optional purpose reads false, in every market.
// Opt-in markets (EU/EEA, UK, and any market without a rule of its own) stay false until the
// visitor grants; opt-out markets (US: CCPA/CPRA) run unless refused, and a Global Privacy
// Control signal refuses marketing (sale/sharing) by itself. "necessary" is always true.

import { $, $$, show, t } from "./ui.js";

export const CONSENT_EVENT = "castcart:consent";

const listeners = new Set();
const state = {
  ready: false,
  model: "opt_in",
  policyVersion: "",
  purposes: [],
  effective: {},
  decisions: {},
};
let resolveReady;
const ready = new Promise((resolve) => (resolveReady = resolve));

function snapshot() {
  const out = { ready: state.ready, model: state.model, policy_version: state.policyVersion, necessary: true };
  for (const p of state.purposes) out[p] = get(p);
  return out;
}

/** May `purpose` run now? ("necessary" always; anything else only once decisions are known.) */
function get(purpose) {
  if (purpose === "necessary") return true;
  return state.ready && state.effective[purpose] === true;
}

/** Call `fn(snapshot)` on every change (and now, if the state is already known). */
function onChange(fn) {
  listeners.add(fn);
  if (state.ready) fn(snapshot());
  return () => listeners.delete(fn);
}

/** Run `fn` once, as soon as `purpose` is allowed (now, if it already is). */
function whenGranted(purpose, fn) {
  let done = false;
  const off = onChange(() => {
    if (done || !get(purpose)) return;
    done = true;
    queueMicrotask(() => off());
    fn();
  });
  return off;
}

export const consent = {
  get,
  onChange,
  whenGranted,
  ready,
  get model() {
    return state.model;
  },
  open: () => {},
};

function publish() {
  const detail = snapshot();
  for (const fn of [...listeners]) {
    try {
      fn(detail);
    } catch (err) {
      console.error(err);
    }
  }
  document.dispatchEvent(new CustomEvent(CONSENT_EVENT, { bubbles: true, detail }));
  // In the widget's frame: tell the host page (its <castcart-show> re-dispatches the event).
  if (window.parent !== window) window.parent.postMessage({ type: CONSENT_EVENT, consent: detail }, "*");
}

function apply(view) {
  state.model = view.model || state.model;
  state.decisions = view.decisions || {};
  state.effective = {};
  for (const p of state.purposes) state.effective[p] = Boolean(view.effective && view.effective[p]);
  const first = !state.ready;
  state.ready = true;
  if (first) resolveReady(snapshot());
  publish();
}

/** Purposes of the banner with no decision under the current policy version. */
function undecided() {
  return state.purposes.filter((p) => {
    const d = state.decisions[p];
    return !d || d.policy_version !== state.policyVersion;
  });
}

/**
 * Start: `config` is the page's boot.consent ({model, policy_version, purposes, country});
 * `io.load()` answers GET consents, `io.save(choices, source)` answers PUT consents.
 */
export function installConsent(config, io) {
  state.model = config.model;
  state.policyVersion = config.policy_version;
  state.purposes = config.purposes || [];
  window.castcartConsent = Object.freeze({
    get,
    onChange,
    whenGranted,
    ready,
    get model() {
      return state.model;
    },
    open: () => openBanner(true),
  });

  const banner = $("#cc-consent-banner");
  const status = $("#cc-consent-status");
  const boxes = () => $$("input[data-purpose]", banner);

  function openBanner(focus) {
    for (const box of boxes()) box.checked = get(box.dataset.purpose);
    show(banner, true);
    if (focus) $("#cc-consent-title").focus();
  }
  consent.open = () => openBanner(true);

  async function decide(choices, source = "banner", message = "consent.saved") {
    // Where focus was before the buttons are disabled (a disabled button drops it).
    const hadFocus = !banner.hidden && banner.contains(document.activeElement);
    $$("button", banner).forEach((b) => (b.disabled = true));
    try {
      apply(await io.save(choices, source));
      show(banner, false);
      status.textContent = t(message);
      if (hadFocus) $("#cc-consent-open").focus();
    } catch (err) {
      status.textContent = err.message;
    } finally {
      $$("button", banner).forEach((b) => (b.disabled = false));
    }
  }
  const all = (value) => Object.fromEntries(state.purposes.map((p) => [p, value]));

  $("#cc-consent-accept").addEventListener("click", () => decide(all(true)));
  $("#cc-consent-reject").addEventListener("click", () => decide(all(false)));
  $("#cc-consent-form").addEventListener("submit", (event) => {
    event.preventDefault();
    decide(Object.fromEntries(boxes().map((b) => [b.dataset.purpose, b.checked])));
  });
  $("#cc-consent-open").addEventListener("click", () => openBanner(true));
  const doNotSell = $("#cc-do-not-sell");
  if (doNotSell) doNotSell.addEventListener("click", () => decide({ marketing: false }, "settings", "consent.do_not_sell_done"));
  banner.addEventListener("keydown", (event) => {
    // Escape closes a banner reopened from "Privacy choices" (a first-time one must be answered).
    if (event.key === "Escape" && !undecided().length) {
      show(banner, false);
      $("#cc-consent-open").focus();
    }
  });

  return io
    .load()
    .then(async (view) => {
      apply(view);
      const gpc = navigator.globalPrivacyControl === true;
      const marketing = state.decisions.marketing;
      if (state.model === "opt_out" && gpc && (!marketing || marketing.decision !== "refused")) {
        await decide({ marketing: false }, "gpc", "consent.gpc");
      }
      if (undecided().length) openBanner(false);
    })
    .catch((err) => {
      // Decisions unknown: nothing optional runs; the visitor can still answer.
      status.textContent = err.message;
      openBanner(false);
    });
}
