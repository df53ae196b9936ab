'use strict';

// What `zapier validate --without-style` runs offline (the CLI's local "validate" command,
// answered by zapier-platform-core's handler); the CLI itself needs Node 22.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const zapier = require('zapier-platform-core');
const schema = require('zapier-platform-schema');

test('the app definition is structurally valid (zapier validate, offline part)', async () => {
  const handler = zapier.createAppHandler(path.resolve(__dirname, '..', 'index.js'));
  const answer = await handler({ command: 'validate', platformVersion: zapier.version }, {});
  assert.deepEqual(answer.results, [], JSON.stringify(answer.results, null, 2));
});

test('the validation is live: a broken definition is refused', () => {
  const App = require('../index');
  // Functions as the CLI serialises them; then one input field of an unknown type.
  const broken = JSON.parse(JSON.stringify(App, (k, v) => (typeof v === 'function' ? '$func$2$f$' : v)));
  assert.deepEqual(schema.validateAppDefinition(broken).errors, []);
  broken.creates.publish_post.operation.inputFields[0].type = 'no-such-type';
  const errors = schema.validateAppDefinition(broken).errors.map((e) => e.stack);
  assert.ok(errors.some((e) => /is not one of enum values/.test(e)), errors.join('\n'));
});
