'use strict';

// The body Publish Post and Create Draft send (POST /v1/posts) from the step's inputs, and the
// request itself: an Idempotency-Key derived from the Zap and the inputs, then the post as
// GET /v1/posts/{id} shows it (one run per target), so the Zap history shows what will publish.

const { api, idempotencyKey, list, parseAccount } = require('./api');
const { optionsFrom } = require('./platform_fields');

const buildTargets = (inputData) => {
  const targets = list(inputData.accounts).map(parseAccount);
  for (const row of list(inputData.targets)) {
    if (!row || !row.account) continue;
    const target = parseAccount(row.account);
    if (row.targetId) target.targetId = String(row.targetId);
    targets.push(target);
  }
  return targets.map((t) => (t.accountId || t.targetId ? t : t.platform));
};

const buildBody = (inputData) => {
  const content = { platform: buildTargets(inputData) };
  if (inputData.text) content.text = inputData.text;
  if (list(inputData.mediaUrls).length) content.mediaUrls = list(inputData.mediaUrls);
  if (list(inputData.mediaIds).length) content.mediaIds = list(inputData.mediaIds);
  if (inputData.mediaType) content.mediaType = inputData.mediaType;
  // Thread Replies: each line item one reply, in order, after the post (X, Threads, Bluesky, Mastodon).
  const replies = list(inputData.thread).map((text) => String(text)).filter((text) => text.trim());
  if (replies.length) content.thread = replies.map((text) => ({ text }));
  const options = optionsFrom(inputData);
  if (Object.keys(options).length) content.options = options;
  const body = { post: { content } };
  if (inputData.scheduledTime) body.scheduledTime = inputData.scheduledTime;
  // Schedule to Next Slot: the accounts' next free posting slot (PUT /v1/accounts/{id}/schedule).
  if (inputData.nextSlot === true || inputData.nextSlot === 'true') body.scheduledTime = 'next_slot';
  if (inputData.enableRepurposing !== undefined && inputData.enableRepurposing !== '') {
    body.enableRepurposing = inputData.enableRepurposing === true || inputData.enableRepurposing === 'true';
  }
  return body;
};

// `action` names the idempotency key's step (`publish_post`, `create_draft`, which adds
// `draft: true`), so a draft and a post of the same inputs are not one request.
const submit = async (z, bundle, action, extra = {}) => {
  const body = { ...buildBody(bundle.inputData), ...extra };
  if (!body.post.content.platform.length) {
    throw new z.errors.Error('Choose at least one account to publish to.', 'missing_account', 400);
  }
  const key = idempotencyKey(bundle, action, body);
  const created = await z.request({
    url: api(bundle, '/v1/posts'),
    method: 'POST',
    headers: { 'Idempotency-Key': key },
    body,
  });
  const id = created.data.postSubmissionId;
  const post = (await z.request({ url: api(bundle, `/v1/posts/${encodeURIComponent(id)}`) })).data;
  return { ...post, postSubmissionId: id, idempotencyKey: created.getHeader('idempotency-key') || key };
};

module.exports = { buildBody, submit };
