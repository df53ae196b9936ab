'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { App, appTester, bundle, BASE_URL } = require('./helpers');

test('the connection test is GET /v1/me and the label comes from it', async () => {
  const me = await appTester(App.authentication.test, bundle());
  assert.ok(me.userId && me.key && me.key.name, JSON.stringify(me));
  const label = await appTester(App.authentication.connectionLabel, { ...bundle(), inputData: me });
  assert.ok(label.includes(me.displayName || me.email || me.userId), label);
  assert.ok(label.includes(me.key.name), label);
});

test('a wrong key fails the connection test with Soku\'s message', async () => {
  const b = { authData: { apiKey: 'sk_live_nope', baseUrl: BASE_URL }, inputData: {}, meta: {} };
  await assert.rejects(appTester(App.authentication.test, b), /Invalid API key/);
});

test('the base URL falls back to SOKU_BASE_URL when the connection leaves it empty', async () => {
  const b = bundle();
  b.authData = { apiKey: b.authData.apiKey };
  const me = await appTester(App.authentication.test, b);
  assert.ok(me.userId);
});
