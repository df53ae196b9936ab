// Transactions for @firestore-emulator/server, as Firestore runs them for server clients.
//
// The pinned emulator (0.3.15) answers every BeginTransaction with one dummy id and
// applies a commit's writes one by one, stopping at the first failed precondition:
// two transactions that read the same document both commit, a failed `create()`
// leaves the commit's earlier writes behind, and `update_time` preconditions are
// ignored. Tests that race two attempts for one run could not fail there.
//
// This layer wraps the emulator's gRPC service (`isolate(impl, getState)`) and adds
// what Firestore documents for its server client libraries
// (https://firebase.google.com/docs/firestore/transaction-data-contention):
//
// - pessimistic concurrency: a read inside a transaction locks the document until
//   the transaction commits or rolls back; a query inside one locks what it returns;
// - a commit that writes a document another transaction has locked waits for it;
//   two transactions wanting each other's documents resolve by age ("wound-wait":
//   the older transaction aborts the younger one, whose commit then fails with
//   ABORTED and which the client library retries; a retry keeps its first
//   attempt's age, as `TransactionOptions.ReadWrite.retry_transaction` asks);
// - a non-transactional write waits for the locks too, at most LOCK_WAIT_MS, then
//   aborts the holders (Firestore's lock timeouts end such waits the same way);
// - a transaction idle for IDLE_MS expires (Firestore: 60 s idle, 270 s overall)
//   and its locks are released;
// - a commit is atomic: every precondition (`exists`, `update_time`) is checked
//   before any of its writes is applied; a failed one fails the whole commit.
//
// Node runs one callback at a time, and the emulator's Commit applies its writes
// synchronously, so "check every lock and precondition, then apply" has no gap.

const { Status } = require("@grpc/grpc-js/build/src/constants");
const { randomBytes } = require("node:crypto");
const fsProto = require("@firestore-emulator/proto/dist/google/firestore/v1/firestore");

const LOCK_WAIT_MS = Number(process.env.SOKU_FIRESTORE_LOCK_WAIT_MS || 10000);
const IDLE_MS = Number(process.env.SOKU_FIRESTORE_TRANSACTION_IDLE_MS || 60000);

function isolate(impl, getState, methodNames) {
  let age = 0; // a transaction's priority: lower is older, and wins
  const transactions = new Map(); // id (hex) -> {id, age, locks:Set<path>, aborted, touched, readOnly}
  const ended = new Map(); // id (hex) -> age, so a retry keeps its age
  const lockers = new Map(); // document path -> Set<transaction id>
  let waiters = []; // commits waiting for locks: () => boolean (true when settled)

  const hex = (bytes) => Buffer.from(bytes || []).toString("hex");
  const aborted = (message) => ({ code: Status.ABORTED, message, name: "Error" });

  function begin(retryOf) {
    const id = randomBytes(16);
    const key = hex(id);
    const previous = retryOf ? transactions.get(retryOf)?.age ?? ended.get(retryOf) : undefined;
    transactions.set(key, { key, age: previous ?? ++age, locks: new Set(), aborted: null, touched: Date.now() });
    return id;
  }

  function release(tx) {
    for (const path of tx.locks) {
      const holders = lockers.get(path);
      holders?.delete(tx.key);
      if (holders && holders.size === 0) lockers.delete(path);
    }
    tx.locks.clear();
  }

  function end(tx) {
    release(tx);
    transactions.delete(tx.key);
    ended.set(tx.key, tx.age);
    if (ended.size > 10000) ended.delete(ended.keys().next().value);
    wake();
  }

  function wound(tx, reason) {
    if (tx.aborted) return;
    tx.aborted = reason;
    release(tx); // its commit will fail: what it read no longer holds anyone up
  }

  function lock(tx, path) {
    if (!tx || tx.aborted) return; // an aborted transaction's reads lock nothing; its commit fails
    tx.touched = Date.now();
    tx.locks.add(path);
    if (!lockers.has(path)) lockers.set(path, new Set());
    lockers.get(path).add(tx.key);
  }

  // Let each waiting commit try again; settling one can free others, so loop until calm.
  // (Re-entrant calls, from a commit settled inside the loop, only ask for another round.)
  let waking = false;
  let again = false;
  function wake() {
    if (waking) {
      again = true;
      return;
    }
    waking = true;
    try {
      do {
        again = false;
        const pending = waiters;
        waiters = [];
        for (const tryCommit of pending) if (!tryCommit()) waiters.push(tryCommit);
      } while (again);
    } finally {
      waking = false;
    }
  }

  // Expire idle transactions, and let waits past LOCK_WAIT_MS take their locks.
  setInterval(() => {
    const now = Date.now();
    for (const tx of transactions.values()) {
      if (now - tx.touched > IDLE_MS) {
        wound(tx, "the transaction expired (idle too long)");
        end(tx);
      }
    }
    wake();
  }, 250).unref();

  function written(write) {
    if (write.has_update) return write.update.name;
    if (write.has_delete) return write.delete;
    if (write.has_transform) return write.transform.document;
    return null;
  }

  function millis(ts) {
    return Number(ts.seconds) * 1000 + Math.floor(Number(ts.nanos) / 1e6);
  }

  // Every precondition against the state as the commit's own earlier writes leave it.
  function preconditionFailure(writes) {
    const state = getState();
    const exists = new Map();
    for (const write of writes) {
      const path = written(write);
      if (!path) continue;
      const document = state.getDocument(path);
      const there = exists.has(path) ? exists.get(path) : document.metadata.hasExist;
      if (write.has_current_document) {
        const pre = write.current_document;
        if (pre.has_exists && pre.exists && !there) {
          return { code: Status.NOT_FOUND, message: `no entity to update: ${path}`, name: "Error" };
        }
        if (pre.has_exists && !pre.exists && there) {
          return { code: Status.ALREADY_EXISTS, message: `entity already exists: ${path}`, name: "Error" };
        }
        if (pre.has_update_time) {
          const current = there && !exists.has(path) ? document.metadata.updatedAt?.getTime() : null;
          if (current !== millis(pre.update_time)) {
            return { code: Status.FAILED_PRECONDITION, name: "Error",
                     message: `the stored version of ${path} does not match the required update time` };
          }
        }
      }
      exists.set(path, !write.has_delete);
    }
    return null;
  }

  // The emulator's methods read its private state: the ones not wrapped here stay bound to it.
  const wrapped = {};
  for (const name of methodNames) {
    if (typeof impl[name] === "function") wrapped[name] = impl[name].bind(impl);
  }

  wrapped.BeginTransaction = (call, callback) => {
    const options = call.request.options;
    const retryOf = options?.has_read_write ? hex(options.read_write.retry_transaction) || null : null;
    const id = begin(retryOf);
    if (options?.has_read_only) transactions.get(hex(id)).readOnly = true;
    callback(null, fsProto.BeginTransactionResponse.fromObject({ transaction: id }));
  };

  wrapped.BatchGetDocuments = (call) => {
    const request = call.request;
    let tx = null;
    if (request.has_new_transaction) {
      const id = begin(null);
      tx = transactions.get(hex(id));
      call.write(fsProto.BatchGetDocumentsResponse.fromObject({ transaction: id }));
    } else if (request.transaction && request.transaction.length) {
      tx = transactions.get(hex(request.transaction));
      if (!tx) {
        call.emit("error", aborted("the transaction has expired or is not known"));
        return;
      }
    }
    const readTime = new Date();
    const timestamp = { seconds: Math.floor(readTime.getTime() / 1000), nanos: (readTime.getTime() % 1000) * 1e6 };
    for (const path of request.documents) {
      if (tx && !tx.readOnly) lock(tx, path);
      const document = getState().getDocument(path);
      call.write(fsProto.BatchGetDocumentsResponse.fromObject({
        found: document.metadata.hasExist ? document.toV1DocumentObject() : undefined,
        missing: document.metadata.hasExist ? undefined : path,
        read_time: timestamp,
      }));
    }
    call.end();
  };

  wrapped.RunQuery = (call) => {
    const request = call.request;
    const tx = request.transaction && request.transaction.length ? transactions.get(hex(request.transaction)) : null;
    if (request.transaction && request.transaction.length && !tx) {
      call.emit("error", aborted("the transaction has expired or is not known"));
      return;
    }
    const proxy = Object.create(call);
    proxy.write = (message) => {
      if (tx && !tx.readOnly && message.document?.name) lock(tx, message.document.name);
      return call.write(message);
    };
    proxy.end = (...args) => call.end(...args);
    impl.RunQuery.call(impl, proxy);
  };

  wrapped.Rollback = (call, callback) => {
    const tx = transactions.get(hex(call.request.transaction));
    if (tx) end(tx);
    impl.Rollback.call(impl, call, callback);
  };

  wrapped.Commit = (call, callback) => {
    const request = call.request;
    const key = request.transaction && request.transaction.length ? hex(request.transaction) : null;
    const tx = key ? transactions.get(key) : null;
    if (key && !tx) {
      callback(aborted("the transaction has expired or is not known"), null);
      return;
    }
    const paths = request.writes.map(written).filter(Boolean);
    const since = Date.now();

    const tryCommit = () => {
      if (tx?.aborted) {
        const reason = tx.aborted;
        end(tx);
        callback(aborted(`transaction aborted: ${reason}`), null);
        return true;
      }
      const blockers = new Set();
      for (const path of paths) {
        for (const holder of lockers.get(path) || []) {
          if (holder !== key) blockers.add(transactions.get(holder));
        }
      }
      const overdue = Date.now() - since > LOCK_WAIT_MS;
      for (const other of blockers) {
        if (!other) continue;
        // Wound-wait: an older transaction aborts a younger holder; a younger one waits.
        // A write that waited past the lock timeout aborts whoever still holds it up.
        if ((tx && tx.age < other.age) || overdue) {
          wound(other, overdue ? "a conflicting write waited past the lock timeout"
                               : "an older transaction wrote a document it had read");
          blockers.delete(other);
        }
      }
      if ([...blockers].some(Boolean)) return false; // wait: woken when locks change
      const failure = preconditionFailure(request.writes);
      if (failure) {
        if (tx) end(tx);
        callback(failure, null);
        return true;
      }
      if (tx) tx.touched = Date.now();
      impl.Commit.call(impl, call, (error, response) => {
        if (tx) end(tx);
        else wake();
        callback(error, response);
      });
      return true;
    };

    if (!tryCommit()) waiters.push(tryCommit);
  };

  return wrapped;
}

module.exports = { isolate };
