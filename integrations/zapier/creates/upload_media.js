'use strict';

// Upload Media: POST /v1/media fetches a public URL into Soku's storage; its id goes to
// Publish Post (Media IDs) or Transcribe.

const { api } = require('../lib/api');

const perform = async (z, bundle) => {
  const response = await z.request({ url: api(bundle, '/v1/media'), method: 'POST', body: { url: bundle.inputData.url } });
  return response.data;
};

module.exports = {
  key: 'upload_media',
  noun: 'Media',
  display: { label: 'Upload Media', description: 'Stores an image, video or audio file from a public URL in Soku.' },
  operation: {
    perform,
    inputFields: [{ key: 'url', label: 'File URL', type: 'string', required: true,
      helpText: 'A public http(s) URL of the file.' }],
    sample: { id: 'm0123456789abcdef', url: 'https://example.web.app/media/m0123456789abcdef.mp4' },
  },
};
