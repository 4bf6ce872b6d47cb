// Poll, giveaway and quiz cards driven by live frames. The shopper page wires the buttons to
// vote / enter / answer; the console wires them to close / draw / reveal.

import { h, number, t } from "./ui.js";

const idOf = (f, kind) => f[`${kind}_id`] ?? f.id;

function options(f) {
  return (f.options || []).map((o, i) =>
    typeof o === "object" && o !== null
      ? { key: o.id ?? o.option_id ?? i, index: i, label: o.text ?? o.label ?? String(o.id ?? i) }
      : { key: i, index: i, label: String(o) },
  );
}

function counts(f, opts) {
  const raw = f.counts ?? f.results ?? f.tallies ?? f.votes;
  const out = opts.map(() => 0);
  if (Array.isArray(raw)) raw.forEach((v, i) => (out[i] = Number(typeof v === "object" ? v.votes ?? v.count ?? 0 : v) || 0));
  else if (raw && typeof raw === "object")
    opts.forEach((o, i) => (out[i] = Number(raw[o.key] ?? raw[String(o.index)] ?? raw[o.label] ?? 0) || 0));
  else if (Array.isArray(f.options)) f.options.forEach((o, i) => (out[i] = Number(o?.votes ?? o?.count ?? 0) || 0));
  return out;
}

export class Engagement {
  /** @param {HTMLElement} root  @param {object} actions  @param {"shopper"|"staff"} role */
  constructor(root, actions, role) {
    this.root = root;
    this.actions = actions;
    this.role = role;
    this.cards = new Map();
    this.voted = new Set(); // polls this viewer voted in (results frames redraw the card)
  }

  card(key, title) {
    let card = this.cards.get(key);
    if (!card) {
      card = h("article", { class: "widget", "aria-label": title });
      this.cards.set(key, card);
      this.root.prepend(card);
    }
    card.replaceChildren();
    return card;
  }

  status(card, text) {
    card.append(h("p", { class: "widget-status", role: "status" }, text));
  }

  async run(button, fn) {
    const card = button.closest(".widget");
    card.querySelectorAll("button").forEach((b) => (b.disabled = true));
    try {
      await fn();
      return true;
    } catch (err) {
      this.status(card, err.message || String(err));
      card.querySelectorAll("button").forEach((b) => (b.disabled = false));
      return false;
    }
  }

  pollOpened(f) {
    const id = idOf(f, "poll");
    const opts = options(f);
    this.polls = { ...(this.polls || {}), [id]: { question: f.question, opts } };
    const card = this.card(`poll:${id}`, t("widget.poll"));
    card.append(h("h3", {}, t("widget.poll")), h("p", { class: "widget-q", dir: "auto" }, f.question || ""));
    const group = h("div", { class: "widget-options", role: "group", "aria-label": f.question || t("widget.poll") });
    for (const o of opts) {
      const b = h("button", { type: "button", class: "option", dir: "auto" }, o.label);
      if (this.role === "shopper")
        b.addEventListener("click", () =>
          this.run(b, () => this.actions.vote(id, o)).then((ok) => {
            if (!ok) return;
            this.voted.add(id);
            this.status(this.cards.get(`poll:${id}`) || card, t("widget.voted"));
          }),
        );
      else b.disabled = true;
      group.append(b);
    }
    card.append(group);
    if (this.role === "staff") {
      const close = h("button", { type: "button", class: "danger small" }, t("widget.close_poll"));
      close.addEventListener("click", () => this.run(close, () => this.actions.closePoll(id)));
      card.append(close);
    }
  }

  pollResults(f, closed = false) {
    const id = idOf(f, "poll");
    const known = (this.polls || {})[id] || { question: f.question, opts: options(f) };
    const opts = known.opts.length ? known.opts : options(f);
    const votes = counts(f, opts);
    const total = votes.reduce((a, b) => a + b, 0);
    const card = this.card(`poll:${id}`, t("widget.poll"));
    card.append(h("h3", {}, closed ? t("widget.poll_closed") : t("widget.poll")), h("p", { class: "widget-q", dir: "auto" }, known.question || f.question || ""));
    const list = h("ul", { class: "results" });
    opts.forEach((o, i) => {
      const pct = total ? Math.round((votes[i] / total) * 100) : 0;
      const bar = h("span", { class: "bar" });
      bar.style.inlineSize = `${pct}%`;
      list.append(h("li", {}, h("span", { class: "result-label", dir: "auto" }, o.label), " ", h("span", { class: "result-pct" }, `${number(pct)}%`), bar));
    });
    card.append(list, h("p", { class: "muted" }, t("widget.votes", { n: number(total) })));
    if (this.voted.has(id) || (f.my_vote !== null && f.my_vote !== undefined)) this.status(card, t("widget.voted"));
    if (!closed && this.role === "staff") {
      const close = h("button", { type: "button", class: "danger small" }, t("widget.close_poll"));
      close.addEventListener("click", () => this.run(close, () => this.actions.closePoll(id)));
      card.append(close);
    }
  }

  giveawayOpened(f) {
    const id = idOf(f, "giveaway");
    const card = this.card(`giveaway:${id}`, t("widget.giveaway"));
    this.giveaways = { ...(this.giveaways || {}), [id]: { title: f.title, prize: f.prize } };
    card.append(h("h3", {}, t("widget.giveaway")), h("p", { class: "widget-q", dir: "auto" }, f.title || ""), f.prize ? h("p", { dir: "auto" }, f.prize) : null);
    if (this.role === "shopper" && f.entered) {
      this.status(card, t("widget.entered"));
      return;
    }
    const b = h("button", { type: "button", class: "primary" }, this.role === "shopper" ? t("widget.enter") : t("widget.draw"));
    b.addEventListener("click", () =>
      this.role === "shopper"
        ? this.run(b, () => this.actions.enter(id)).then((ok) => ok && this.status(card, t("widget.entered")))
        : this.run(b, () => this.actions.draw(id)),
    );
    card.append(b);
  }

  giveawayDrawn(f, myTickets) {
    const id = idOf(f, "giveaway");
    const known = (this.giveaways || {})[id] || { title: f.title, prize: f.prize };
    const card = this.card(`giveaway:${id}`, t("widget.giveaway"));
    const winners = f.winners || [];
    const names = winners.map((w) => w.display_name || t("shop.guest"));
    const mine = myTickets ? myTickets() : new Set();
    const won = winners.some((w) => mine.has(w.ticket));
    card.append(
      h("h3", {}, t("widget.giveaway")),
      h("p", { class: "widget-q", dir: "auto" }, known.title || ""),
      h("p", { class: won ? "winner me" : "winner" }, won ? t("widget.you_won") : names.length ? t("widget.winner", { name: names.join(", ") }) : t("widget.no_winner")),
    );
  }

  quizQuestion(f) {
    const id = idOf(f, "quiz");
    const opts = options(f);
    this.quizzes = { ...(this.quizzes || {}), [id]: { question: f.question, opts } };
    const card = this.card(`quiz:${id}`, t("widget.quiz"));
    card.append(h("h3", {}, t("widget.quiz")), h("p", { class: "widget-q", dir: "auto" }, f.question || ""));
    const group = h("div", { class: "widget-options", role: "group", "aria-label": f.question || t("widget.quiz") });
    for (const o of opts) {
      const b = h("button", { type: "button", class: "option", dir: "auto" }, o.label);
      if (this.role === "shopper")
        b.addEventListener("click", () =>
          this.run(b, () => this.actions.answer(id, o)).then((ok) => {
            if (ok) {
              b.classList.add("chosen");
              this.status(card, t("widget.answered"));
            }
          }),
        );
      else b.disabled = true;
      group.append(b);
    }
    card.append(group);
    if (this.role === "staff") {
      const reveal = h("button", { type: "button", class: "small" }, t("widget.reveal"));
      reveal.addEventListener("click", () => this.run(reveal, () => this.actions.reveal(id)));
      card.append(reveal);
    }
  }

  quizRevealed(f) {
    const id = idOf(f, "quiz");
    const known = (this.quizzes || {})[id] || { question: f.question, opts: options(f) };
    const correct = f.correct_index;
    const right = known.opts.find((o) => o.index === correct);
    const card = this.card(`quiz:${id}`, t("widget.quiz"));
    card.append(
      h("h3", {}, t("widget.quiz")),
      h("p", { class: "widget-q", dir: "auto" }, known.question || ""),
      h("p", { class: "winner" }, t("widget.correct_answer", { answer: right ? right.label : String(correct ?? "") })),
    );
    if (f.answer_count !== undefined && f.answer_count !== null)
      card.append(h("p", { class: "muted" }, t("widget.quiz_tally", { right: number(f.correct_count ?? 0), n: number(f.answer_count) })));
  }

  /** Page load: what is open now (GET .../engagement), in the same cards as the frames. */
  restore(state, myTickets) {
    if (state.poll) {
      const p = { ...state.poll, poll_id: state.poll.id };
      if (p.status === "open") {
        this.pollOpened(p);
        if (p.my_vote !== null && p.my_vote !== undefined) this.pollResults(p);
      } else this.pollResults(p, true);
    }
    if (state.giveaway) {
      const g = { ...state.giveaway, giveaway_id: state.giveaway.id };
      if (g.my_ticket) myTickets?.add(g.my_ticket);
      if (g.winners) {
        this.giveaways = { ...(this.giveaways || {}), [g.id]: { title: g.title, prize: g.prize } };
        this.giveawayDrawn(g, () => myTickets || new Set());
      } else this.giveawayOpened(g);
    }
    if (state.quiz) {
      const q = { ...state.quiz, quiz_id: state.quiz.id };
      this.quizQuestion(q);
      if (q.correct_index !== null && q.correct_index !== undefined) this.quizRevealed(q);
    }
  }

  handlers(myTickets) {
    return {
      "poll.opened": (f) => this.pollOpened(f),
      "poll.results": (f) => this.pollResults(f),
      "poll.closed": (f) => this.pollResults(f, true),
      "giveaway.opened": (f) => this.giveawayOpened(f),
      "giveaway.drawn": (f) => this.giveawayDrawn(f, myTickets),
      "quiz.question": (f) => this.quizQuestion(f),
      "quiz.revealed": (f) => this.quizRevealed(f),
    };
  }
}
