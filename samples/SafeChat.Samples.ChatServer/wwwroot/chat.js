// The sample chat page: connects to /hubs/chat as a self-declared user, joins a room, sends messages, and shows
// SafeChat's notices (blocked, held, frozen, join denied, nudges).
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  let connection = null;
  let currentRoom = null;

  const outcomeText = {
    "blocked": "Your message was blocked by a safety rule.",
    "held": "Your message is held for a moderator to review.",
    "frozen": "This conversation is frozen until a moderator reviews it.",
    "unavailable": "The safety check is unavailable; try again shortly.",
    "join-denied": "You can't join this room.",
    "invalid": "That didn't work.",
  };

  function notice(kind, text) {
    const item = document.createElement("li");
    item.className = "notice " + kind;
    item.dataset.kind = kind;
    item.textContent = text;
    $("notices").prepend(item);
  }

  // SafeChat errors look like "... HubException: safechat:blocked [rule-a,rule-b]: description".
  function explain(error) {
    const message = (error && error.message) || String(error);
    const match = /safechat:([a-z-]+)(?: \[([^\]]*)\])?: (.*)$/.exec(message);
    if (!match) {
      notice("error", message.replace(/^.*HubException: /, ""));
      return;
    }
    const rules = match[2] ? " (rule: " + match[2] + ")" : "";
    notice(match[1], (outcomeText[match[1]] || match[3]) + rules);
  }

  function addMessage(user, text) {
    const item = document.createElement("li");
    const who = document.createElement("strong");
    who.textContent = user + ": ";
    item.append(who, document.createTextNode(text));
    $("messages").append(item);
    $("messages").scrollTop = $("messages").scrollHeight;
  }

  async function connect() {
    const name = $("name").value.trim();
    const age = $("age").value.trim();
    if (!name) {
      notice("error", "Enter a name first.");
      return;
    }
    if (connection) {
      await connection.stop();
    }
    connection = new signalR.HubConnectionBuilder()
      .withUrl("/hubs/chat?user=" + encodeURIComponent(name) + "&age=" + encodeURIComponent(age))
      .withAutomaticReconnect()
      .build();
    connection.on("message", (m) => { if (m.roomId === currentRoom) { addMessage(m.user, m.text); } });
    connection.on("joined", (j) => { if (j.roomId === currentRoom) { notice("info", j.user + " joined " + j.roomId + "."); } });
    connection.on("SafeChatNudge", (n) => notice("nudge", n.text));
    connection.onreconnecting(() => { $("connection-state").textContent = "reconnecting"; });
    connection.onreconnected(() => { $("connection-state").textContent = "online as " + name; });
    await connection.start();
    $("connection-state").textContent = "online as " + name;
    $("connection-state").dataset.state = "online";
    $("join").disabled = false;
    $("link").disabled = false;
  }

  // Demo of a platform-verified family link: the policy then treats this user as the child's guardian.
  async function link() {
    const me = $("name").value.trim();
    const ward = $("ward").value.trim();
    if (!ward) {
      notice("error", "Enter your child's name.");
      return;
    }
    const response = await fetch("/api/relationships", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: me, to: ward, kind: "guardian" }),
    });
    if (response.ok) {
      $("link-state").textContent = "guardian of " + ward;
      $("link-state").dataset.ward = ward;
    } else {
      notice("error", "The family link was refused.");
    }
  }

  async function join() {
    const room = $("room").value.trim();
    if (!room) {
      notice("error", "Enter a room name.");
      return;
    }
    try {
      const joined = await connection.invoke("JoinRoom", room, $("kind").value);
      currentRoom = joined.roomId;
      $("messages").innerHTML = "";
      $("current-room").textContent = "in " + joined.kind + " room " + joined.roomId;
      $("current-room").dataset.room = joined.roomId;
      $("message").disabled = false;
      $("send").disabled = false;
      notice("info", "Joined " + joined.roomId + ".");
    } catch (error) {
      explain(error);
    }
  }

  async function send(event) {
    event.preventDefault();
    const text = $("message").value;
    if (!text.trim() || !currentRoom) {
      return;
    }
    $("message").value = "";
    try {
      await connection.invoke("SendMessage", currentRoom, text);
    } catch (error) {
      explain(error);
    }
  }

  $("connect").addEventListener("click", () => connect().catch(explain));
  $("join").addEventListener("click", () => join());
  $("link").addEventListener("click", () => link().catch(explain));
  $("send-form").addEventListener("submit", send);
})();
