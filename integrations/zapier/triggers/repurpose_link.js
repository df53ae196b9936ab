'use strict';

// Hidden trigger behind the repurpose-link pick list: GET /v1/repurposeLinks filtered by the
// account chosen in the same step (?platform=…&accountId=…), so the list holds only that
// account's links and a Zap cannot pick another account's automation by mistake.

const { api, linkParams } = require('../lib/api');

const perform = async (z, bundle) => {
  const response = await z.request({ url: api(bundle, '/v1/repurposeLinks'), params: linkParams(bundle.inputData || {}) });
  return response.data.links.map((link) => {
    const delay = (link.settings && link.settings.delayHours) || 0;
    return {
      ...link,
      name: `${link.type} posts → ${link.templateId}, ${delay} h later (${link.platform}:${link.accountId})`,
    };
  });
};

module.exports = {
  key: 'repurpose_link',
  noun: 'Repurpose Link',
  display: { label: 'Repurpose Links', description: "An account's repurpose links, for pick lists.", hidden: true },
  operation: {
    perform,
    sample: {
      id: 'link_2a6f04a4d32efd6a983c', name: 'text posts → tweetImage, 12 h later (instagram:acct-b)',
      platform: 'instagram', accountId: 'acct-b', type: 'text', templateId: 'tweetImage',
      settings: { delayHours: 12 },
    },
  },
};
