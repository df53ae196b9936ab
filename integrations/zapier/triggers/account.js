'use strict';

// Hidden trigger behind the account pick lists: GET /v1/accounts, one choice per connected
// account, valued "platform:accountId" so the choice alone names the target.

const { api } = require('../lib/api');

const PLATFORMS = {
  x: 'X', instagram: 'Instagram', facebook: 'Facebook', threads: 'Threads', tiktok: 'TikTok',
  youtube: 'YouTube', linkedin: 'LinkedIn', snapchat: 'Snapchat', telegram: 'Telegram', discord: 'Discord',
  mastodon: 'Mastodon', google_business: 'Google Business Profile', pinterest: 'Pinterest', wordpress: 'WordPress', reddit: 'Reddit',
};

const perform = async (z, bundle) => {
  const params = bundle.inputData && bundle.inputData.platform ? { platform: bundle.inputData.platform } : {};
  const response = await z.request({ url: api(bundle, '/v1/accounts'), params });
  return response.data.accounts.map((account) => ({
    id: `${account.platform}:${account.accountId}`,
    name:
      `${PLATFORMS[account.platform] || account.platform}: ${account.displayName || account.accountId}` +
      ` (${account.accountId})${account.status === 'needs_reconnect' ? ' (needs reconnecting)' : ''}`,
    platform: account.platform,
    accountId: account.accountId,
    displayName: account.displayName,
    status: account.status,
  }));
};

module.exports = {
  key: 'account',
  noun: 'Account',
  display: { label: 'Accounts', description: 'Connected social accounts, for pick lists.', hidden: true },
  operation: {
    perform,
    sample: {
      id: 'instagram:acct-a', name: 'Instagram: Test plan account A (acct-a)', platform: 'instagram',
      accountId: 'acct-a', displayName: 'Test plan account A', status: 'connected',
    },
  },
};
