'use strict';

// Publish Now: POST /v1/posts/{id}/publish, for a draft or a scheduled post that has not started.
// Soku publishes it once however often the step runs: a second call answers 409
// post_not_publishable (already publishing), which this action reports as the post as it stands,
// so a retried step does not fail a Zap whose first try worked.

const { api, handleErrors } = require('../lib/api');

const perform = async (z, bundle) => {
  const id = String(bundle.inputData.postSubmissionId || '').trim();
  if (!id) throw new z.errors.Error('Give the post ID (postSubmissionId) to publish.', 'missing_post', 400);
  const path = `/v1/posts/${encodeURIComponent(id)}`;
  const response = await z.request({ url: api(bundle, `${path}/publish`), method: 'POST', skipThrowForStatus: true });
  if (response.status === 409) {
    const post = (await z.request({ url: api(bundle, path) })).data;
    if (['queued', 'orchestrating', 'dispatched'].includes(post.status) && post.scheduledTime === null) return post;
  }
  if (response.status >= 400) {
    response.request.skipThrowForStatus = false; // the envelope's message and code, as every action reports them
    handleErrors(response, z);
  }
  return response.data;
};

module.exports = {
  key: 'publish_now',
  noun: 'Post',
  display: {
    label: 'Publish Now',
    description: 'Publishes a draft, or a scheduled post that has not started, right away (once).',
  },
  operation: {
    perform,
    inputFields: [
      { key: 'postSubmissionId', label: 'Post ID', type: 'string', required: true,
        helpText: 'The post ID (postSubmissionId) from Create Draft, Publish Post or Find Post.' },
    ],
    sample: {
      id: '550e8400-e29b-41d4-a716-446655440000', status: 'queued', scheduledTime: null,
      content: { text: 'Hello from the Soku API!' }, platforms: ['x'],
      runs: [{ targetId: 'x:x_main', platform: 'x', accountId: 'x_main', status: 'queued', attemptCount: 0 }],
    },
  },
};
