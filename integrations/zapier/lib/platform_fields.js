'use strict';

// Publish Post's per-platform fields, read from GET /v1/platforms: the catalog Soku builds from
// the same platform manifests POST /v1/posts checks against, so what the Zap editor shows (each
// chosen platform's text limit and post kinds, and its options as fields) is what Soku enforces.
// A field `options__<platform>__<name>` becomes post.content.options.<platform>.<name>.

const { api, list, parseAccount } = require('./api');

const OPTION_KEY = /^options__([a-z_]+)__([A-Za-z0-9_]+)$/;


// The platforms of the accounts and target rows chosen so far.
const chosenPlatforms = (inputData) => {
  const accounts = [...list(inputData.accounts), ...list(inputData.targets).map((row) => row && row.account)];
  return [...new Set(accounts.filter(Boolean).map((a) => parseAccount(a).platform))];
};

// An optional option is `{"anyOf": [<its schema>, {"type": "null"}]}` in the JSON Schema.
const concrete = (schema) => (schema.anyOf || []).find((s) => s.type !== 'null') || schema;

const fieldFor = (platform, name, property) => {
  const schema = concrete(property);
  const field = {
    key: `options__${platform.platform}__${name}`,
    label: `${platform.displayName}: ${name}`,
    required: false,
    helpText: property.description || schema.description,
  };
  if (schema.enum) return { ...field, choices: Object.fromEntries(schema.enum.map((v) => [String(v), String(v)])) };
  if (schema.type === 'boolean') return { ...field, type: 'boolean' };
  if (schema.type === 'integer') return { ...field, type: 'integer' };
  if (schema.type === 'number') return { ...field, type: 'number' };
  if (schema.type === 'string') return { ...field, type: schema.maxLength > 280 ? 'text' : 'string' };
  if (schema.type === 'array' && (schema.items || {}).type === 'string') return { ...field, type: 'string', list: true };
  return null; // nested objects: set them through the API, not a Zap field
};

const describe = (platform) => {
  const kinds = platform.postKinds.map((kind) => `${kind.kind} (${kind.minMedia}–${kind.maxMedia} media)`).join(', ');
  return `**${platform.displayName}**: text up to ${platform.text.maxLength} ${platform.text.unit}` +
    (platform.text.required ? ', required' : '') + (platform.media.required ? '; media required' : '') +
    (kinds ? `; post kinds: ${kinds}` : '') + '.';
};

// The dynamic input fields: a note per chosen platform, then its options.
const platformFields = async (z, bundle) => {
  const chosen = chosenPlatforms(bundle.inputData);
  if (!chosen.length) return [];
  const catalog = (await z.request({ url: api(bundle, '/v1/platforms') })).data;
  const fields = [];
  for (const platform of catalog.platforms.filter((p) => chosen.includes(p.platform) ||
      p.aliases.some((alias) => chosen.includes(alias)))) {
    fields.push({ key: `limits__${platform.platform}`, type: 'copy', helpText: describe(platform) });
    for (const [name, property] of Object.entries((platform.options || {}).properties || {})) {
      const field = fieldFor(platform, name, property);
      if (field) fields.push(field);
    }
  }
  return fields;
};

// post.content.options from the filled-in option fields (Zapier hands booleans and numbers in as
// strings when they are mapped from an earlier step).
const optionsFrom = (inputData) => {
  const options = {};
  for (const [key, raw] of Object.entries(inputData)) {
    const match = OPTION_KEY.exec(key);
    if (!match || raw === '' || raw == null || (Array.isArray(raw) && !raw.length)) continue;
    let value = raw;
    if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (typeof raw === 'string' && /^-?\d+$/.test(raw)) value = Number(raw);
    (options[match[1]] = options[match[1]] || {})[match[2]] = value;
  }
  return options;
};

module.exports = { platformFields, optionsFrom, chosenPlatforms };
