'use strict';

// Transcribe: POST /v1/ai/transcribe on uploaded media; costs AI credits, so it carries an
// idempotency key derived from the Zap step: a retried step is not charged twice.

const { api, idempotencyKey } = require('../lib/api');

const perform = async (z, bundle) => {
  const body = { mediaId: bundle.inputData.mediaId };
  if (bundle.inputData.language) body.language = bundle.inputData.language;
  const response = await z.request({
    url: api(bundle, '/v1/ai/transcribe'),
    method: 'POST',
    headers: { 'Idempotency-Key': idempotencyKey(bundle, 'transcribe', body) },
    body,
  });
  return response.data;
};

module.exports = {
  key: 'transcribe',
  noun: 'Transcript',
  display: { label: 'Transcribe', description: 'Transcribes uploaded audio or video (1 AI credit per started minute).' },
  operation: {
    perform,
    inputFields: [
      { key: 'mediaId', label: 'Media ID', type: 'string', required: true, helpText: 'The ID from Upload Media.' },
      { key: 'language', label: 'Language', type: 'string', required: false,
        helpText: 'ISO 639-1 code (en, es, fr…); detected when empty.' },
      { key: 'idempotencyKey', label: 'Idempotency Key', type: 'string', required: false,
        helpText: "Leave empty: a retried step is then not transcribed (or charged) twice." },
    ],
    sample: { jobId: 'job_123', transcript: 'Hello and welcome to the show.', creditsDebited: 1, likelyLyrics: false },
  },
};
