'use strict';

// Shared by the tests: the app under zapier-platform-core's appTester, bundles with the
// local stack's key and base URL, and direct API calls to check Soku's own state.
// Run by tests/test_zapier.py with SOKU_BASE_URL and SOKU_API_KEY of a seeded demo user.

const zapier = require('zapier-platform-core');
const App = require('../index');

const BASE_URL = process.env.SOKU_BASE_URL;
const API_KEY = process.env.SOKU_API_KEY;
if (!BASE_URL || !API_KEY) {
  throw new Error('Set SOKU_BASE_URL and SOKU_API_KEY (tests/test_zapier.py does) to run these tests.');
}

const appTester = zapier.createAppTester(App);

const unique = (prefix) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

const bundle = (inputData = {}, extra = {}) => ({
  authData: { apiKey: API_KEY, baseUrl: BASE_URL },
  inputData,
  meta: { zap: { id: extra.zapId || unique('zap') }, ...(extra.meta || {}) },
  ...extra.bundle,
});

const soku = async (method, path, body, headers = {}) => {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { 'soku-api-key': API_KEY, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // not JSON
  }
  return { status: response.status, json, text, headers: response.headers };
};

const waitFor = async (what, predicate, timeoutMs = 30000) => {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await predicate();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const finishedPost = (id) =>
  waitFor(`post ${id} finished`, async () => {
    const { json } = await soku('GET', `/v1/posts/${id}`);
    return json && json.runs.length && json.runs.every((r) => ['succeeded', 'failed', 'canceled'].includes(r.status)) && json;
  });

module.exports = { App, appTester, bundle, soku, waitFor, finishedPost, unique, BASE_URL, API_KEY };
