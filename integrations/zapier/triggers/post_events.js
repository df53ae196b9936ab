'use strict';

// "Post Published" and "Post Failed": REST hooks on /v1/webhooks (subscribe, unsubscribe,
// and a perform that checks the delivery's signature), with GET /v1/posts (newest first,
// paged by its nextCursor) and each post's runs as the polling path Zapier uses for samples.
// Hook and poll give the same item, one per finished run, with the same id, so Zapier's
// de-duplication treats a run the same way whichever path brought it.

const { api } = require('../lib/api');
const { verifyDelivery } = require('../lib/signature');

// Posts per GET /v1/posts page (SOKU_ZAPIER_POLL_PAGE_SIZE lets the tests page through few posts).
const POLL_PAGE = Number(process.env.SOKU_ZAPIER_POLL_PAGE_SIZE) || 25;
const POLL_PAGES = 4;

const runItem = (post, run, eventId) => {
  const id = post.postSubmissionId || post.id;
  const result = run.result || {};
  return {
    id: `${id}:${run.targetId}:${run.finishedAt || ''}`,
    eventId: eventId || null,
    postSubmissionId: id,
    targetId: run.targetId,
    platform: run.platform,
    accountId: run.accountId,
    status: run.status,
    attemptCount: run.attemptCount,
    finishedAt: run.finishedAt || null,
    postUrl: result.url || null,
    platformPostId: result.postId || null,
    errorCode: run.status === 'failed' ? result.code || null : null,
    errorMessage: run.status === 'failed' ? result.message || null : null,
    text: (post.content && post.content.text) || null,
    scheduledTime: post.scheduledTime || null,
    createdAt: post.createdAt || null,
    post,
    run,
  };
};

const makeTrigger = ({ key, noun, label, description, event, runStatus }) => {
  const performSubscribe = async (z, bundle) => {
    const response = await z.request({
      url: api(bundle, '/v1/webhooks'),
      method: 'POST',
      body: { url: bundle.targetUrl, events: [event], description: `Zapier: ${label}` },
    });
    // Kept by Zapier as bundle.subscribeData: the id to unsubscribe, the secret to verify.
    return response.data;
  };

  const performUnsubscribe = async (z, bundle) => {
    const id = bundle.subscribeData && bundle.subscribeData.id;
    const response = await z.request({
      url: api(bundle, `/v1/webhooks/${encodeURIComponent(id)}`),
      method: 'DELETE',
      skipThrowForStatus: true,
    });
    if (response.status === 404) return { deleted: true, id }; // already gone: nothing to undo
    response.throwForStatus();
    return response.data;
  };

  const perform = async (z, bundle) => {
    const raw = bundle.rawRequest || {};
    const secret = bundle.subscribeData && bundle.subscribeData.secret;
    if (!verifyDelivery(secret, raw.content, raw.headers)) {
      // Not from Soku (or altered, or replayed late): stop here without an item.
      throw new z.errors.HaltedError('Soku webhook signature did not verify');
    }
    const delivery = JSON.parse(raw.content);
    if (delivery.type !== event || !delivery.data || !delivery.data.run) return [];
    return [runItem(delivery.data.post || {}, delivery.data.run, delivery.id)];
  };

  const performList = async (z, bundle) => {
    const items = [];
    let cursor;
    const pages = bundle.meta && bundle.meta.isLoadingSample ? 1 : POLL_PAGES;
    for (let page = 0; page < pages; page += 1) {
      const params = { limit: POLL_PAGE };
      if (cursor) params.cursor = cursor;
      const listing = (await z.request({ url: api(bundle, '/v1/posts'), params })).data;
      for (const summary of listing.data) {
        const post = (await z.request({ url: api(bundle, `/v1/posts/${encodeURIComponent(summary.id)}`) })).data;
        for (const run of post.runs || []) {
          if (run.status === runStatus) items.push(runItem(post, run));
        }
      }
      if (!listing.hasMore || !listing.nextCursor) break;
      cursor = listing.nextCursor;
    }
    // Newest first, as Zapier expects of a poll.
    return items.sort((a, b) => String(b.finishedAt).localeCompare(String(a.finishedAt)));
  };

  return {
    key,
    noun,
    display: { label, description },
    operation: {
      type: 'hook',
      performSubscribe,
      performUnsubscribe,
      perform,
      performList,
      sample: runItem(
        { id: '550e8400-e29b-41d4-a716-446655440000', postSubmissionId: '550e8400-e29b-41d4-a716-446655440000',
          status: 'dispatched', content: { text: 'Hello from the Soku API!' }, createdAt: '2026-11-25T14:00:00.000Z' },
        { targetId: 'instagram:acct-b', platform: 'instagram', accountId: 'acct-b', status: runStatus, attemptCount: 1,
          finishedAt: '2026-11-25T14:00:05.000Z',
          result: runStatus === 'succeeded'
            ? { postId: '17900000000000000', url: 'https://www.instagram.com/p/abc/' }
            : { code: 'media_unavailable', message: 'Media could not be fetched' } },
        'evt_sample'),
    },
  };
};

const postPublished = makeTrigger({
  key: 'post_published', noun: 'Post', label: 'Post Published',
  description: 'Triggers when a post is published to one of its accounts (once per account).',
  event: 'post.published', runStatus: 'succeeded',
});

const postFailed = makeTrigger({
  key: 'post_failed', noun: 'Post', label: 'Post Failed',
  description: 'Triggers when a post fails for good on one of its accounts, with the reason.',
  event: 'post.failed', runStatus: 'failed',
});

module.exports = { postPublished, postFailed, runItem };
