// The raw baseline for process dispatch: a forked child that echoes every IPC message back.
process.on('message', (message) => process.send!(message));
process.send!({ ready: true });
