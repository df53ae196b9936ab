// The Firebase CLI's own Cloud Tasks emulator (firebase-tools, pinned in package.json),
// started alone on 127.0.0.1:PORT for the test suite and the benchmarks.
//
// `firebase emulators:start` only starts its Tasks emulator together with the Functions
// emulator (lib/emulator/controller.js), which then runs every function in a process of
// its own. The suite serves the functions in-process instead (fast, and faults can be
// injected), but must still meet the real thing's rules: queue ids limited to
// [A-Za-z0-9-], a repeated task name answered 409, the REST protocol firebase-admin's
// task_queue().enqueue() speaks, per-queue retry config and rate limits, and the
// X-CloudTasks-* headers on dispatch. This is that same code, not a copy of it. The
// CLI itself, Functions emulator included, is exercised by tests/test_firebase_cli.py.
//
// Usage: node tasks_emulator.js PORT
const { TasksEmulator } = require("firebase-tools/lib/emulator/tasksEmulator");

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node tasks_emulator.js PORT");
  process.exit(2);
}
const emulator = new TasksEmulator({ host: "127.0.0.1", port });
emulator.start().then(() => console.log(`Cloud Tasks emulator (firebase-tools) on 127.0.0.1:${port}`));

async function stop() {
  await emulator.stop();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
