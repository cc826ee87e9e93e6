// piscina's entry in each worker thread. Node 20 does not carry the main thread's --import loader hooks
// into worker threads, so TypeScript support is registered here before the real entry is loaded.
import { register } from 'tsx/esm/api';

register();
const { default: runThreadTask } = await import('./thread-entry.ts');

export default runThreadTask;
