// The sample moderator page: lists escalations from the moderation API every 2 s and records reviews.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const base = "/safechat/moderation/escalations";
  let timer = null;

  function key() {
    return $("api-key").value || sessionStorage.getItem("safechat-api-key") || "";
  }

  async function api(path, options) {
    const response = await fetch(path, {
      ...options,
      headers: { "X-Api-Key": key(), "Content-Type": "application/json" },
    });
    if (!response.ok) {
      throw new Error(response.status === 401 || response.status === 403 ? "API key rejected" : "HTTP " + response.status);
    }
    return response.json();
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.append(td);
    return td;
  }

  function render(escalations) {
    const body = $("escalations");
    body.innerHTML = "";
    for (const e of escalations) {
      const row = document.createElement("tr");
      row.dataset.rule = e.rule_id;
      row.dataset.room = e.conversation_id;
      row.dataset.status = e.status;
      cell(row, new Date(e.raised_at).toLocaleTimeString());
      cell(row, e.rule_id);
      cell(row, e.severity);
      cell(row, e.conversation_id);
      cell(row, e.subject_user_id);
      cell(row, (e.signals || []).join(", "));
      cell(row, Object.entries(e.harms || {}).map(([h, v]) => h + " " + v.toFixed(2)).join(", "));
      cell(row, e.status);
      const actions = cell(row, "");
      if (e.status === "open" || e.status === "appealed") {
        for (const [outcome, label] of [["confirmed", "Confirm"], ["false_positive", "False positive"]]) {
          const button = document.createElement("button");
          button.textContent = label;
          button.addEventListener("click", () => review(e.id, outcome));
          actions.append(button);
        }
      }
      body.append(row);
    }
  }

  async function refresh() {
    try {
      const data = await api(base + "?limit=200");
      render(data.escalations);
      $("mod-status").textContent = data.escalations.length + " escalation(s), updated " + new Date().toLocaleTimeString();
      $("mod-status").dataset.count = String(data.escalations.length);
    } catch (error) {
      $("mod-status").textContent = error.message;
    }
  }

  async function review(id, outcome) {
    try {
      await api(base + "/" + encodeURIComponent(id) + "/review", { method: "POST", body: JSON.stringify({ outcome }) });
    } catch (error) {
      $("mod-status").textContent = error.message;
    }
    await refresh();
  }

  $("load").addEventListener("click", () => {
    sessionStorage.setItem("safechat-api-key", $("api-key").value);
    refresh();
    if (!timer) {
      timer = setInterval(refresh, 2000);
    }
  });
})();
