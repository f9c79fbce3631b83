// The sample moderator console: a queue ordered by severity and age, filters, live updates pushed over SignalR
// (/hubs/moderation), and a case view with the conversation's risk timeline, message excerpts and reviewer actions.
// Queue, reviews, hold lifting and freezes use SafeChat's moderation API; the case view, ban recommendations and
// reports use the sample's /console routes (the platform owns message text).
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const api = "/safechat/moderation";
  const rank = { critical: 4, high: 3, medium: 2, low: 1 };
  let escalations = new Map();
  let current = null;
  let connection = null;

  function key() {
    return $("api-key").value || sessionStorage.getItem("safechat-api-key") || "";
  }

  async function call(path, options) {
    const response = await fetch(path, { ...options, headers: { "X-Api-Key": key(), "Content-Type": "application/json" } });
    if (!response.ok) {
      throw new Error(response.status === 401 || response.status === 403 ? "API key rejected" : "HTTP " + response.status);
    }
    return response;
  }

  const json = async (path, options) => (await call(path, options)).json();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "class") node.className = value;
      else if (name.startsWith("data-")) node.setAttribute(name, value);
      else node[name] = value;
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const fmtDate = (iso) => new Date(iso).toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const age = (iso) => {
    const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    return seconds < 60 ? Math.round(seconds) + " s ago" : seconds < 3600 ? Math.round(seconds / 60) + " min ago" : Math.round(seconds / 3600) + " h ago";
  };
  const topRisk = (harms) => Object.entries(harms || {}).sort((a, b) => b[1] - a[1])[0] || ["", 0];

  // Severity first (critical on top), then the oldest first: the case waiting longest at a severity comes next.
  function ordered() {
    const severity = $("filter-severity").value;
    const text = $("filter-text").value.trim().toLowerCase();
    return [...escalations.values()]
      .filter((e) => !severity || e.severity === severity)
      .filter((e) => !text || [e.rule_id, e.conversation_id, e.subject_user_id].some((v) => (v || "").toLowerCase().includes(text)))
      .sort((a, b) => (rank[b.severity] || 0) - (rank[a.severity] || 0) || new Date(a.raised_at) - new Date(b.raised_at));
  }

  function renderQueue(freshId) {
    const list = $("queue");
    list.innerHTML = "";
    for (const e of ordered()) {
      const [harm, risk] = topRisk(e.harms);
      const item = el("li", { "data-id": e.id, "data-rule": e.rule_id, "data-room": e.conversation_id, "data-severity": e.severity, "data-status": e.status },
        el("span", { class: "sev", "data-severity": e.severity }, e.severity),
        el("span", { class: "title" }, e.rule_id + " · " + e.subject_user_id),
        el("span", { class: "meta" }, "room " + e.conversation_id + " · " + harm + " " + risk.toFixed(2) + " · " + age(e.raised_at) + " · " + e.status));
      if (current && current.id === e.id) item.classList.add("selected");
      if (e.id === freshId) item.classList.add("fresh");
      item.addEventListener("click", () => openCase(e.id));
      list.append(item);
    }
    const shown = list.children.length;
    $("mod-status").textContent = shown + " case(s) shown of " + escalations.size + ", updated " + new Date().toLocaleTimeString();
    $("mod-status").dataset.count = String(escalations.size);
  }

  async function loadQueue() {
    const status = $("filter-status").value;
    const data = await json(api + "/escalations?limit=200" + (status ? "&status=" + status : ""));
    escalations = new Map(data.escalations.filter((e) => !e.shadow).map((e) => [e.id, e]));
    renderQueue();
  }

  function chart(timeline, escalationIndex) {
    const svg = $("risk-chart");
    svg.innerHTML = "";
    const ns = "http://www.w3.org/2000/svg";
    const n = Math.max(timeline.length - 1, 1);
    const x = (i) => 10 + (580 * i) / n;
    const y = (v) => 130 - 120 * v;
    // A message refused before scoring (frozen) has no risk of its own: the line carries the last known value on.
    const line = (key, color) => {
      const path = document.createElementNS(ns, "polyline");
      let last = 0;
      path.setAttribute("points", timeline.map((t, i) => { last = t[key] ?? last; return x(i) + "," + y(last); }).join(" "));
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", color);
      path.setAttribute("stroke-width", "2.5");
      svg.append(path);
    };
    const at = timeline.findIndex((t) => t.index === escalationIndex);
    if (at >= 0) {
      const mark = document.createElementNS(ns, "line");
      mark.setAttribute("x1", x(at)); mark.setAttribute("x2", x(at)); mark.setAttribute("y1", 5); mark.setAttribute("y2", 135);
      mark.setAttribute("stroke", "#1d3557"); mark.setAttribute("stroke-dasharray", "4 3");
      svg.append(mark);
    }
    line("grooming", "#d97706");
    line("sextortion", "#9b1c1c");
    timeline.forEach((t, i) => {
      if (t.outcome !== "delivered") {
        const dot = document.createElementNS(ns, "circle");
        dot.setAttribute("cx", x(i)); dot.setAttribute("cy", 135); dot.setAttribute("r", 3.5); dot.setAttribute("fill", "#9b1c1c");
        svg.append(dot);
      }
    });
  }

  function renderCase(c) {
    $("empty").hidden = true;
    const view = $("case");
    view.hidden = false;
    view.dataset.id = c.id;
    view.dataset.severity = c.severity;
    view.dataset.status = c.status;
    $("case-severity").textContent = c.severity;
    $("case-severity").dataset.severity = c.severity;
    $("case-title").textContent = c.rule_id + " in " + c.conversation_id;
    $("case-status").textContent = c.status.replace("_", " ");
    $("case-status").dataset.status = c.status;
    const facts = $("case-facts");
    facts.innerHTML = "";
    const [harm, risk] = topRisk(c.harms);
    for (const [name, value, id] of [
      ["Reported user", c.subject_user_id, "fact-subject"], ["Victim age band", c.victim.age_band + " (" + c.victim.age_assurance + ")", "fact-victim"],
      ["Raised", fmtDate(c.raised_at), "fact-date"], ["At message", "#" + c.message_index, "fact-index"],
      ["Risk", harm + " " + risk.toFixed(3), "fact-risk"], ["Signals", (c.signals || []).join(", ") || "none", "fact-signals"],
      ["Model", c.model_version || "?", "fact-model"], ["Policy", c.policy_version || "?", "fact-policy"]]) {
      facts.append(el("dt", {}, name), el("dd", { id }, value));
    }
    const flags = $("case-flags");
    flags.innerHTML = "";
    const flag = (name, on, text) => flags.append(el("span", { class: "flag" + (on ? " on" : ""), "data-flag": name, "data-on": String(!!on) }, text));
    flag("held", c.sender_held, c.sender_held ? "sender's messages held" : "no hold");
    flag("frozen", c.frozen, c.frozen ? "conversation frozen" : "not frozen");
    flag("ban", c.ban_recommended, c.ban_recommended ? "ban recommended by " + c.ban_recommended.by : "no ban recommendation");
    flag("report", c.report, c.report ? "report #" + c.report.sequence + " on hold until " + fmtDate(c.report.hold_until) : "no report");
    if (c.review) flag("review", true, c.review.outcome.replace("_", " ") + " by " + c.review.reviewer);

    chart(c.timeline, c.message_index);
    const timeline = $("timeline");
    timeline.innerHTML = "";
    for (const t of c.timeline) {
      const item = el("li", { "data-index": t.index, "data-outcome": t.outcome, "data-after": String(t.after_escalation) },
        el("span", {}, "#" + t.index), el("span", {}, new Date(t.time).toLocaleTimeString()), el("span", {}, t.author + " (" + t.role + ")"),
        el("span", { class: "outcome", "data-outcome": t.outcome }, t.outcome), el("span", {}, (t.signals || []).join(", ")),
        el("span", {}, t.scored ? "g " + t.grooming.toFixed(2) + " · s " + t.sextortion.toFixed(2) : "not scored"));
      if (t.after_escalation) item.classList.add("after");
      if (t.index === c.message_index) item.classList.add("escalated");
      timeline.append(item);
    }
    const excerpts = $("excerpts");
    excerpts.innerHTML = "";
    for (const x of c.excerpts) {
      const box = el("div", { class: "excerpt", "data-index": x.index }, el("header", {}, "from #" + x.index + " · signals: " + x.signals.join(", ")));
      for (const m of x.messages) {
        const line = el("p", { "data-role": m.role, class: m.signals.length ? "hit" : "" }, el("span", { class: "idx" }, "#" + m.index + " "), el("strong", {}, m.author + ": "), m.text);
        if (m.signals.length) line.append(el("span", { class: "tag sig" }, m.signals.join(", ")));
        if (m.outcome !== "delivered") line.append(el("span", { class: "tag" }, "[" + m.outcome + "]"));
        box.append(line);
      }
      excerpts.append(box);
    }
    if (c.excerpts.length === 0) excerpts.append(el("p", { class: "state" }, "No message with a signal is stored for this conversation."));
  }

  async function openCase(id) {
    try {
      current = await json("/console/cases/" + encodeURIComponent(id));
      renderCase(current);
      renderQueue();
    } catch (error) {
      $("action-result").textContent = error.message;
    }
  }

  async function act(action) {
    if (!current) return;
    const id = encodeURIComponent(current.id);
    const result = $("action-result");
    try {
      if (action === "confirmed" || action === "false_positive") {
        await call(api + "/escalations/" + id + "/review", { method: "POST", body: JSON.stringify({ outcome: action }) });
        result.textContent = action === "confirmed" ? "Confirmed; the hold ended with the review." : "Marked false positive; hold and freeze lifted.";
      } else if (action === "lift-hold") {
        await call(api + "/escalations/" + id + "/lift-hold", { method: "POST" });
        result.textContent = "Hold lifted: the sender's next messages are delivered.";
      } else if (action === "freeze") {
        await call(api + "/escalations/" + id + "/freeze", { method: "POST" });
        result.textContent = "Conversation frozen until a reviewer lifts it.";
      } else if (action === "ban") {
        await call("/console/cases/" + id + "/ban-recommendation", { method: "POST" });
        result.textContent = "Ban recommended.";
      } else if (action === "report") {
        const response = await call("/console/cases/" + id + "/report", { method: "POST" });
        const blob = await response.blob();
        const name = /filename=([^;]+)/.exec(response.headers.get("Content-Disposition") || "")?.[1] || "safechat-evidence.json";
        const link = el("a", { href: URL.createObjectURL(blob), download: name.replace(/"/g, "") });
        document.body.append(link);
        link.click();
        link.remove();
        result.textContent = "Report built (" + name.replace(/"/g, "") + "); evidence on preservation hold until " + fmtDate(response.headers.get("X-Evidence-Hold-Until")) + ".";
      }
      result.dataset.done = action;
    } catch (error) {
      result.textContent = error.message;
    }
    await loadQueue();
    await openCase(current.id);
  }

  async function goLive() {
    if (connection) await connection.stop();
    connection = new signalR.HubConnectionBuilder()
      .withUrl("/hubs/moderation", { accessTokenFactory: () => key() })
      .withAutomaticReconnect()
      .build();
    connection.on("escalation", (e) => {
      const wanted = $("filter-status").value;
      if (!wanted || wanted === e.status) {
        escalations.set(e.id, { ...(escalations.get(e.id) || {}), ...e });
        renderQueue(e.id);
      }
    });
    connection.on("activity", (a) => { if (current && current.conversation_id === a.conversation_id) openCase(current.id); });
    connection.on("case", (c) => { loadQueue(); if (current && current.id === c.id) openCase(current.id); });
    const live = $("live");
    connection.onreconnecting(() => { live.textContent = "reconnecting"; live.dataset.state = "reconnecting"; });
    connection.onreconnected(() => { live.textContent = "live"; live.dataset.state = "live"; loadQueue(); });
    await connection.start();
    live.textContent = "live";
    live.dataset.state = "live";
  }

  $("load").addEventListener("click", async () => {
    sessionStorage.setItem("safechat-api-key", $("api-key").value);
    try {
      await loadQueue();
      await goLive();
    } catch (error) {
      $("mod-status").textContent = error.message;
    }
  });
  for (const id of ["filter-severity", "filter-text"]) $(id).addEventListener("input", () => renderQueue());
  $("filter-status").addEventListener("change", () => loadQueue().catch((error) => { $("mod-status").textContent = error.message; }));
  for (const button of document.querySelectorAll(".actions button")) button.addEventListener("click", () => act(button.dataset.action));
})();
