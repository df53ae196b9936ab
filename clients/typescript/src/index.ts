// The hand-written layer over the generated types (src/generated/, make sdks never touches this
// file): openapi-fetch's typed client with the key, idempotency keys and retries, pagination,
// waiting for a post, and Standard Webhooks signature verification (node:crypto).

import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { IDEMPOTENT_OPERATIONS } from "./generated/operations.js";
import type { components, operations, paths } from "./generated/schema.js";

export type { components, operations, paths };
export type Schemas = components["schemas"];
export type CreatePostRequest = Schemas["CreatePostRequest"];
export type CreatePostResponse = Schemas["CreatePostResponse"];
export type PostView = Schemas["PostView"];
export type RunView = Schemas["RunView"];
export type PostSummary = Schemas["PostSummary"];
export type MediaDocument = Schemas["MediaDocument"];
export type ErrorEnvelope = Schemas["ErrorEnvelope"];
export type PostsQuery = Omit<NonNullable<operations["posts_list_posts"]["parameters"]["query"]>, "cursor" | "limit">;
export type MediaQuery = Omit<NonNullable<operations["media_list_media"]["parameters"]["query"]>, "cursor" | "limit">;

/** A run in one of these states changes no more on its own (docs/posts.md, Lifecycle). */
export const TERMINAL_RUN_STATUSES: ReadonlySet<string> = new Set(["succeeded", "failed", "canceled", "unconfirmed"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const RETRY_STATUSES = new Set([500, 502, 503, 504]);

export interface SokuOptions {
  /** e.g. https://your-project.web.app, or http://127.0.0.1:8080 under `make run` */
  baseUrl: string;
  /** `sk_live_…`, sent as the `soku-api-key` header */
  apiKey: string;
  /** attempts after the first, for 429s, and for 5xx and lost connections when the request may be repeated */
  maxRetries?: number;
  /** the fetch to send with (defaults to globalThis.fetch) */
  fetch?: (input: Request) => Promise<Response>;
}

/** A non-2xx answer: the error envelope's `code`, `message` and `requestId` when it has one. */
export class SokuError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly body: unknown,
  ) {
    super(`${status} ${code}: ${message}${requestId ? ` (request ${requestId})` : ""}`);
    this.name = "SokuError";
  }
}

export class WaitTimeout extends Error {
  constructor(message: string, readonly post: PostView | undefined) {
    super(message);
    this.name = "WaitTimeout";
  }
}

/** Returns `data` of an openapi-fetch result, or throws its error as a SokuError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error === undefined && result.response.ok) return result.data as T;
  const envelope = result.error as Partial<ErrorEnvelope> | undefined;
  const error = envelope?.error;
  throw new SokuError(
    result.response.status,
    error?.code ?? "unknown",
    error?.message ?? String(result.error ?? ""),
    error?.requestId ?? result.response.headers.get("x-request-id") ?? undefined,
    result.error,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) => Math.min(8000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);

/** A fetch that retries: 429 always (Soku did not run the request), 5xx and network errors only
 * when repeating is harmless (a safe method, or an `Idempotency-Key`, which stays the same). */
function retryingFetch(send: (input: Request) => Promise<Response>, maxRetries: number) {
  return async (request: Request): Promise<Response> => {
    const repeatable = SAFE_METHODS.has(request.method) || request.headers.has("Idempotency-Key");
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= maxRetries;
      let response: Response;
      try {
        response = await send(last ? request : request.clone());
      } catch (error) {
        if (last || !repeatable) throw error;
        await sleep(backoff(attempt));
        continue;
      }
      if (!last && (response.status === 429 || (repeatable && RETRY_STATUSES.has(response.status)))) {
        const after = Number(response.headers.get("retry-after"));
        await response.body?.cancel();
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after, 30) * 1000 : backoff(attempt));
        continue;
      }
      return response;
    }
  };
}

/** One Idempotency-Key per call of an operation that takes one, unless the call sets its own. */
const idempotencyKeys: Middleware = {
  onRequest({ request, schemaPath }) {
    if (IDEMPOTENT_OPERATIONS.has(`${request.method} ${schemaPath}`) && !request.headers.has("Idempotency-Key")) {
      request.headers.set("Idempotency-Key", randomUUID());
    }
    return request;
  },
};

export class Soku {
  /** openapi-fetch's client, typed by the generated `paths`: every operation, e.g. `soku.api.GET("/v1/me")`. */
  readonly api: Client<paths>;

  constructor(options: SokuOptions) {
    const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
    this.api = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      headers: { "soku-api-key": options.apiKey },
      fetch: retryingFetch(send, options.maxRetries ?? 3),
    });
    this.api.use(idempotencyKeys);
  }

  /** `POST /v1/posts`; `idempotencyKey` defaults to a fresh one, reused on this client's retries. */
  async createPost(body: CreatePostRequest, options: { idempotencyKey?: string } = {}): Promise<CreatePostResponse> {
    const header = options.idempotencyKey ? { "Idempotency-Key": options.idempotencyKey } : {};
    return unwrap(await this.api.POST("/v1/posts", { body, params: { header } }));
  }

  async getPost(postId: string): Promise<PostView> {
    return unwrap(await this.api.GET("/v1/posts/{post_id}", { params: { path: { post_id: postId } } }));
  }

  /** Every post `GET /v1/posts` lists with these filters, newest first, following `nextCursor`. */
  async *iterPosts(query: PostsQuery = {}, pageSize = 50): AsyncGenerator<PostSummary> {
    let cursor: string | undefined;
    do {
      const page = unwrap(await this.api.GET("/v1/posts", { params: { query: { ...query, limit: pageSize, cursor } } }));
      yield* page.data;
      cursor = page.hasMore && page.nextCursor ? page.nextCursor : undefined;
    } while (cursor);
  }

  /** Every item of your media library `GET /v1/media` lists with these filters, following `nextCursor`. */
  async *iterMedia(query: MediaQuery = {}, pageSize = 50): AsyncGenerator<MediaDocument> {
    let cursor: string | undefined;
    do {
      const page = unwrap(await this.api.GET("/v1/media", { params: { query: { ...query, limit: pageSize, cursor } } }));
      yield* page.data;
      cursor = page.hasMore && page.nextCursor ? page.nextCursor : undefined;
    } while (cursor);
  }

  /** Polls `GET /v1/posts/{id}` until the post is dispatched and every run is terminal (succeeded,
   * failed, canceled, unconfirmed), or canceled; throws WaitTimeout after `timeoutMs`. A wait that
   * ends is not a success: check each run's `status`. */
  async waitForPost(postId: string, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<PostView> {
    const { timeoutMs = 120_000, intervalMs = 1000 } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const post = await this.getPost(postId);
      const finished = post.runs.length > 0 && post.runs.every((run) => TERMINAL_RUN_STATUSES.has(run.status ?? ""));
      if (post.status === "canceled" || (post.status === "dispatched" && finished)) return post;
      if (Date.now() + intervalMs > deadline) {
        const runs = post.runs.map((run) => `${run.platform}:${run.status}`).join(", ");
        throw new WaitTimeout(`post ${postId} not finished after ${timeoutMs} ms: ${post.status} [${runs}]`, post);
      }
      await sleep(intervalMs);
    }
  }
}

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found[0] : found;
}

/** The `v1,<base64>` signature of a delivery (Standard Webhooks): HMAC-SHA256 of
 * `${id}.${timestamp}.${body}`, keyed with the bytes the secret's base64 (after `whsec_`) encodes. */
export function signWebhook(secret: string, id: string, timestamp: number | string, body: string | Buffer): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64");
  return `v1,${mac}`;
}

/** The parsed event if one of the delivery's `webhook-signature` entries is `secret`'s signature over
 * the raw body with its `webhook-id` and a `webhook-timestamp` within `toleranceSeconds` of now;
 * else throws WebhookVerificationError. Pass the body exactly as received, before parsing. */
export function verifyWebhook(
  secret: string,
  body: string | Buffer,
  headers: HeaderSource,
  options: { toleranceSeconds?: number; now?: Date } = {},
): unknown {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError("missing webhook-id, -timestamp or -signature");
  const seconds = Number(timestamp);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError("webhook-timestamp too old or too new");
  }
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body));
  const match = signatures.split(" ").some((entry) => {
    const given = Buffer.from(entry);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!match) throw new WebhookVerificationError("no matching signature");
  return JSON.parse(body.toString());
}
