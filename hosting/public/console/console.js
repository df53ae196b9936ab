// The Soku web console: plain script, no build step, no server of its own. It calls the
// public API on this same origin (Hosting's rewrites) with the signed-in user's Firebase ID
// token: the key routes (/v1/api-keys) take that (or a key holding keys:manage), and the routes shown here (accounts,
// posts, webhooks, credits, connecting) take it beside an API key, so nothing needs pasting.
"use strict";

const RECENT_POSTS = 10;
const $ = (id) => document.getElementById(id);
let auth;

// Firebase's web config comes from Hosting's reserved URLs. Served from the loopback address
// (`make run`, the tests), the Hosting emulator's init script also points Auth at the Auth
// emulator, whose port only the emulator knows; in production, init.json is the project's config.
async function initFirebase() {
  if (["127.0.0.1", "localhost", "[::1]"].includes(location.hostname)) {
    await new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/__/firebase/init.js?useEmulator=true";
      script.onload = resolve;
      script.onerror = () => reject(new Error("cannot load /__/firebase/init.js"));
      document.head.append(script);
    });
  } else {
    const response = await fetch("/__/firebase/init.json");
    if (!response.ok) throw new Error("cannot load /__/firebase/init.json");
    firebase.initializeApp(await response.json());
  }
  return firebase.auth();
}

function say(message, isError = false) {
  $("status").textContent = message;
  $("status").className = isError ? "error" : "";
}

// One API call with the user's ID token; the error envelope's message becomes the exception's.
// A read that failed before reaching Soku (a 5xx without Soku's X-Request-ID: the proxy in front
// of the functions answered, e.g. Hosting's 504, or the local emulator dropping a connection) is
// sent once more; Soku's own errors and every write are answered as they are.
async function api(method, path, body) {
  const headers = { Authorization: "Bearer " + (await auth.currentUser.getIdToken()) };
  if (body) headers["Content-Type"] = "application/json";
  const send = () => fetch(path, { method, headers, body: body && JSON.stringify(body) });
  let response = await send();
  if (method === "GET" && response.status >= 500 && !response.headers.get("X-Request-ID")) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    response = await send();
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data.error || {};
    throw new Error(`${response.status} ${error.code || ""}: ${error.message || response.statusText}`);
  }
  return data;
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

function button(label, onclick, className = "quiet") {
  const element = document.createElement("button");
  element.className = className;
  element.textContent = label;
  element.onclick = guard(onclick);
  return element;
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "never");
const path = (...parts) => parts.map(encodeURIComponent).join("/");

// -- API keys ---------------------------------------------------------------------------------

async function loadKeys() {
  const { keys } = await api("GET", "/v1/api-keys");
  const body = $("keys");
  body.replaceChildren();
  for (const key of keys) {
    const row = body.insertRow();
    row.dataset.keyId = key.id;
    cell(row, key.name);
    cell(row, key.tokenPreview).className = "mono";
    cell(row, key.kind, "kind");
    cell(row, key.scopes.length === allScopes().length ? "all" : key.scopes.join(", ") || "none", "scopes");
    cell(row, when(key.createdAt));
    cell(row, when(key.lastUsedAt));
    const expired = key.expiresAt && new Date(key.expiresAt) <= new Date();
    const status = key.revokedAt ? "revoked " + when(key.revokedAt)
      : expired ? "expired " + when(key.expiresAt) + " (rotated)"
      : key.expiresAt ? "rotated: works until " + when(key.expiresAt) : "active";
    cell(row, status, key.revokedAt || expired ? "bad" : "ok");
    const actions = row.insertCell();
    if (!key.revokedAt) actions.append(button("Revoke", () => revokeKey(key), "danger"));
  }
}

const scopeBoxes = () => [...document.querySelectorAll("#key-scopes input[name=scope]")];
const allScopes = () => scopeBoxes().map((box) => box.value);

async function createKey(event) {
  event.preventDefault();
  const scopes = scopeBoxes().filter((box) => box.checked).map((box) => box.value);
  if (!scopes.length) {
    say("Pick at least one scope: a key without any could only call GET /v1/me.", true);
    return;
  }
  const { apiKey } = await api("POST", "/v1/api-keys", { name: $("key-name").value, kind: $("key-kind").value, scopes });
  $("new-key-value").textContent = apiKey;
  $("new-key").hidden = false;
  say("Key created.");
  await loadKeys();
}

async function revokeKey(key) {
  if (!confirm(`Revoke "${key.name}" (${key.tokenPreview})? Calls with it fail at once.`)) return;
  await api("DELETE", "/v1/api-keys/" + encodeURIComponent(key.id));
  if ($("new-key").hidden === false && key.tokenPreview?.slice(-4) === $("new-key-value").textContent.slice(-4)) {
    $("new-key").hidden = true;
    $("new-key-value").textContent = "";
  }
  say(`Key "${key.name}" revoked.`);
  await loadKeys();
}

// -- connected accounts -----------------------------------------------------------------------

// The list, then each account's health (GET /v1/accounts/{id}). An account whose health cannot
// be read (a refused or failed request) is still listed, saying so, rather than hiding the rest.
// Every account with its health in one request (include=health), not one more per account: a user
// connecting sixteen platforms would otherwise spend the rate limit on this table alone.
async function loadAccounts() {
  const { accounts } = await api("GET", "/v1/accounts?include=health");
  const body = $("accounts");
  body.replaceChildren();
  accounts.forEach((account) => {
    const row = body.insertRow();
    row.dataset.accountId = account.accountId;
    row.dataset.platform = account.platform;
    cell(row, account.platform);
    cell(row, `${account.displayName || ""} (${account.accountId})`);
    cell(row, account.status + (account.statusReason ? `: ${account.statusReason}` : ""),
         account.status === "connected" ? "ok" : "bad");
    const health = account.health;
    const token = !health.tokensReadable ? "unreadable: reconnect"
      : health.tokenExpired ? (health.refreshable ? "expired, refreshable" : "expired: reconnect")
      : health.tokenExpiresAt ? "valid until " + when(health.tokenExpiresAt) : "valid";
    cell(row, token, health.tokensReadable && (!health.tokenExpired || health.refreshable) ? "ok" : "bad");
    const last = health.lastPublish;
    cell(row, last ? `${last.status} ${when(last.at)}${last.code ? " (" + last.code + ")" : ""}` : "none",
         last && last.status !== "succeeded" ? "bad" : "");
  });
  $("accounts").dataset.loaded = String(accounts.length);
}

// The platform's flow starts on Soku's one-time begin page, in a tab of this browser (the
// flow is bound to the browser that continues there). The tab is opened at the click, before
// the start call, so no popup blocker takes it; when it closes, the accounts are read again.
async function connect(platform, body) {
  const tab = window.open("", "_blank");
  try {
    const { authorizeUrl } = await api("POST", `/v1/connections/${platform}/start`, body);
    if (!tab) return location.assign(authorizeUrl); // no tabs here: this one goes instead
    tab.opener = null; // the begin page needs nothing of this one
    tab.location = authorizeUrl;
  } catch (error) {
    tab?.close();
    throw error;
  }
  say(`Connecting ${platform} in the new tab…`);
  const watch = setInterval(guard(async () => {
    if (!tab.closed) return;
    clearInterval(watch);
    await loadAccounts();
    say(`${$("accounts").rows.length} connected account(s).`);
  }), 500);
}

// A platform connected with credentials (Telegram's bot token and chat, Discord's webhook URL,
// Bluesky's app password): a form built from the fields GET /v1/platforms gives
// (`connection.fields`, a JSON Schema), sent to POST /v1/connections/{platform}, which checks them
// with the platform before storing. An OAuth platform on the user's own server (Mastodon) asks
// its address the same way, then starts the consent flow there.
function showCredentialsForm(platform) {
  const form = $("credentials");
  const schema = platform.connection.fields || { properties: {} };
  form.replaceChildren();
  form.dataset.platform = platform.platform;
  const heading = document.createElement("h4");
  heading.textContent = `Connect ${platform.displayName}`;
  form.append(heading);
  for (const [name, field] of Object.entries(schema.properties || {})) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.name = name;
    input.required = (schema.required || []).includes(name);
    // Secrets are typed, not shown: the schema marks them writeOnly (pydantic's SecretStr).
    input.type = field.writeOnly || field.format === "password" ? "password" : "text";
    input.autocomplete = "off";
    label.append(`${field.title || name} `, input);
    if (field.description) label.title = field.description;
    form.append(label);
  }
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = "Connect";
  form.append(submit);
  form.onsubmit = guard(async (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...form.querySelectorAll("input")]
      .filter((i) => i.value.trim() !== "").map((i) => [i.name, i.value.trim()]));
    if (platform.connection.type === "oauth") {
      form.hidden = true;
      return connect(platform.platform, values); // the consent flow, on that server
    }
    const { accounts } = await api("POST", `/v1/connections/${platform.platform}`, values);
    form.hidden = true;
    form.replaceChildren();
    await loadAccounts();
    say(`${platform.displayName} connected: ${accounts.map((a) => a.displayName || a.accountId).join(", ")}.`);
  });
  form.hidden = false;
  form.querySelector("input")?.focus();
}

// The platforms and how each connects, from GET /v1/platforms (public): the one list of them.
async function loadPlatforms() {
  const { platforms } = await api("GET", "/v1/platforms");
  $("platforms").replaceChildren();
  for (const platform of platforms) {
    const asks = Boolean(platform.connection.fields); // credentials, or the user's server
    const connectButton = button("Connect " + platform.platform,
                                 () => (asks ? showCredentialsForm(platform) : connect(platform.platform)));
    connectButton.dataset.platform = platform.platform;
    connectButton.dataset.connection = platform.connection.type;
    $("platforms").append(connectButton);
    // A kind of account with a login of its own (Instagram without a Facebook Page): its own
    // button, whose start names it ({"accountType": ...}); the plain button is the default kind.
    for (const type of platform.accountTypes || []) {
      if (type.default || !type.selectableAtStart) continue;
      const typed = button(`Connect ${platform.displayName} (${type.displayName.replace(/^.*? account /, "")})`,
                           () => connect(platform.platform, { accountType: type.id }));
      typed.title = type.description;
      typed.dataset.platform = platform.platform;
      typed.dataset.accountType = type.id;
      typed.dataset.connection = platform.connection.type;
      $("platforms").append(typed);
    }
  }
}

// -- posts ------------------------------------------------------------------------------------

function describeRun(run) {
  const target = `${run.platform}${run.accountId ? " " + run.accountId : ""}`;
  const result = run.result || {};
  if (run.status === "succeeded") return `${target}: published${result.url ? " " + result.url : ""}`;
  if (run.status === "failed") return `${target}: failed (${result.code || "error"}: ${result.message || ""})`;
  if (run.status === "unconfirmed") return `${target}: not confirmed (${result.code}: ${result.message || ""})`;
  const last = run.lastError ? `, last try ${run.lastError.code}: ${run.lastError.message}` : "";
  return `${target}: ${run.status}${last}`;
}

async function loadPosts() {
  const { data } = await api("GET", `/v1/posts?limit=${RECENT_POSTS}`);
  const posts = await Promise.all(data.map((p) => api("GET", "/v1/posts/" + path(p.id))));
  const body = $("posts");
  body.replaceChildren();
  for (const post of posts) {
    const row = body.insertRow();
    row.dataset.postId = post.id;
    cell(row, when(post.createdAt));
    cell(row, (post.content?.text || "").slice(0, 80));
    cell(row, post.scheduledTime && post.status === "queued" ? `scheduled ${when(post.scheduledTime)}` : post.status);
    const runs = row.insertCell();
    for (const run of post.runs) {
      const line = document.createElement("div");
      line.className = ["failed", "unconfirmed"].includes(run.status) ? "bad" : run.status === "succeeded" ? "ok" : "";
      line.dataset.targetId = run.targetId;
      line.textContent = describeRun(run);
      runs.append(line);
    }
    const actions = row.insertCell();
    if (post.runs.some((run) => ["failed", "unconfirmed"].includes(run.status))) {
      actions.append(button("Retry", async () => {
        const { retried } = await api("POST", `/v1/posts/${path(post.id)}/retry`);
        say(`Queued ${retried.length} failed or unconfirmed run(s) again.`);
        await loadPosts();
      }));
    }
  }
  $("posts").dataset.loaded = String(posts.length);
}

// -- webhooks and credits ---------------------------------------------------------------------

async function loadWebhooks() {
  const { data } = await api("GET", "/v1/webhooks");
  const deliveries = await Promise.all(data.map((w) => api("GET", `/v1/webhooks/${path(w.id)}/deliveries`)));
  const body = $("webhooks");
  body.replaceChildren();
  data.forEach((webhook, i) => {
    const row = body.insertRow();
    row.dataset.webhookId = webhook.id;
    cell(row, webhook.url);
    cell(row, webhook.events.join(", "));
    cell(row, webhook.status + (webhook.disabledReason ? `: ${webhook.disabledReason}` : ""),
         webhook.status === "active" ? "ok" : "bad");
    const recent = row.insertCell();
    for (const delivery of deliveries[i].data.slice(0, 5)) {
      const line = document.createElement("div");
      line.className = delivery.status === "failed" ? "bad" : delivery.status === "succeeded" ? "ok" : "";
      line.textContent = `${delivery.eventType} ${delivery.status} after ${delivery.attempts} attempt(s)` +
        (delivery.lastStatusCode ? ` (HTTP ${delivery.lastStatusCode})` : "") +
        (delivery.lastError ? `: ${delivery.lastError}` : "");
      recent.append(line);
    }
  });
  $("webhooks").dataset.loaded = String(data.length);
}

async function loadCredits() {
  const { balance } = await api("GET", "/v1/credits/balance");
  $("credits").textContent = String(balance);
}

// -- the page ---------------------------------------------------------------------------------

function guard(handler) {
  return (...args) => Promise.resolve(handler(...args)).catch((error) => say(error.message, true));
}

async function main() {
  auth = await initFirebase();
  const credentials = () => [$("email").value.trim(), $("password").value];
  $("sign-in").onsubmit = guard((event) => {
    event.preventDefault();
    return auth.signInWithEmailAndPassword(...credentials());
  });
  $("sign-up").onclick = guard(() => auth.createUserWithEmailAndPassword(...credentials()));
  $("sign-out").onclick = guard(() => auth.signOut());
  $("create-key").onsubmit = guard(createKey);
  auth.onAuthStateChanged(guard(async (user) => {
    $("signed-in").hidden = !user;
    $("signed-out").hidden = !!user;
    $("sign-out").hidden = !user;
    $("who").textContent = user ? user.email : "";
    for (const id of ["accounts", "posts", "webhooks"]) {
      $(id).replaceChildren();
      delete $(id).dataset.loaded;
    }
    $("credits").textContent = "";
    $("new-key").hidden = true;
    say("");
    $("credentials").hidden = true;
    if (user) await Promise.all([loadPlatforms(), loadKeys(), loadAccounts(), loadPosts(), loadWebhooks(), loadCredits()]);
  }));
}

guard(main)();
