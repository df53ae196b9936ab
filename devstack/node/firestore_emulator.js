// Starts @firestore-emulator/server bound to 127.0.0.1 only, with Firestore's transaction
// semantics added (firestore_transactions.js: locks, wound-wait, atomic commits).
// Its own start() binds 0.0.0.0, so the gRPC server is bound here instead.
// Prints "ready <port>" once the port accepts connections.
const grpc = require("@grpc/grpc-js");
const { isolate } = require("./firestore_transactions");
const { exactWrites } = require("./firestore_writes");
const { exactQueries } = require("./firestore_queries");

const port = Number(process.argv[2]);
if (!port) {
  console.error("usage: node firestore_emulator.js <port>");
  process.exit(2);
}

// The emulator registers its service in its constructor: wrap the implementation it hands
// to addService, and read its state once it exists.
let emulator = null;
let isolated = false;
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, implementation) {
  isolated = true;
  const wrapped = isolate(implementation, () => emulator.state, Object.keys(service));
  return addService.call(this, service, wrapped);
};
const { FirestoreServer } = require("@firestore-emulator/server");
emulator = new FirestoreServer();
grpc.Server.prototype.addService = addService;
exactWrites(emulator.state); // replacing sets and deleted fields, as Firestore applies them
exactQueries(emulator.state); // Firestore's order of values, cursors and offsets
if (!isolated) {
  // The emulator registered its service through another copy of @grpc/grpc-js than this one:
  // transactions would silently not be isolated. Refuse to start instead.
  console.error("firestore emulator: the transaction layer was not installed (two copies of @grpc/grpc-js?)");
  process.exit(1);
}

emulator.server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
  if (err) {
    console.error(`firestore emulator could not bind 127.0.0.1:${port}: ${err.message}`);
    process.exit(1);
  }
  console.log(`ready ${bound}`);
});
// Optional second port: `GET /dump` answers every document the emulator holds, as JSON (the
// emulator's own state; no Firestore API lists collections or missing documents here). Tests
// use it to check that deleting a user leaves nothing of them behind.
const dumpPort = Number(process.argv[3]);
if (dumpPort) {
  require("http")
    .createServer((req, res) => {
      if (req.method !== "GET" || req.url !== "/dump") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(emulator.state.toJSON()));
    })
    .listen(dumpPort, "127.0.0.1");
}
const stop = () => {
  emulator.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
