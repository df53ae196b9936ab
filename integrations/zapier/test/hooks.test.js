'use strict';

// Post Published / Post Failed as REST hooks: subscribe registers a /v1/webhooks endpoint
// for the one event, perform accepts only deliveries signed with its secret, unsubscribe
// deletes it. A loopback receiver stands in for Zapier's hook URL (the local stack admits
// 127.0.0.1) and gets Soku's real, signed deliveries. Then the polling path (GET /v1/posts
// and its cursor) gives the same items.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const { App, appTester, bundle, soku, waitFor, finishedPost, unique } = require('./helpers');
const { verifyDelivery } = require('../lib/signature');

const IMAGE_URL = process.env.SOKU_TEST_IMAGE_URL;
const MISSING_URL = new URL('/no-such-file.jpg', IMAGE_URL).href; // the origin answers 404

const startReceiver = () =>
  new Promise((resolve) => {
    const deliveries = [];
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, content: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end('ok');
      });
    });
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, deliveries, url: `http://127.0.0.1:${server.address().port}/zapier-hook` }));
  });

// Zapier hands a hook's headers to perform title-cased with an `Http-` prefix.
const asZapier = (headers) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) =>
    [`Http-${k.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('-')}`, v]));

const standardSign = (secret, id, timestamp, body) =>
  'v1,' + crypto.createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${timestamp}.${body}`).digest('base64');

const hookCase = (triggerKey, event, publishBody, runStatus) => async () => {
  const trigger = App.triggers[triggerKey].operation;
  const receiver = await startReceiver();
  try {
    const subscribeData = await appTester(trigger.performSubscribe, bundle({}, { bundle: { targetUrl: receiver.url } }));
    assert.match(subscribeData.id, /^we_/);
    assert.match(subscribeData.secret, /^whsec_/);
    assert.deepEqual(subscribeData.events, [event]);
    const listed = (await soku('GET', '/v1/webhooks')).json;
    const hook = (listed.webhooks || listed.data || listed.endpoints || []).find((w) => w.id === subscribeData.id);
    assert.ok(hook && hook.url === receiver.url, JSON.stringify(listed));

    // A real post; Soku delivers the event to the receiver, signed.
    const created = await soku('POST', '/v1/posts', publishBody, { 'Idempotency-Key': unique('hook') });
    assert.equal(created.status, 201, created.text);
    const id = created.json.postSubmissionId;
    await finishedPost(id);
    const delivery = await waitFor(`${event} delivered`, () =>
      receiver.deliveries.find((d) => JSON.parse(d.content).data.post.id === id));

    const hookBundle = (rawRequest) => bundle({}, { bundle: { subscribeData, rawRequest, cleanedRequest: JSON.parse(rawRequest.content) } });
    const items = await appTester(trigger.perform, hookBundle({ method: 'POST', headers: asZapier(delivery.headers), content: delivery.content }));
    assert.equal(items.length, 1);
    const [item] = items;
    assert.equal(item.postSubmissionId, id);
    assert.equal(item.status, runStatus);
    assert.equal(item.eventId, JSON.parse(delivery.content).id);
    if (runStatus === 'succeeded') assert.ok(item.postUrl && item.platformPostId);
    else assert.equal(item.errorCode, 'media_unavailable');

    // Altered body, another endpoint's secret: refused.
    const altered = delivery.content.replace(id, id.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
    await assert.rejects(appTester(trigger.perform, hookBundle({ headers: asZapier(delivery.headers), content: altered })),
      /signature did not verify/);
    const otherSecret = { ...subscribeData, secret: 'whsec_' + crypto.randomBytes(24).toString('base64') };
    await assert.rejects(
      appTester(trigger.perform, bundle({}, { bundle: { subscribeData: otherSecret, rawRequest: { headers: asZapier(delivery.headers), content: delivery.content } } })),
      /signature did not verify/);

    // A payload signed here with the subscription's secret is accepted; a stale one is not.
    const event2 = JSON.stringify({ id: unique('evt'), type: event, createdAt: new Date().toISOString(), data: JSON.parse(delivery.content).data });
    const now = Math.floor(Date.now() / 1000);
    const signed = (ts) => ({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': standardSign(subscribeData.secret, 'msg_1', ts, event2) });
    const ok = await appTester(trigger.perform, hookBundle({ headers: signed(now), content: event2 }));
    assert.equal(ok.length, 1);
    await assert.rejects(appTester(trigger.perform, hookBundle({ headers: signed(now - 3600), content: event2 })), /did not verify/);

    // Another event type on a validly signed request gives no item.
    const other = JSON.stringify({ id: 'evt_x', type: 'post.completed', data: { post: {} } });
    const otherHeaders = { 'webhook-id': 'm', 'webhook-timestamp': String(now), 'webhook-signature': standardSign(subscribeData.secret, 'm', now, other) };
    assert.deepEqual(await appTester(trigger.perform, hookBundle({ headers: otherHeaders, content: other })), []);

    // The polling path shows the same run with the same id (Zapier de-duplicates on it).
    const polled = await appTester(trigger.performList, bundle());
    const same = polled.find((p) => p.postSubmissionId === id);
    assert.ok(same, `post ${id} not among ${polled.length} polled items`);
    assert.equal(same.id, item.id);

    await appTester(trigger.performUnsubscribe, bundle({}, { bundle: { subscribeData } }));
    const after = JSON.stringify((await soku('GET', '/v1/webhooks')).json);
    assert.ok(!after.includes(subscribeData.id), after);
    // Unsubscribing twice (Zapier may) is not an error.
    await appTester(trigger.performUnsubscribe, bundle({}, { bundle: { subscribeData } }));
  } finally {
    receiver.server.close();
  }
};

test('Post Published: subscribe, a real signed delivery, perform checks the signature, poll, unsubscribe',
  hookCase('post_published', 'post.published',
    { post: { content: { text: unique('Zapier hook published'), platform: ['x'] } } }, 'succeeded'));

test('Post Failed: the same for a run that fails (media that cannot be fetched)',
  hookCase('post_failed', 'post.failed',
    { post: { content: { text: unique('Zapier hook failed'), platform: [{ platform: 'instagram', accountId: 'acct-a' }], mediaUrls: [MISSING_URL] } } },
    'failed'));

test('polling follows GET /v1/posts nextCursor across pages', async () => {
  // SOKU_ZAPIER_POLL_PAGE_SIZE=2 (set by tests/test_zapier.py): several posts span pages.
  const ids = [];
  for (let i = 0; i < 3; i += 1) {
    const r = await soku('POST', '/v1/posts', { post: { content: { text: unique(`Zapier poll ${i}`), platform: ['x'] } } });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.postSubmissionId);
  }
  for (const id of ids) await finishedPost(id);
  const firstPage = (await soku('GET', '/v1/posts?limit=2')).json;
  assert.equal(firstPage.hasMore, true);
  const polled = await appTester(App.triggers.post_published.operation.performList, bundle());
  const seen = new Set(polled.map((p) => p.postSubmissionId));
  assert.ok(ids.every((id) => seen.has(id)), `${ids} not all in ${[...seen]}`);
  assert.equal(new Set(polled.map((p) => p.id)).size, polled.length);
  const times = polled.map((p) => p.finishedAt);
  assert.deepEqual(times, [...times].sort().reverse());
});

test('signature check: Soku-Signature alone, Zapier header casing, URL-safe legacy secrets', () => {
  const body = '{"id":"evt_1","type":"post.published"}';
  const now = Math.floor(Date.now() / 1000);
  const secret = 'whsec_' + crypto.randomBytes(24).toString('base64');
  const soku1 = crypto.createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
  assert.ok(verifyDelivery(secret, body, { 'Http-Soku-Signature': `t=${now},v1=deadbeef,v1=${soku1}` }, now));
  assert.ok(!verifyDelivery(secret, body, { 'soku-signature': `t=${now},v1=deadbeef` }, now));
  assert.ok(!verifyDelivery(secret, body, { 'soku-signature': `t=${now - 301},v1=${soku1}` }, now));
  const legacy = 'whsec_' + crypto.randomBytes(24).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  const sig = 'v1,' + crypto.createHmac('sha256', Buffer.from(legacy.slice(6).replace(/-/g, '+').replace(/_/g, '/'), 'base64'))
    .update(`m.${now}.${body}`).digest('base64');
  assert.ok(verifyDelivery(legacy, body, { 'Http-Webhook-Id': 'm', 'Http-Webhook-Timestamp': String(now), 'Http-Webhook-Signature': `v1,AAAA ${sig}` }, now));
  assert.ok(!verifyDelivery(legacy, body, {}, now));
  assert.ok(!verifyDelivery(undefined, body, { 'Http-Webhook-Signature': sig }, now));
});
