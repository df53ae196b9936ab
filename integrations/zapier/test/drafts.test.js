'use strict';

// Create Draft and Publish Now against the local stack: a draft is stored and not published;
// Publish Now publishes it once, and a retried Publish Now step answers the post, not an error.

const test = require('node:test');
const assert = require('node:assert/strict');
const { App, appTester, bundle, soku, finishedPost, unique } = require('./helpers');

const createDraft = App.creates.create_draft.operation.perform;
const publishNow = App.creates.publish_now.operation.perform;

test('Create Draft stores a draft; Publish Now publishes it once, and again is not an error', async () => {
  const draft = await appTester(createDraft, bundle({ text: unique('Zapier draft'), accounts: ['x'] }));
  assert.equal(draft.status, 'draft');
  assert.match(draft.idempotencyKey, /^zapier-create_draft-[0-9a-f]{64}$/);
  const stored = await soku('GET', `/v1/posts/${draft.postSubmissionId}`);
  assert.equal(stored.json.status, 'draft');

  const published = await appTester(publishNow, bundle({ postSubmissionId: draft.postSubmissionId }));
  assert.equal(published.scheduledTime, null);
  const post = await finishedPost(draft.postSubmissionId);
  assert.deepEqual(post.runs.map((r) => [r.targetId, r.status]), [['x:x_main', 'succeeded']]);

  const retried = await appTester(publishNow, bundle({ postSubmissionId: draft.postSubmissionId }));
  assert.equal(retried.id, draft.postSubmissionId);
  assert.equal(retried.status, 'dispatched');
});

test('Publish Now on a cancelled post or an unknown id says why', async () => {
  const draft = await appTester(createDraft, bundle({ text: unique('Zapier dropped draft'), accounts: ['x'] }));
  await soku('DELETE', `/v1/posts/${draft.postSubmissionId}`);
  await assert.rejects(appTester(publishNow, bundle({ postSubmissionId: draft.postSubmissionId })),
    /canceled/);
  await assert.rejects(appTester(publishNow, bundle({ postSubmissionId: 'no-such-post' })), /not found/i);
});

test('Schedule to Next Slot places the post in the next free slot of the account', async () => {
  const set = await soku('PUT', '/v1/accounts/x_main/schedule?platform=x',
    { timezone: 'UTC', slots: [{ day: 'sat', time: '06:00' }] });
  assert.equal(set.status, 200, set.text);
  const out = await appTester(App.creates.publish_post.operation.perform,
    bundle({ text: unique('Zapier next slot'), accounts: ['x'], nextSlot: true }));
  const when = new Date(out.scheduledTime);
  assert.equal(when.getUTCDay(), 6);
  assert.equal(when.toISOString().slice(11, 16), '06:00');
});
