// Namespaced JSON items shared across sessions: user profiles, long-term memory.
import type { Item } from '../api/contract.js';
import { ItemNotFoundError } from '../errors.js';
import type { Database } from './database.js';
import { decodePageToken, encodePageToken } from './page-token.js';

interface ItemRow {
  namespace: string[];
  key: string;
  value: unknown;
  created_at: Date;
  updated_at: Date;
}

function toItem(row: ItemRow): Item {
  return { namespace: row.namespace, key: row.key, value: row.value, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

export interface ItemSearch {
  namespacePrefix: string[];
  filter?: Record<string, unknown>;
  pageSize: number;
  pageToken?: string;
}

export class ItemStore {
  constructor(private readonly db: Database) {}

  async put(namespace: string[], key: string, value: unknown): Promise<Item> {
    const { rows } = await this.db.query<ItemRow>(
      `insert into agentd_store_items (namespace, key, value) values ($1::text[], $2, $3::jsonb)
       on conflict (namespace, key) do update set value = excluded.value, updated_at = now()
       returning namespace, key, value, created_at, updated_at`,
      [namespace, key, JSON.stringify(value ?? null)],
    );
    return toItem(rows[0]);
  }

  async find(namespace: string[], key: string): Promise<Item | undefined> {
    const { rows } = await this.db.query<ItemRow>('select namespace, key, value, created_at, updated_at from agentd_store_items where namespace = $1::text[] and key = $2', [namespace, key]);
    return rows[0] && toItem(rows[0]);
  }

  async get(namespace: string[], key: string): Promise<Item> {
    const item = await this.find(namespace, key);
    if (!item) throw new ItemNotFoundError(namespace, key);
    return item;
  }

  async search({ namespacePrefix, filter, pageSize, pageToken }: ItemSearch): Promise<{ items: Item[]; nextPageToken: string }> {
    const cursor = decodePageToken(pageToken ?? '', 'SearchItems');
    const { rows } = await this.db.query<ItemRow>(
      `select namespace, key, value, created_at, updated_at from agentd_store_items
       where (cardinality($1::text[]) = 0 or namespace[1:cardinality($1::text[])] = $1::text[])
         and ($2::jsonb is null or value @> $2::jsonb)
         and ($3::text[] is null or (namespace, key) > ($3::text[], $4::text))
       order by namespace, key limit $5`,
      [namespacePrefix, filter && Object.keys(filter).length ? JSON.stringify(filter) : null, (cursor?.[0] as string[]) ?? null, (cursor?.[1] as string) ?? null, pageSize + 1],
    );
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return { items: page.map(toItem), nextPageToken: rows.length > pageSize && last ? encodePageToken([last.namespace, last.key]) : '' };
  }

  async delete(namespace: string[], key: string): Promise<void> {
    const { rowCount } = await this.db.query('delete from agentd_store_items where namespace = $1::text[] and key = $2', [namespace, key]);
    if (rowCount === 0) throw new ItemNotFoundError(namespace, key);
  }
}
