'use strict';

// Create Draft: Publish Post's fields, sent with `"draft": true` (POST /v1/posts). Soku checks the
// post as it checks any post and stores it; nothing publishes it until Publish Now (or the API's
// POST /v1/posts/{id}/publish) does.

const publishPost = require('./publish_post');
const { submit } = require('../lib/submit_post');

const perform = (z, bundle) => submit(z, bundle, 'create_draft', { draft: true });

module.exports = {
  key: 'create_draft',
  noun: 'Draft',
  display: {
    label: 'Create Draft',
    description: 'Saves a post as a draft, checked for every chosen account, without publishing it.',
  },
  operation: {
    perform,
    // The same fields as Publish Post; a Schedule Time only places the draft on the calendar.
    inputFields: publishPost.operation.inputFields,
    sample: { ...publishPost.operation.sample, status: 'draft', idempotencyKey: 'zapier-create_draft-…' },
  },
};
