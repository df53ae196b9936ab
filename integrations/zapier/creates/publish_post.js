'use strict';

// Publish Post: POST /v1/posts with the chosen accounts as targets, then the post as
// GET /v1/posts/{id} shows it (one run per target), so the Zap history shows what will publish.

const { platformFields } = require('../lib/platform_fields');
const { submit } = require('../lib/submit_post');

const perform = (z, bundle) => submit(z, bundle, 'publish_post');

module.exports = {
  key: 'publish_post',
  noun: 'Post',
  display: {
    label: 'Publish Post',
    description: 'Publishes (or schedules) a post to the accounts you choose, once per account.',
  },
  operation: {
    perform,
    inputFields: [
      { key: 'text', label: 'Text', type: 'text', required: false,
        helpText: 'The caption or post text. Each platform checks its own length limit at submission.' },
      { key: 'accounts', label: 'Accounts', list: true, required: false, dynamic: 'account.id.name',
        altersDynamicFields: true,
        helpText: 'The accounts to publish to, one run each. Only the accounts chosen here publish.' },
      { key: 'targets', label: 'Targets with your own target IDs', required: false, altersDynamicFields: true,
        children: [
          { key: 'account', label: 'Account', dynamic: 'account.id.name', required: false },
          { key: 'targetId', label: 'Target ID', type: 'string', required: false,
            helpText: 'Optional, instead of or besides Accounts. Targets sharing a target ID make a single run. Letters, digits and `_ . : @ -`, up to 128; defaults to platform:accountId.' },
        ] },
      { key: 'mediaUrls', label: 'Media URLs', type: 'string', list: true, required: false,
        helpText: 'Public image or video URLs; Soku fetches them before publishing.' },
      { key: 'mediaIds', label: 'Media IDs', type: 'string', list: true, required: false,
        helpText: 'IDs from the Upload Media action.' },
      { key: 'mediaType', label: 'Media Type', required: false, choices: { video: 'Video', image: 'Image', text: 'Text' },
        helpText: 'Only needed when a URL has no file extension. Otherwise: video if any, else image if any, else text.' },
      { key: 'thread', label: 'Thread Replies', type: 'text', list: true, required: false,
        helpText: 'Replies that follow the post as a thread, in order, each answering the one before (X, Threads, Bluesky and Mastodon; up to 24). Each platform checks its length limit on every reply.' },
      { key: 'scheduledTime', label: 'Schedule Time', type: 'datetime', required: false,
        helpText: 'Leave empty to publish now; otherwise at least a minute ahead.' },
      { key: 'nextSlot', label: 'Schedule to Next Slot', type: 'boolean', required: false,
        helpText: "Instead of a time: the next free slot of the accounts' posting schedules (set in Soku). Overrides Schedule Time." },
      { key: 'enableRepurposing', label: 'Run Repurpose Links', type: 'boolean', required: false,
        helpText: "When it publishes, let this account's repurpose links make posts of it." },
      { key: 'idempotencyKey', label: 'Idempotency Key', type: 'string', required: false,
        helpText: "Leave empty: a key derived from this Zap and this step's inputs makes a retried or replayed step post once. Map a unique value (e.g. the trigger item's ID) to publish identical content more than once." },
      // Each chosen platform's limits and options, from GET /v1/platforms (lib/platform_fields.js).
      platformFields,
    ],
    sample: {
      id: '550e8400-e29b-41d4-a716-446655440000', postSubmissionId: '550e8400-e29b-41d4-a716-446655440000',
      status: 'queued', content: { text: 'Hello from the Soku API!' }, platforms: ['instagram'],
      targets: [{ platform: 'instagram', accountId: 'acct-b', targetId: 'instagram:acct-b' }],
      runs: [{ targetId: 'instagram:acct-b', platform: 'instagram', accountId: 'acct-b', status: 'queued', attemptCount: 0 }],
      idempotencyKey: 'zapier-publish_post-…',
    },
  },
};
