// ctx.store for every mode: async calls that end in WorkerServices.store on the main loop, plus blocking twins.
import type { StoredItem, WorkerStore } from '../sdk/types.js';
import type { StoreMethod } from './worker-task.js';

export type StoreCall = (method: StoreMethod, args: Record<string, unknown>) => Promise<unknown>;
export type StoreCallSync = (method: StoreMethod, args: Record<string, unknown>) => unknown;

export function workerStore(call: StoreCall, callSync: StoreCallSync): WorkerStore {
  return {
    get: (namespace, key) => call('get', { namespace, key }) as Promise<StoredItem | undefined>,
    put: (namespace, key, value) => call('put', { namespace, key, value }) as Promise<StoredItem>,
    search: (namespacePrefix, options = {}) => call('search', { namespacePrefix, ...options }) as Promise<StoredItem[]>,
    delete: (namespace, key) => call('delete', { namespace, key }) as Promise<boolean>,
    getSync: (namespace, key) => callSync('get', { namespace, key }) as StoredItem | undefined,
    putSync: (namespace, key, value) => callSync('put', { namespace, key, value }) as StoredItem,
    searchSync: (namespacePrefix, options = {}) => callSync('search', { namespacePrefix, ...options }) as StoredItem[],
    deleteSync: (namespace, key) => callSync('delete', { namespace, key }) as boolean,
  };
}
