// The page's own script: search the unit labels, show one unit's rows, download them.
// Labels come from outside sources: they are only ever written with textContent.
(function () {
  "use strict";
  const D = window.TASAPAINO_EXPLORER;
  const number = new Intl.NumberFormat(UI.locale);
  const share = new Intl.NumberFormat(UI.locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const change = new Intl.NumberFormat(UI.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: "exceptZero" });
  const q = document.getElementById("q");
  const status = document.getElementById("status");
  const matches = document.getElementById("matches");
  const result = document.getElementById("result");

  const norm = (s) => s.toLocaleLowerCase(UI.locale).replace(/\s+/g, " ").trim();
  const label = (u) => D.units[u][LANG] || D.units[u].fi;
  const el = (tag, text, attrs) => {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  };
  const say = (template, n) => template.replace("{n}", number.format(n));

  function search() {
    const term = norm(q.value);
    matches.replaceChildren();
    if (term.length < 2) { status.textContent = ""; return; }
    const found = [];
    D.units.forEach((names, u) => {
      if ([names.fi, names.sv, names.en].some((n) => norm(n).includes(term))) found.push(u);
    });
    found.sort((a, b) => label(a).localeCompare(label(b), UI.locale));
    status.textContent = found.length === 0 ? UI.no_match : found.length === 1 ? UI.one_match : say(UI.matches, found.length);
    for (const u of found.slice(0, 40)) {
      const li = el("li");
      const button = el("button", label(u), { type: "button" });
      button.addEventListener("click", () => show(u));
      li.append(button);
      matches.append(li);
    }
    const exact = found.filter((u) => norm(label(u)) === term);
    if (exact.length === 1) show(exact[0]);
  }

  function show(u) {
    const rows = D.rows.filter((r) => r.u === u);
    result.replaceChildren();
    result.append(el("h2", label(u), { id: "result-title", tabindex: "-1" }));
    result.append(el("p", say(UI.rows, rows.length)));
    const download = el("button", UI.download, { type: "button", id: "download" });
    download.addEventListener("click", () => save(u, rows));
    result.append(download);
    const groups = new Map();
    for (const r of rows) {
      if (!groups.has(r.m)) groups.set(r.m, []);
      groups.get(r.m).push(r);
    }
    for (const group of groups.values()) {
      result.append(el("h3", group[0].ml[LANG]));
      const wrap = el("div", null, { class: "scroll", tabindex: "0", role: "region", "aria-label": group[0].ml[LANG] });
      const table = el("table");
      const head = el("tr");
      for (const h of [UI.year, UI.region, UI.women, UI.men, UI.share, UI.class, UI.change, UI.source]) head.append(el("th", h, { scope: "col" }));
      const thead = el("thead");
      thead.append(head);
      table.append(thead);
      const body = el("tbody");
      const sorted = [...group].sort((a, b) => a.r.localeCompare(b.r, UI.locale) || a.y - b.y);
      for (const r of sorted) {
        const before = sorted.filter((p) => p.rc === r.rc && p.y < r.y && p.s !== null).pop();
        const tr = el("tr");
        tr.append(el("td", r.y), el("td", r.r));
        const count = (v) => (v === null ? UI.none : number.format(v));
        tr.append(el("td", count(r.w), { class: "num" }), el("td", count(r.n), { class: "num" }));
        tr.append(el("td", r.s === null ? UI.none : share.format(r.s), { class: "num" }));
        tr.append(el("td", D.classes[LANG][r.c] || UI.none));
        const delta = before && r.s !== null ? `${change.format(100 * (r.s - before.s))} ${UI.unit} (${before.y})` : UI.none;
        tr.append(el("td", delta, { class: "num" }));
        const source = el("td");
        if (r.url) source.append(el("a", `${UI.source_link} ${r.t}`, { href: r.url }));
        else source.textContent = r.t;
        tr.append(source);
        body.append(tr);
      }
      table.append(body);
      wrap.append(table);
      result.append(wrap);
    }
    document.getElementById("result-title").focus();
  }

  function save(u, rows) {
    const text = [D.header, ...rows.map((r) => r.line)].join(D.eol) + D.eol;
    const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    const slug = label(u).toLocaleLowerCase(UI.locale).normalize("NFD").replace(/[^\w]+/g, "-").replace(/^-|-$/g, "") || "rows";
    const a = el("a", null, { href: url, download: `unit_shares-${slug}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  q.addEventListener("input", search);
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) { q.value = initial; search(); }
})();
