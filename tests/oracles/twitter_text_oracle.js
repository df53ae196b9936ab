#!/usr/bin/env node
// Oracle for X's weighted tweet length: X's own twitter-text library (npm `twitter-text`,
// pinned in devstack/node/package.json, installed by `make tools`).
//
// Reads one JSON string per line on stdin; writes one JSON object per line on stdout:
//   {"weightedLength": N, "valid": bool, "permillage": N}
// the fields of twitter.parseTweet(text) with the default (v3) configuration.
// One process answers a whole batch; a line that is not a JSON string answers {"error": ...}.
"use strict";

const path = require("path");
const readline = require("readline");

const nodeModules = path.resolve(__dirname, "..", "..", "devstack", "node", "node_modules");
let twitter;
try {
  twitter = require(require.resolve("twitter-text", { paths: [nodeModules] }));
} catch (err) {
  process.stderr.write(
    `twitter-text is not installed under ${nodeModules}: run \`make tools\` ` +
      `(cd devstack/node && npm ci). ${err.message}\n`
  );
  process.exit(3);
}

const out = [];
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (line === "") return;
  let answer;
  try {
    const text = JSON.parse(line);
    if (typeof text !== "string") throw new Error("each line must be a JSON string");
    const r = twitter.parseTweet(text);
    answer = { weightedLength: r.weightedLength, valid: r.valid, permillage: r.permillage };
  } catch (err) {
    answer = { error: String(err && err.message) };
  }
  out.push(JSON.stringify(answer));
  if (out.length >= 1000) process.stdout.write(out.splice(0).join("\n") + "\n");
});
rl.on("close", () => {
  if (out.length) process.stdout.write(out.join("\n") + "\n");
});
