'use strict';

// Delete Repurpose Link: the link is picked from the chosen account's links only, and is
// checked to belong to that account before DELETE /v1/repurposeLinks/{id}, so a mapped or
// stale id cannot remove another account's automation.

const { api, linkParams } = require('../lib/api');

const perform = async (z, bundle) => {
  const { link, account } = bundle.inputData;
  const links = (await z.request({ url: api(bundle, '/v1/repurposeLinks'), params: linkParams({ account }) })).data.links;
  if (!links.some((l) => l.id === link)) {
    throw new z.errors.Error(`Repurpose link ${link} is not one of ${account}'s links.`, 'not_found', 404);
  }
  const response = await z.request({ url: api(bundle, `/v1/repurposeLinks/${encodeURIComponent(link)}`), method: 'DELETE' });
  return { id: link, ...response.data };
};

module.exports = {
  key: 'delete_repurpose_link',
  noun: 'Repurpose Link',
  display: { label: 'Delete Repurpose Link', description: "Deletes one of an account's repurpose links." },
  operation: {
    perform,
    inputFields: [
      { key: 'account', label: 'Account', required: true, dynamic: 'account.id.name', altersDynamicFields: true },
      { key: 'link', label: 'Repurpose Link', required: true, dynamic: 'repurpose_link.id.name',
        helpText: "Lists only the chosen account's links." },
    ],
    sample: { id: 'link_2a6f04a4d32efd6a983c', deleted: true },
  },
};
