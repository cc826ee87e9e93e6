// Serves ctx.store calls from workers of every mode, on the main loop, with plain-JSON answers.
import { InvalidInputError, ItemNotFoundError } from '../errors.js';
import type { ItemStore } from '../store/item-store.js';
import type { StoreMethod } from '../workers/worker-task.js';

function namespaceArg(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string' || p === '')) {
    throw new InvalidInputError(`ctx.store: ${name} must be an array of non-empty strings, like ['users', '42']`);
  }
  return value as string[];
}

function keyArg(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new InvalidInputError('ctx.store: key must be a non-empty string');
  return value;
}

export async function serveStoreCall(items: ItemStore, method: StoreMethod, args: Record<string, unknown>): Promise<unknown> {
  switch (method) {
    case 'get':
      return (await items.find(namespaceArg(args.namespace, 'namespace'), keyArg(args.key))) ?? null;
    case 'put':
      return items.put(namespaceArg(args.namespace, 'namespace'), keyArg(args.key), args.value ?? null);
    case 'search': {
      const limit = typeof args.limit === 'number' && args.limit > 0 ? Math.min(args.limit, 1000) : 10;
      const filter = args.filter && typeof args.filter === 'object' ? (args.filter as Record<string, unknown>) : undefined;
      return (await items.search({ namespacePrefix: namespaceArg(args.namespacePrefix ?? [], 'namespacePrefix'), filter, pageSize: limit })).items;
    }
    case 'delete':
      try {
        await items.delete(namespaceArg(args.namespace, 'namespace'), keyArg(args.key));
        return true;
      } catch (error) {
        if (error instanceof ItemNotFoundError) return false;
        throw error;
      }
  }
}
