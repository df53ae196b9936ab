'use strict';

// Pick lists: accounts (GET /v1/accounts) and repurpose links (GET /v1/repurposeLinks
// filtered by the chosen account). Test plan (spec 002): the repurpose-link dropdown for
// acct-b lists only acct-b's links, so a Zap cannot touch acct-a's automations.

const test = require('node:test');
const assert = require('node:assert/strict');
const { App, appTester, bundle, soku } = require('./helpers');

test('the account pick list offers each connected account as platform:accountId', async () => {
  const choices = await appTester(App.triggers.account.operation.perform, bundle());
  const ids = choices.map((c) => c.id);
  assert.ok(ids.includes('instagram:acct-a') && ids.includes('instagram:acct-b'), ids.join(', '));
  const b = choices.find((c) => c.id === 'instagram:acct-b');
  assert.match(b.name, /^Instagram: .*\(acct-b\)$/);
  assert.equal(new Set(ids).size, ids.length);
});

const createLink = async (accountId, type) => {
  const r = await soku('POST', '/v1/repurposeLinks', {
    platform: 'instagram', accountId, type, templateId: 'tweetImage', settings: { delayHours: 2 },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
};

test('plan: the repurpose-link dropdown for acct-b lists only acct-b links', async () => {
  const a = await createLink('acct-a', 'text');
  const b = await createLink('acct-b', 'text');
  const b2 = await createLink('acct-b', 'image');

  const choices = await appTester(App.triggers.repurpose_link.operation.perform,
    bundle({ account: 'instagram:acct-b' }));
  assert.deepEqual(choices.map((c) => c.id).sort(), [b, b2].sort());
  assert.ok(choices.every((c) => c.accountId === 'acct-b' && c.platform === 'instagram'));
  assert.ok(choices.every((c) => c.name.endsWith('(instagram:acct-b)')), choices.map((c) => c.name).join('; '));

  const forA = await appTester(App.triggers.repurpose_link.operation.perform, bundle({ account: 'instagram:acct-a' }));
  assert.deepEqual(forA.map((c) => c.id), [a]);
});

test("Delete Repurpose Link removes the chosen account's link and refuses another account's", async () => {
  const a = await createLink('acct-a', 'video');
  const b = await createLink('acct-b', 'video');
  const del = App.creates.delete_repurpose_link.operation.perform;

  await assert.rejects(appTester(del, bundle({ account: 'instagram:acct-b', link: a })), /not one of instagram:acct-b's links/);
  const done = await appTester(del, bundle({ account: 'instagram:acct-b', link: b }));
  assert.equal(done.deleted, true);

  const left = (await soku('GET', '/v1/repurposeLinks?platform=instagram&type=video')).json.links.map((l) => l.id);
  assert.ok(left.includes(a) && !left.includes(b), left.join(', '));
});
