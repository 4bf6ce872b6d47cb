// castcart embed: <script src="https://shop.example/widget.js" async></script>
//                 <castcart-show store="my-store" show="SHOW_ID" lang="es"></castcart-show>
//                 <castcart-show store="my-store" show="SHOW_ID" mode="replay"></castcart-show>
//                 <castcart-shows store="my-store"></castcart-shows>  (upcoming + replays)
//
// The element frames castcart's own shopper page (?embed=1): the shopper's token, chat and
// checkout stay on castcart's origin under its strict CSP, the host site's scripts and
// styles cannot reach into the payment flow, and the host needs no CORS or CSP changes
// beyond allowing the frame. The frame reports its height so it never scrolls inside, and
// the viewer's consent (the banner is inside the frame), re-dispatched on the element as a
// "castcart:consent" event so the host's analytics can honour it too.

import { frameHeight } from "./lib/size.js";

(() => {
  const script = document.currentScript;
  const origin = script ? new URL(script.src, location.href).origin : location.origin;
  const SLUG = /^[a-z0-9][a-z0-9-]{1,63}$/;
  const ID = /^[A-Za-z0-9_-]{1,32}$/;

  class CastcartShow extends HTMLElement {
    static get observedAttributes() {
      return ["store", "show", "lang", "country", "height", "mode"];
    }

    connectedCallback() {
      this.render();
      this.onMessage = (event) => {
        if (!this.frame || event.source !== this.frame.contentWindow || event.origin !== origin) return;
        const data = event.data || {};
        if (data.type === "castcart:resize" && Number.isFinite(data.height) && !frameHeight(this.getAttribute("height"))) {
          this.frame.style.height = `${Math.max(320, Math.min(4000, Math.ceil(data.height)))}px`;
        }
        if (data.type === "castcart:datalayer" && data.payload && typeof data.payload.event === "string") {
          // GA4 e-commerce events of the show (sent only with the viewer's analytics consent)
          // for the host page's Google tags: view_item, add_to_cart, purchase.
          (window.dataLayer = window.dataLayer || []).push({ ecommerce: null });
          window.dataLayer.push(data.payload);
        }
        if (data.type === "castcart:consent" && data.consent && typeof data.consent === "object") {
          // The viewer's consent inside the frame, for the host page's own scripts:
          // element.consent.analytics, or listen for "castcart:consent" on the element.
          this.consent = Object.freeze({ ...data.consent });
          this.dispatchEvent(new CustomEvent("castcart:consent", { bubbles: true, composed: true, detail: this.consent }));
        }
      };
      window.addEventListener("message", this.onMessage);
    }

    disconnectedCallback() {
      window.removeEventListener("message", this.onMessage);
    }

    attributeChangedCallback() {
      if (this.isConnected) this.render();
    }

    render() {
      const store = this.getAttribute("store") || "";
      const show = this.getAttribute("show") || "";
      const root = this.shadowRoot || this.attachShadow({ mode: "open" });
      const list = this.constructor.listsShows === true;
      if (!SLUG.test(store) || (!list && !ID.test(show))) {
        root.replaceChildren(document.createTextNode(`castcart: set store${list ? "" : " and show"} attributes`));
        this.frame = null;
        return;
      }
      const path = list
        ? `/s/${store}/shows`
        : this.getAttribute("mode") === "replay"
          ? `/s/${store}/replays/${show}`
          : `/s/${store}/shows/${show}`;
      const url = new URL(path, origin);
      url.searchParams.set("embed", "1");
      for (const name of ["lang", "country"]) {
        const value = this.getAttribute(name);
        if (value) url.searchParams.set(name, value);
      }
      if (this.frame && this.frame.src === url.href) {
        // only the height changed: resize, do not reload the show
        this.frame.style.height = frameHeight(this.getAttribute("height")) || this.frame.style.height;
        return;
      }
      const frame = document.createElement("iframe");
      frame.src = url.href;
      frame.title = this.getAttribute("title") || "Live shopping show";
      frame.allow = "autoplay; fullscreen; picture-in-picture; clipboard-write";
      frame.loading = "lazy";
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      Object.assign(frame.style, { display: "block", width: "100%", border: "0", height: frameHeight(this.getAttribute("height")) || "720px" });
      this.style.display = this.style.display || "block";
      root.replaceChildren(frame);
      this.frame = frame;
    }
  }

  // the store's shows page: upcoming shows with "remind me", and the replays
  class CastcartShows extends CastcartShow {
    static listsShows = true;
  }

  if (!customElements.get("castcart-show")) customElements.define("castcart-show", CastcartShow);
  if (!customElements.get("castcart-shows")) customElements.define("castcart-shows", CastcartShows);
})();
