'use strict';

// Publish Post's per-platform fields come from GET /v1/platforms (the manifests POST /v1/posts
// checks against): the chosen accounts' platforms, and only theirs, get a note of their limits and
// their options as fields; a filled option reaches the platform.

const test = require('node:test');
const assert = require('node:assert/strict');
const { App, appTester, bundle, finishedPost, soku, unique } = require('./helpers');

const IMAGE_URL = process.env.SOKU_TEST_IMAGE_URL;
const publish = App.creates.publish_post.operation.perform;
const platformFields = App.creates.publish_post.operation.inputFields.find((f) => typeof f === 'function');

test('choosing an Instagram account shows its limits and its options, and nothing of other platforms', async () => {
  const fields = await appTester(platformFields, bundle({ accounts: ['instagram:acct-b'] }));
  const keys = fields.map((f) => f.key);
  const catalog = (await soku('GET', '/v1/platforms/instagram')).json;

  const note = fields.find((f) => f.key === 'limits__instagram');
  assert.equal(note.type, 'copy');
  assert.ok(note.helpText.includes(`text up to ${catalog.text.maxLength} ${catalog.text.unit}`), note.helpText);
  for (const kind of catalog.postKinds) assert.ok(note.helpText.includes(kind.kind), note.helpText);

  const kind = fields.find((f) => f.key === 'options__instagram__kind');
  assert.deepEqual(Object.keys(kind.choices).sort(), ['feed', 'reel', 'story']);
  assert.ok(keys.includes('options__instagram__firstComment'));
  assert.equal(fields.find((f) => f.key === 'options__instagram__shareToFeed').type, 'boolean');
  assert.ok(!keys.some((k) => /tiktok|youtube|__x__/.test(k)), keys.join(', '));

  assert.deepEqual(await appTester(platformFields, bundle({})), []);  // no account chosen yet
});

test('a filled option field is the post option: Instagram posts the first comment', async () => {
  const comment = unique('first comment from Zapier');
  const out = await appTester(publish, bundle({
    text: unique('Zapier with options'), accounts: ['instagram:acct-b'], mediaUrls: [IMAGE_URL],
    options__instagram__firstComment: comment, options__instagram__shareToFeed: 'true',
  }));
  const post = await finishedPost(out.postSubmissionId);
  const [run] = post.runs;
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  assert.equal(run.result.firstComment.status, 'posted', JSON.stringify(run.result));
});
