// The Firebase CLI's own Cloud Tasks emulator (firebase-tools, pinned in package.json),
// started alone on 127.0.0.1:PORT for the test suite and the benchmarks.
//
// `firebase emulators:start` only starts its Tasks emulator together with the Functions
// emulator (lib/emulator/controller.js), which then runs every function in a process of
// its own. The suite serves the functions in-process instead (fast, and faults can be
// injected), but must still meet the real thing's rules: queue ids limited to
// [A-Za-z0-9-], a repeated task name answered 409, the REST protocol firebase-admin's
// task_queue().enqueue() speaks, per-queue retry config and rate limits, and the
// X-CloudTasks-* headers on dispatch. This is that same code, not a copy of it (plus the
// GetTask route below, which Cloud Tasks has and it lacks). The
// CLI itself, Functions emulator included, is exercised by tests/test_firebase_cli.py.
//
// Usage: node tasks_emulator.js PORT
const { TasksEmulator } = require("firebase-tools/lib/emulator/tasksEmulator");

// GetTask, which Cloud Tasks has and the CLI's emulator lacks: the recovery sweep asks it
// whether a run's task is still queued (slow) or gone (lost): shared/adapters/task_queue.py
// task_exists. 200 with the task while it waits, is being delivered or is between retries;
// 404 with a JSON error once it is gone, as Cloud Tasks' REST API answers NOT_FOUND.
const createHubServer = TasksEmulator.prototype.createHubServer;
TasksEmulator.prototype.createHubServer = function () {
  const hub = createHubServer.call(this);
  hub.get("/projects/:project_id/locations/:location_id/queues/:queue_name/tasks/:task_id", (req, res) => {
    const { project_id, location_id, queue_name, task_id } = req.params;
    const queue = this.controller.queues[`queue:${project_id}-${location_id}-${queue_name}`];
    const named = (t) => t && t.task.name.split("/").pop() === task_id;
    const task = queue && (queue.queue.getAll().find(named) || queue.dispatches.find(named));
    if (!task) {
      res.status(404).json({ error: { code: 404, status: "NOT_FOUND", message: "Task does not exist" } });
      return;
    }
    res.status(200).json({ name: task.task.name, dispatchCount: task.metadata.executionCount });
  });
  return hub;
};

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
