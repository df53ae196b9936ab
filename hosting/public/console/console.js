// The Soku web console: plain script, no build step, no server of its own. It calls the
// public API on this same origin (Hosting's rewrites), with the signed-in user's Firebase
// ID token for /v1/api-keys and /v1/connections/{platform}/start, and with an API key for
// /v1/accounts (that route takes keys only).
"use strict";

const PLATFORMS = ["x", "instagram", "facebook", "threads", "tiktok", "youtube", "linkedin", "snapchat"];
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

// One API call; the error envelope's message becomes the exception's.
async function api(method, path, { key, body } = {}) {
  const headers = {};
  if (key) headers["soku-api-key"] = key;
  else headers.Authorization = "Bearer " + (await auth.currentUser.getIdToken());
  if (body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body && JSON.stringify(body) });
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

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "never");

async function loadKeys() {
  const { keys } = await api("GET", "/v1/api-keys");
  const body = $("keys");
  body.replaceChildren();
  for (const key of keys) {
    const row = body.insertRow();
    row.dataset.keyId = key.id;
    cell(row, key.name);
    cell(row, key.tokenPreview).className = "mono";
    cell(row, when(key.createdAt));
    cell(row, when(key.lastUsedAt));
    cell(row, key.revokedAt ? "revoked " + when(key.revokedAt) : "active", key.revokedAt ? "bad" : "ok");
    const actions = row.insertCell();
    if (!key.revokedAt) {
      const button = document.createElement("button");
      button.className = "danger";
      button.textContent = "Revoke";
      button.onclick = () => revokeKey(key);
      actions.append(button);
    }
  }
}

async function createKey(event) {
  event.preventDefault();
  const { apiKey } = await api("POST", "/v1/api-keys", { body: { name: $("key-name").value } });
  $("new-key-value").textContent = apiKey;
  $("new-key").hidden = false;
  $("accounts-key").value = apiKey; // in memory only: the accounts below are read with it
  say("Key created.");
  await loadKeys();
  await loadAccounts();
}

async function revokeKey(key) {
  if (!confirm(`Revoke "${key.name}" (${key.tokenPreview})? Calls with it fail at once.`)) return;
  await api("DELETE", "/v1/api-keys/" + encodeURIComponent(key.id));
  if ($("new-key").hidden === false && key.tokenPreview?.slice(-4) === $("new-key-value").textContent.slice(-4)) {
    $("new-key").hidden = true;
    $("new-key-value").textContent = "";
    $("accounts-key").value = "";
  }
  say(`Key "${key.name}" revoked.`);
  await loadKeys();
}

// The list, then each account's health (GET /v1/accounts/{id}).
async function loadAccounts(event) {
  event?.preventDefault();
  const key = $("accounts-key").value.trim();
  const { accounts } = await api("GET", "/v1/accounts", { key });
  const details = await Promise.all(accounts.map((a) => api("GET",
    `/v1/accounts/${encodeURIComponent(a.accountId)}?platform=${a.platform}`, { key })));
  const body = $("accounts");
  body.replaceChildren();
  for (const account of details) {
    const row = body.insertRow();
    row.dataset.accountId = account.accountId;
    const health = account.health;
    cell(row, account.platform);
    cell(row, `${account.displayName || ""} (${account.accountId})`);
    cell(row, account.status + (account.statusReason ? `: ${account.statusReason}` : ""),
         account.status === "connected" ? "ok" : "bad");
    const token = !health.tokensReadable ? "unreadable: reconnect"
      : health.tokenExpired ? (health.refreshable ? "expired, refreshable" : "expired: reconnect")
      : health.tokenExpiresAt ? "valid until " + when(health.tokenExpiresAt) : "valid";
    cell(row, token, health.tokensReadable && (!health.tokenExpired || health.refreshable) ? "ok" : "bad");
    const last = health.lastPublish;
    cell(row, last ? `${last.status} ${when(last.at)}${last.code ? " (" + last.code + ")" : ""}` : "none",
         last && last.status !== "succeeded" ? "bad" : "");
  }
  say(`${details.length} connected account(s).`);
}

// The platform's flow starts on Soku's one-time begin page, in this browser.
async function connect(platform) {
  const { authorizeUrl } = await api("POST", `/v1/connections/${platform}/start`);
  location.assign(authorizeUrl);
}

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
  $("load-accounts").onsubmit = guard(loadAccounts);
  for (const platform of PLATFORMS) {
    const button = document.createElement("button");
    button.className = "quiet";
    button.textContent = "Connect " + platform;
    button.dataset.platform = platform;
    button.onclick = guard(() => connect(platform));
    $("platforms").append(button);
  }
  auth.onAuthStateChanged(guard(async (user) => {
    $("signed-in").hidden = !user;
    $("signed-out").hidden = !!user;
    $("sign-out").hidden = !user;
    $("who").textContent = user ? user.email : "";
    $("accounts").replaceChildren();
    $("new-key").hidden = true;
    $("accounts-key").value = "";
    say("");
    if (user) await loadKeys();
  }));
}

guard(main)();
