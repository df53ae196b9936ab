// The TypeScript client against the local stack, run by tests/test_sdk_typescript.py (after tsc):
// SOKU_BASE_URL, SOKU_API_KEY (the demo user), SOKU_PAGING_API_KEY (a user with no posts yet) and
// SOKU_TEST_DELIVERY (a file holding a real webhook delivery the pytest side received: its secret,
// headers and raw body).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Soku, SokuError, WebhookVerificationError, signWebhook, verifyWebhook, type PostSummary } from "../src/index.js";

function env(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set (tests/test_sdk_typescript.py sets it)`);
  return value;
}

const baseUrl = env("SOKU_BASE_URL");
const text = (what: string) => `${what} ${randomUUID().slice(0, 8)}`;

test("publish to X and wait until it succeeded", async () => {
  const soku = new Soku({ baseUrl, apiKey: env("SOKU_API_KEY") });
  const created = await soku.createPost({ post: { content: { text: text("From the TypeScript client"), platform: ["x"] } } });
  const post = await soku.waitForPost(created.postSubmissionId, { timeoutMs: 60_000, intervalMs: 500 });
  assert.equal(post.status, "dispatched");
  assert.deepEqual(post.runs.map((run) => [run.platform, run.status]), [["x", "succeeded"]]);
});

test("a create sends one Idempotency-Key and reuses it on the client's retries", async () => {
  const keys: (string | null)[] = [];
  let failFirst = true;
  const soku = new Soku({
    baseUrl,
    apiKey: env("SOKU_API_KEY"),
    fetch: async (request) => {
      keys.push(request.headers.get("Idempotency-Key"));
      if (failFirst) {
        failFirst = false;
        return new Response(JSON.stringify({ error: { code: "unavailable", message: "try again" } }), { status: 503 });
      }
      return fetch(request);
    },
  });
  const body = { post: { content: { text: text("Retried with one key"), platform: ["x"] } } };
  const created = await soku.createPost(body);
  assert.equal(keys.length, 2);
  assert.ok(keys[0]);
  assert.equal(keys[0], keys[1]);
  const again = await soku.createPost(body, { idempotencyKey: keys[0] ?? undefined });
  assert.equal(again.postSubmissionId, created.postSubmissionId);
  await soku.createPost({ post: { content: { text: text("Another call"), platform: ["x"] } } });
  assert.notEqual(keys.at(-1), keys[0]);

  await assert.rejects(
    soku.createPost({ post: { content: { text: "x", platform: ["nowhere"] } } }),
    (error: unknown) => error instanceof SokuError && error.status === 400 && error.code.length > 0,
  );
});

test("list posts page by page", async () => {
  const pages: number[] = [];
  const soku = new Soku({
    baseUrl,
    apiKey: env("SOKU_PAGING_API_KEY"),
    fetch: async (request) => {
      const response = await fetch(request);
      if (request.method === "GET") pages.push(((await response.clone().json()) as { data: unknown[] }).data.length);
      return response;
    },
  });
  const ids: string[] = [];
  for (const i of [0, 1, 2]) {
    ids.push((await soku.createPost({ post: { content: { text: text(`page ${i}`), platform: ["x"] } } })).postSubmissionId);
  }
  const listed: PostSummary[] = [];
  for await (const post of soku.iterPosts({}, 2)) listed.push(post);
  assert.deepEqual(listed.map((post) => post.id), [...ids].reverse());
  assert.deepEqual(pages, [2, 1]);
  for await (const media of soku.iterMedia({ type: "image" }, 2)) assert.equal(typeof media.id, "string");
});

test("verify a real delivery; a tampered one is refused", () => {
  const delivery = JSON.parse(readFileSync(env("SOKU_TEST_DELIVERY"), "utf8")) as {
    secret: string; headers: Record<string, string>; body: string;
  };
  const event = verifyWebhook(delivery.secret, delivery.body, delivery.headers) as { type: string; id: string };
  assert.equal(event.type, "post.published");
  assert.equal(event.id, delivery.headers["webhook-id"] ?? delivery.headers["Webhook-Id"]);
  assert.ok(verifyWebhook(delivery.secret, Buffer.from(delivery.body), new Headers(delivery.headers)));

  const refused = (error: unknown) => error instanceof WebhookVerificationError;
  assert.throws(() => verifyWebhook(delivery.secret, delivery.body.replace("post.published", "post.failed"), delivery.headers), refused);
  assert.throws(() => verifyWebhook(`whsec_${"A".repeat(43)}=`, delivery.body, delivery.headers), refused);
  const stale: Record<string, string> = Object.fromEntries(
    Object.entries(delivery.headers).filter(([key]) => key.toLowerCase() !== "webhook-timestamp"));
  stale["webhook-timestamp"] = String(Math.floor(Date.now() / 1000) - 3600);
  assert.throws(() => verifyWebhook(delivery.secret, delivery.body, stale), refused);
});

test("signWebhook matches the Standard Webhooks reference vector", () => {
  // The example of the standard-webhooks repository's own tests (spec: standardwebhooks.com).
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const signature = signWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
  assert.equal(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
});
