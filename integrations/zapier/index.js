'use strict';

// Soku on Zapier (docs/zapier.md): an API key connection tested with GET /v1/me; Publish
// Post, Upload Media, Transcribe and Delete Repurpose Link; Find Post; Post Published and
// Post Failed (REST hooks on /v1/webhooks); pick lists of accounts and repurpose links.

const { version: platformVersion } = require('zapier-platform-core');
const { version } = require('./package.json');
const { api, addApiKey, handleErrors } = require('./lib/api');

const account = require('./triggers/account');
const repurposeLink = require('./triggers/repurpose_link');
const { postPublished, postFailed } = require('./triggers/post_events');
const publishPost = require('./creates/publish_post');
const createDraft = require('./creates/create_draft');
const publishNow = require('./creates/publish_now');
const uploadMedia = require('./creates/upload_media');
const transcribe = require('./creates/transcribe');
const deleteRepurposeLink = require('./creates/delete_repurpose_link');
const findPost = require('./searches/find_post');

const authentication = {
  type: 'custom',
  fields: [
    { key: 'apiKey', label: 'API Key', type: 'password', required: true,
      helpText: 'A Soku API key (sk_live_…), sent as the `soku-api-key` header.' },
    { key: 'baseUrl', label: 'Soku API Base URL', type: 'string', required: false,
      helpText: 'Your Soku deployment, e.g. https://<project>.web.app (or its …/api function URL for long uploads). Empty: the integration default.' },
  ],
  test: async (z, bundle) => (await z.request({ url: api(bundle, '/v1/me') })).data,
  connectionLabel: (z, bundle) => {
    const me = bundle.inputData;
    const who = me.displayName || me.email || me.userId;
    const detail = me.email && me.email !== who ? `${me.email}, ` : '';
    return `${who} (${detail}key: ${(me.key && me.key.name) || me.keyId})`;
  },
};

module.exports = {
  version,
  platformVersion,
  authentication,
  beforeRequest: [addApiKey],
  afterResponse: [handleErrors],
  triggers: {
    [postPublished.key]: postPublished,
    [postFailed.key]: postFailed,
    [account.key]: account,
    [repurposeLink.key]: repurposeLink,
  },
  creates: {
    [publishPost.key]: publishPost,
    [createDraft.key]: createDraft,
    [publishNow.key]: publishNow,
    [uploadMedia.key]: uploadMedia,
    [transcribe.key]: transcribe,
    [deleteRepurposeLink.key]: deleteRepurposeLink,
  },
  searches: {
    [findPost.key]: findPost,
  },
};
