// jwtinspect serve: the page. It sends what is pasted to this server's API
// (same origin, the per-run key from the address fragment) and shows the
// answer in the words of the human report. Nothing is stored: no cookie, no
// web storage, and the token is taken out of the address once read.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  // The fragment: k=KEY (the per-run key), token=..., key=..., now=...
  function fragment() {
    const out = {};
    for (const pair of location.hash.replace(/^#/, "").split("&")) {
      const at = pair.indexOf("=");
      if (at < 1) continue;
      let value = pair.slice(at + 1);
      try {
        value = decodeURIComponent(value.replace(/\+/g, " "));
      } catch (_) {
        // Not percent-encoded text: take it as it is.
      }
      out[pair.slice(0, at)] = value;
    }
    return out;
  }

  const given = fragment();
  const apiKey = given.k || "";

  // ---------------------------------------------------------------- words
  // The same wording as the terminal report (src time::duration/relative).
  function duration(secs) {
    const s = Math.abs(Math.trunc(secs));
    const plural = (n, unit) => (n === 1 ? "1 " + unit : n + " " + unit + "s");
    const pair = (big, bu, small, su) => (small === 0 ? big + bu : big + bu + " " + small + su);
    const q = (a, b) => Math.floor(a / b);
    if (s < 60) return s + "s";
    if (s < 3600) return pair(q(s, 60), "m", s % 60, "s");
    if (s < 86400) return pair(q(s, 3600), "h", q(s % 3600, 60), "m");
    if (s < 604800) return pair(q(s, 86400), "d", q(s % 86400, 3600), "h");
    if (s < 5184000) return plural(q(s, 86400), "day");
    if (s < 31536000) return plural(q(s, 2592000), "month");
    return plural(q(s, 31536000), "year");
  }
  const relative = (delta) =>
    delta === 0 ? "just now" : delta > 0 ? "in " + duration(delta) : duration(delta) + " ago";
  // 2021-06-10T19:05:43Z -> 2021-06-10 19:05:43 UTC
  const human = (rfc) => (rfc ? rfc.replace("T", " ").replace(/Z$/, " UTC") : "-");
  const seconds = (rfc) => Date.parse(rfc) / 1000;

  function statusText(status, summary, now) {
    const exp = summary.expires_at && seconds(summary.expires_at);
    const nbf = summary.not_before && seconds(summary.not_before);
    switch (status) {
      case "expired":
        return exp ? "EXPIRED " + relative(exp - now) : "EXPIRED";
      case "not_yet_valid":
        return nbf ? "NOT YET VALID (valid " + relative(nbf - now) + ")" : "NOT YET VALID";
      case "valid":
        return exp ? "valid, expires " + relative(exp - now) : "valid";
      case "no_expiry":
        return "valid, never expires";
      case "malformed":
        return "MALFORMED";
      default:
        return status || "-";
    }
  }

  function verdictText(t) {
    if (typeof t.verdict === "string") return t.verdict;
    const errors = (t.findings || []).filter((f) => f.severity === "error").map((f) => f.code);
    const ok = typeof t.ok === "boolean" ? t.ok : errors.length === 0;
    return ok ? "OK" : "FAILED: " + errors.join(", ");
  }

  // ------------------------------------------------------------- building
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Live rows: each knows how to write itself for a given "now".
  let ticking = [];
  let timer = null;

  function row(table, name, value, cls) {
    const tr = el("tr", cls);
    tr.append(el("th", null, name), el("td", null, value));
    table.append(tr);
    return tr.lastChild;
  }

  function list(items, sep) {
    return items && items.length ? items.join(sep) : "-";
  }

  function when(rfc, now) {
    return rfc ? human(rfc) + "  (" + relative(seconds(rfc) - now) + ")" : "-";
  }

  function summaryTable(t) {
    const s = t.summary || {};
    const table = el("table", "summary");
    const status = row(table, "status", "", "status " + (s.status || ""));
    status.dataset.field = "status";
    ticking.push((now) => (status.textContent = statusText(s.status, s, now)));
    row(table, "user", s.username ? s.username + "  (" + s.username_claim + ")" : "-").dataset.field = "user";
    row(table, "roles", list(s.roles, ", ")).dataset.field = "roles";
    row(table, "scopes", list(s.scopes, " ")).dataset.field = "scopes";
    row(table, "type", s.token_type || "-");
    row(table, "client", s.client || "-");
    row(table, "issuer", s.issuer || "-");
    if (s.audience && s.audience.length) row(table, "audience", list(s.audience, ", "));
    if (s.subject && s.subject !== s.username) row(table, "subject", s.subject);
    const issued = row(table, "issued", "");
    ticking.push((now) => (issued.textContent = when(s.issued_at, now)));
    if (s.not_before) {
      const nbf = row(table, "not before", "");
      ticking.push((now) => (nbf.textContent = when(s.not_before, now)));
    }
    const expires = row(table, "expires", "");
    expires.dataset.field = "expires";
    ticking.push((now) => (expires.textContent = s.expires_at ? when(s.expires_at, now) : "never"));
    if (typeof s.lifetime === "number") row(table, "lifetime", duration(s.lifetime));
    const sig = t.signature || {};
    const state =
      sig.verified === true ? "verified" : sig.verified === false ? "NOT verified" : "not verified (no key given)";
    const bytes = typeof sig.bytes === "number" ? ", " + sig.bytes + " bytes" : "";
    const sigCell = row(table, "signature", (sig.alg || "no alg") + bytes + ", " + state);
    sigCell.className = sig.verified === true ? "good" : sig.verified === false ? "bad" : "dim";
    return table;
  }

  const TIME_CLAIMS = ["exp", "nbf", "iat", "auth_time", "updated_at"];

  function members(title, map, notes, now) {
    const box = el("section", "members");
    box.append(el("h3", null, title));
    const table = el("table", "claims");
    for (const [name, value] of Object.entries(map)) {
      const tr = el("tr");
      const th = el("th", null, name);
      const note = notes && notes[name];
      if (note) {
        th.title = note;
        th.className = "noted";
      }
      const td = el("td");
      td.append(el("code", null, JSON.stringify(value)));
      if (TIME_CLAIMS.includes(name) && typeof value === "number") {
        // The second the verdict judges it from (src time::judged_second): a
        // fractional exp or nbf counts from the second after.
        const second =
          (name === "exp" || name === "nbf") && !Number.isInteger(value)
            ? Math.floor(value) + 1
            : Math.floor(value);
        const iso = new Date(second * 1000).toISOString().replace(/\.\d+Z$/, "Z");
        td.append(el("span", "dim", "  " + human(iso) + " (" + relative(second - now) + ")"));
      }
      if (note) td.append(el("span", "note", "# " + note));
      tr.append(th, td);
      table.append(tr);
    }
    box.append(table);
    return box;
  }

  const SEVERITY = { error: 0, warning: 1, info: 2 };

  function findings(list) {
    const box = el("section", "findings");
    box.append(el("h3", null, "findings"));
    const table = el("table", "findings");
    const sorted = list.slice().sort((a, b) => (SEVERITY[a.severity] ?? 3) - (SEVERITY[b.severity] ?? 3));
    for (const f of sorted) {
      const tr = el("tr", "finding " + f.severity);
      tr.dataset.code = f.code;
      tr.append(el("td", "severity", f.severity), el("td", "code", f.code), el("td", "message", f.message));
      table.append(tr);
    }
    box.append(table);
    return box;
  }

  function tokenCard(t, n, clock) {
    const card = el("article", "token");
    let title = "token " + n + " · " + t.source;
    if (t.field) title += " · " + t.field;
    card.append(el("h2", null, title));
    const verdict = verdictText(t);
    const notChecked = t.checked === false ? " (not checked)" : "";
    const v = el("p", "verdict " + (verdict === "OK" ? "ok" : "failed"), verdict + notChecked);
    v.dataset.verdict = verdict;
    card.append(v);
    card.append(summaryTable(t));
    const now = clock();
    const notes = t.notes || {};
    if (t.jwe && t.jwe.header) {
      const how = t.jwe.decrypted ? "JWE header (decrypted; below: what it held)" : "JWE header (not decrypted)";
      card.append(members(how, t.jwe.header, notes.jwe, now));
    }
    if (t.header) card.append(members("header", t.header, notes.header, now));
    if (t.payload) card.append(members("claims", t.payload, notes.claims, now));
    if (t.findings && t.findings.length) card.append(findings(t.findings));
    return card;
  }

  function render(answer, fixedNow) {
    ticking = [];
    if (timer) clearInterval(timer);
    const out = $("result");
    out.textContent = "";
    const start = Date.now() / 1000;
    // The server's "now" for this answer, from any token with an expiry.
    const judged = answer.tokens
      .map((t) => t.summary && t.summary.expires_at && seconds(t.summary.expires_at) - t.summary.expires_in)
      .find((x) => typeof x === "number" && !isNaN(x));
    const base = typeof judged === "number" ? judged : start;
    // A fixed --now stays fixed; else the countdown runs with the clock.
    const clock = () => (fixedNow ? base : base + (Date.now() / 1000 - start));
    answer.tokens.forEach((t, i) => out.append(tokenCard(t, i + 1, clock)));
    if (answer.tokens.length > 1) {
      const failed = answer.tokens.filter((t) => verdictText(t) !== "OK").length;
      out.append(el("p", "tally", answer.tokens.length + " tokens: " + (answer.tokens.length - failed) + " ok, " + failed + " failed"));
    }
    const text = el("details", "report");
    text.append(el("summary", null, "as the terminal shows it (exit code " + answer.exit_code + ")"), el("pre", null, answer.report));
    out.append(text);
    const tick = () => ticking.forEach((f) => f(clock()));
    tick();
    if (!fixedNow) timer = setInterval(tick, 1000);
  }

  function problem(text) {
    const p = $("problem");
    p.textContent = text || "";
    p.hidden = !text;
  }

  // POST to this server's API with the per-run key; the answer, or null
  // after saying what went wrong.
  async function call(name, body) {
    try {
      const reply = await fetch("/api/" + name + "?k=" + encodeURIComponent(apiKey), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
      const answer = await reply.json();
      if (reply.ok) return answer;
      problem(answer.error || "the server refused (HTTP " + reply.status + ")");
    } catch (e) {
      problem("the jwtinspect server did not answer: is it still running? (" + e.message + ")");
    }
    $("result").textContent = "";
    return null;
  }

  // Busy while a call runs; the time from the click to the rendered report
  // is left in data-render-ms (the browser test reads it).
  async function busy(work) {
    const started = performance.now();
    document.body.dataset.state = "busy";
    problem("");
    await work();
    document.body.dataset.renderMs = String(Math.round(performance.now() - started));
    document.body.dataset.state = "done";
  }

  function inspect() {
    const text = $("token").value;
    if (!text.trim()) {
      problem("paste a token first");
      return;
    }
    const now = $("now").value.trim();
    return busy(async () => {
      const answer = await call("inspect", { text: text, key: $("key").value, now: now });
      if (answer) render(answer, now !== "");
    });
  }

  function sign() {
    return busy(async () => {
      const answer = await call("sign", {
        claims: $("claims").value,
        key: $("sign-key").value,
        alg: $("alg").value,
        exp: $("exp").value,
      });
      $("signed").value = answer ? answer.signed : "";
      if (!answer) return;
      render(answer, false);
      if (answer.notes && answer.notes.length) {
        $("result").prepend(el("p", "notes", answer.notes.join("; ")));
      }
    });
  }

  function tab(which) {
    const signing = which === "sign";
    $("inspect-pane").hidden = signing;
    $("sign-pane").hidden = !signing;
    $("tab-inspect").setAttribute("aria-pressed", String(!signing));
    $("tab-sign").setAttribute("aria-pressed", String(signing));
  }

  function start() {
    $("inspect").addEventListener("click", inspect);
    $("sign").addEventListener("click", sign);
    $("tab-inspect").addEventListener("click", () => tab("inspect"));
    $("tab-sign").addEventListener("click", () => tab("sign"));
    $("token").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) inspect();
    });
    if (!apiKey) {
      problem("this address lacks its key (#k=...): open the address jwtinspect serve printed");
    }
    if (given.now) $("now").value = given.now;
    if (given.key) $("key").value = given.key;
    if (given.token) {
      $("token").value = given.token;
      // The token does not stay in the address bar or the history entry.
      history.replaceState(null, "", location.pathname + location.search + "#k=" + encodeURIComponent(apiKey));
      inspect();
    }
  }

  start();
})();
