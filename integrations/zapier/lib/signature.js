'use strict';

// Verifying a Soku webhook delivery (docs/webhooks.md): Standard Webhooks headers
// (webhook-id, webhook-timestamp, webhook-signature: "v1,<base64>" entries, HMAC-SHA256 of
// "<id>.<timestamp>.<raw body>" keyed with the secret's base64 after "whsec_"), or the older
// Soku-Signature ("t=<unix>,v1=<hex>", HMAC-SHA256 of "<t>.<raw body>" keyed with the secret
// as text). Either is enough; both are checked against the raw body, before parsing.

const crypto = require('crypto');

const TOLERANCE_S = 300;

// Zapier hands a hook's headers as `Http-Webhook-Signature` and the like; a plain server
// sends `webhook-signature`. Look them up either way.
const headerGetter = (headers) => {
  const map = {};
  for (const [name, value] of Object.entries(headers || {})) {
    const key = name.toLowerCase().replace(/^http-/, '').replace(/_/g, '-');
    map[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return (name) => map[name.toLowerCase()];
};

const safeEqual = (a, b) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

const fresh = (timestamp, now) => {
  const t = Number(timestamp);
  return Number.isInteger(t) && Math.abs(now - t) <= TOLERANCE_S;
};

const standardKey = (secret) => {
  // Secrets made before Standard Webhooks signing are URL-safe base64.
  const b64 = secret.replace(/^whsec_/, '').replace(/-/g, '+').replace(/_/g, '/');
  return Buffer.from(b64, 'base64');
};

const verifyStandard = (secret, body, get, now) => {
  const id = get('webhook-id');
  const timestamp = get('webhook-timestamp');
  const header = get('webhook-signature');
  if (!id || !timestamp || !header || !fresh(timestamp, now)) return false;
  const expected = crypto
    .createHmac('sha256', standardKey(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return header
    .split(' ')
    .map((entry) => entry.split(','))
    .some(([version, sig]) => version === 'v1' && sig && safeEqual(sig, expected));
};

const verifySoku = (secret, body, get, now) => {
  const header = get('soku-signature');
  if (!header) return false;
  const items = header.split(',').map((item) => item.split('=', 2));
  const t = (items.find(([k]) => k === 't') || [])[1];
  if (!t || !fresh(t, now)) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return items.some(([k, v]) => k === 'v1' && v && safeEqual(v, expected));
};

const verifyDelivery = (secret, rawBody, headers, now = Math.floor(Date.now() / 1000)) => {
  if (!secret || typeof rawBody !== 'string') return false;
  const get = headerGetter(headers);
  return verifyStandard(secret, rawBody, get, now) || verifySoku(secret, rawBody, get, now);
};

module.exports = { verifyDelivery, headerGetter, TOLERANCE_S };
