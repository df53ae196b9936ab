'use strict';

// Publish Post and Find Post against the local stack, with the Zapier rows of the
// multi-account test plan (spec 002):
// - an account picked from the list is the accountId sent, and only that account publishes;
// - duplicate targets with an explicit targetId make a single run;
// and Zapier's retries: the same step run again is the same post, never a second one.

const test = require('node:test');
const assert = require('node:assert/strict');
const { App, appTester, bundle, soku, finishedPost, unique } = require('./helpers');

const IMAGE_URL = process.env.SOKU_TEST_IMAGE_URL; // a JPEG the test's origin serves
const publish = App.creates.publish_post.operation.perform;

test('plan: Publish Post with acct-b picked from the list sends acct-b and only acct-b publishes', async () => {
  const choices = await appTester(App.triggers.account.operation.perform, bundle());
  const picked = choices.find((c) => c.accountId === 'acct-b').id;

  const out = await appTester(publish, bundle({ text: unique('Zapier to acct-b'), accounts: [picked], mediaUrls: [IMAGE_URL] }));
  assert.deepEqual(out.targets.map((t) => [t.platform, t.accountId]), [['instagram', 'acct-b']]);
  assert.deepEqual(out.runs.map((r) => r.targetId), ['instagram:acct-b']);
  assert.match(out.idempotencyKey, /^zapier-publish_post-[0-9a-f]{64}$/);

  const post = await finishedPost(out.postSubmissionId);
  assert.equal(post.runs.length, 1, JSON.stringify(post.runs));
  const [run] = post.runs;
  assert.equal(run.accountId, 'acct-b');
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  assert.ok(run.result.postId && run.result.url, JSON.stringify(run.result));
  assert.ok(!post.runs.some((r) => r.accountId === 'acct-a'));
});

test('plan: duplicate targets with an explicit targetId give a single run', async () => {
  const targetId = unique('zap-target');
  const out = await appTester(publish, bundle({
    text: unique('Zapier duplicate targets'),
    mediaUrls: [IMAGE_URL],
    targets: [
      { account: 'instagram:acct-a', targetId },
      { account: 'instagram:acct-a', targetId },
    ],
  }));
  assert.deepEqual(out.runs.map((r) => r.targetId), [targetId]);
  const post = await finishedPost(out.postSubmissionId);
  assert.deepEqual(post.runs.map((r) => [r.targetId, r.accountId, r.status]), [[targetId, 'acct-a', 'succeeded']]);
});

test("a retried step (same Zap, same inputs) is the same post; another item's key is another post", async () => {
  const inputs = { text: unique('Zapier retry'), accounts: ['x'] };
  const zapId = unique('zap');
  const first = await appTester(publish, bundle(inputs, { zapId }));
  const again = await appTester(publish, bundle(inputs, { zapId }));
  assert.equal(again.postSubmissionId, first.postSubmissionId);
  assert.equal(again.idempotencyKey, first.idempotencyKey);
  const post = await finishedPost(first.postSubmissionId);
  assert.deepEqual(post.runs.map((r) => [r.targetId, r.status]), [['x:x_main', 'succeeded']]);

  // The user maps a unique value (e.g. the trigger item id) to post identical text twice.
  const third = await appTester(publish, bundle({ ...inputs, idempotencyKey: unique('item') }, { zapId }));
  assert.notEqual(third.postSubmissionId, first.postSubmissionId);
});

test('scheduling: the schedule time is sent and the post waits for it', async () => {
  const when = new Date(Date.now() + 3 * 3600 * 1000).toISOString();
  const out = await appTester(publish, bundle({ text: unique('Zapier scheduled'), accounts: ['x'], scheduledTime: when }));
  assert.equal(Date.parse(out.scheduledTime), Date.parse(when));
  assert.deepEqual(out.runs.map((r) => r.status), ['queued']);
  const canceled = await soku('DELETE', `/v1/posts/${out.postSubmissionId}`);
  assert.equal(canceled.status, 200, canceled.text);
});

test("Soku's refusal reaches the Zap with its code and message", async () => {
  await assert.rejects(
    appTester(publish, bundle({ text: unique('ambiguous'), accounts: ['instagram'], mediaUrls: [IMAGE_URL] })),
    (err) => /Multiple Instagram accounts connected/.test(err.message) && /missing_account/.test(err.message),
  );
  await assert.rejects(appTester(publish, bundle({ text: 'no accounts' })), /Choose at least one account/);
});

test('Find Post finds a post by id, and an unknown id is no result', async () => {
  const out = await appTester(publish, bundle({ text: unique('Zapier find'), accounts: ['x'] }));
  const found = await appTester(App.searches.find_post.operation.perform, bundle({ id: out.postSubmissionId }));
  assert.equal(found.length, 1);
  assert.equal(found[0].postSubmissionId, out.postSubmissionId);
  assert.deepEqual(found[0].runs.map((r) => r.targetId), ['x:x_main']);
  const none = await appTester(App.searches.find_post.operation.perform, bundle({ id: '00000000-0000-0000-0000-000000000000' }));
  assert.deepEqual(none, []);
});

test('Thread Replies publish as a chain after the post', async () => {
  const first = unique('Zapier thread 1/3');
  const replies = [unique('Zapier thread 2/3'), unique('Zapier thread 3/3')];
  const out = await appTester(App.creates.publish_post.operation.perform,
    bundle({ text: first, accounts: ['x'], thread: replies }));
  assert.deepEqual(out.content.thread.map((part) => part.text), replies);
  const post = await finishedPost(out.postSubmissionId);
  const [run] = post.runs;
  assert.equal(run.status, 'succeeded');
  assert.equal(run.result.thread.length, 2);
});
