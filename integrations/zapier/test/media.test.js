'use strict';

// Upload Media (POST /v1/media) then Transcribe (POST /v1/ai/transcribe); a retried
// Transcribe step is the same job and is charged once.

const test = require('node:test');
const assert = require('node:assert/strict');
const { App, appTester, bundle, soku, unique } = require('./helpers');

const AUDIO_URL = process.env.SOKU_TEST_AUDIO_URL; // an mp3 the test's origin serves

test('Upload Media stores the file, Transcribe transcribes it once however often the step runs', async () => {
  const media = await appTester(App.creates.upload_media.operation.perform, bundle({ url: AUDIO_URL }));
  assert.ok(media.id && media.url, JSON.stringify(media));
  assert.equal((await soku('GET', `/v1/media/${media.id}`)).status, 200);

  const before = (await soku('GET', '/v1/credits/balance')).json.balance;
  const zapId = unique('zap');
  const first = await appTester(App.creates.transcribe.operation.perform, bundle({ mediaId: media.id, language: 'en' }, { zapId }));
  assert.ok(first.transcript.length > 0 && first.creditsDebited >= 1, JSON.stringify(first));
  const retried = await appTester(App.creates.transcribe.operation.perform, bundle({ mediaId: media.id, language: 'en' }, { zapId }));
  assert.equal(retried.jobId, first.jobId);
  const after = (await soku('GET', '/v1/credits/balance')).json.balance;
  assert.equal(before - after, first.creditsDebited);
});
