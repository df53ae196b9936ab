'use strict';

// Find Post: GET /v1/posts/{id}, the submission and every run; none found is an empty result.

const { api } = require('../lib/api');

const perform = async (z, bundle) => {
  const response = await z.request({
    url: api(bundle, `/v1/posts/${encodeURIComponent(String(bundle.inputData.id).trim())}`),
    skipThrowForStatus: true,
  });
  if (response.status === 404) return [];
  response.throwForStatus();
  return [response.data];
};

module.exports = {
  key: 'find_post',
  noun: 'Post',
  display: { label: 'Find Post', description: 'Finds a post by its ID, with the status of each account.' },
  operation: {
    perform,
    inputFields: [{ key: 'id', label: 'Post ID', type: 'string', required: true,
      helpText: 'The postSubmissionId from Publish Post.' }],
    sample: {
      id: '550e8400-e29b-41d4-a716-446655440000', postSubmissionId: '550e8400-e29b-41d4-a716-446655440000',
      status: 'dispatched', content: { text: 'Hello from the Soku API!' }, platforms: ['instagram'],
      runs: [{ targetId: 'instagram:acct-b', platform: 'instagram', accountId: 'acct-b', status: 'succeeded',
        attemptCount: 1, result: { postId: '17900000000000000', url: 'https://www.instagram.com/p/abc/' } }],
      runCounts: { queued: 0, processing: 0, succeeded: 1, failed: 0, canceled: 0 },
    },
  },
};
