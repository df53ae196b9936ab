// Starts @firestore-emulator/server bound to 127.0.0.1 only.
// Its own start() binds 0.0.0.0, so the gRPC server is bound here instead.
// Prints "ready <port>" once the port accepts connections.
const { FirestoreServer } = require("@firestore-emulator/server");
const { ServerCredentials } = require("@grpc/grpc-js");

const port = Number(process.argv[2]);
if (!port) {
  console.error("usage: node firestore_emulator.js <port>");
  process.exit(2);
}
const emulator = new FirestoreServer();
emulator.server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err, bound) => {
  if (err) {
    console.error(`firestore emulator could not bind 127.0.0.1:${port}: ${err.message}`);
    process.exit(1);
  }
  console.log(`ready ${bound}`);
});
const stop = () => {
  emulator.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
