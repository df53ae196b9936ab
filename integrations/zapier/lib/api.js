'use strict';

// Talking to the Soku API: the base URL, the key header, Soku's error envelope as Zapier
// errors, and the idempotency key that makes a retried or replayed Zap step post once.

const crypto = require('crypto');

// The base URL is per deployment (https://<project>.web.app, or the `…/api` function URL for
// long uploads and transcriptions), so it is a connection field; SOKU_BASE_URL (an
// environment variable of the integration, `zapier env:set`) is the default, which the
// local-stack tests use since the stack's port is picked at random.
const baseUrl = (bundle) => {
  const url = ((bundle.authData && bundle.authData.baseUrl) || process.env.SOKU_BASE_URL || '').trim();
  if (!url) {
    throw new Error('Set the Soku API base URL in the connection (e.g. https://<project>.web.app).');
  }
  return url.replace(/\/+$/, '');
};

const api = (bundle, path) => `${baseUrl(bundle)}${path}`;

const addApiKey = (request, z, bundle) => {
  if (bundle.authData && bundle.authData.apiKey) {
    request.headers = request.headers || {};
    request.headers['soku-api-key'] = bundle.authData.apiKey;
  }
  return request;
};

// Soku answers every error with {"error": {code, message, details, requestId}}: surface its
// message and code (not just "Got 400"), so the Zap history says what to fix.
const handleErrors = (response, z) => {
  if (response.status < 400 || (response.request && response.request.skipThrowForStatus)) {
    return response;
  }
  let error = {};
  try {
    error = JSON.parse(response.content).error || {};
  } catch (e) {
    // not JSON: fall through with the status alone
  }
  const code = error.code || `http_${response.status}`;
  let message = error.message || `Soku answered ${response.status}`;
  if (Array.isArray(error.details) && error.details.length) {
    const parts = error.details
      .map((d) => [d.field, d.platform, d.message].filter(Boolean).join(': '))
      .filter(Boolean);
    if (parts.length) message = `${message} (${parts.join('; ')})`;
  }
  if (error.requestId) message = `${message} [request ${error.requestId}]`;
  if (response.status === 429 || code === 'idempotency_in_progress') {
    const retryAfter = parseInt(response.getHeader('retry-after') || '', 10);
    throw new z.errors.ThrottledError(message, Number.isFinite(retryAfter) ? retryAfter : 10);
  }
  throw new z.errors.Error(message, code, response.status);
};

const canonical = (value) => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value === undefined ? null : value);
};

// Zapier gives a step no run id, but a retried or replayed step runs again with the same
// Zap and the same inputs. So the key is derived from the Zap id, the action and the step's
// inputs (or a key the user maps, e.g. the trigger item's id, to post identical content
// twice on purpose). Soku replays the original answer for a key it has seen (24 h).
const idempotencyKey = (bundle, action, inputs) => {
  const zap = (bundle.meta && bundle.meta.zap && bundle.meta.zap.id) || 'no-zap';
  const own = bundle.inputData && bundle.inputData.idempotencyKey;
  const material = canonical({ zap: String(zap), action, key: own ? String(own) : inputs });
  return `zapier-${action}-${crypto.createHash('sha256').update(material).digest('hex')}`;
};

// A dropdown value "platform:accountId" (or a bare platform, "x") as a Soku target.
const parseAccount = (value) => {
  const text = String(value || '').trim();
  const colon = text.indexOf(':');
  if (colon < 0) return { platform: text };
  return { platform: text.slice(0, colon), accountId: text.slice(colon + 1) };
};

// Query of GET /v1/repurposeLinks for an account chosen as "platform:accountId".
const linkParams = (inputData) => {
  const params = {};
  if (inputData.account) {
    const target = parseAccount(inputData.account);
    params.platform = target.platform;
    if (target.accountId) params.accountId = target.accountId;
  }
  if (inputData.platform) params.platform = inputData.platform;
  if (inputData.accountId) params.accountId = inputData.accountId;
  if (inputData.type) params.type = inputData.type;
  return params;
};

// A Zapier input as a list of its non-empty values (a single value, a list, or nothing).
const list = (value) => (Array.isArray(value) ? value : value ? [value] : []).filter((v) => v !== '' && v != null);

module.exports = { list, linkParams, api, baseUrl, addApiKey, handleErrors, idempotencyKey, parseAccount, canonical };
