import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MigrationFile {
  /** The number the file name starts with; migrations apply in this order. */
  id: number;
  /** The file name, e.g. `0001_initial.sql`; what the database records. */
  name: string;
  sql: string;
  /** SHA-256 of the exact bytes: any edit, even whitespace, changes it. */
  checksum: string;
}

/** apps/server/migrations, found relative to this file so it works from any working directory. */
export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

const NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export function checksumOf(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads and validates the migration folder: names must be NNNN_snake_case.sql and numbers unique. */
export function loadMigrationFiles(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files: MigrationFile[] = [];
  const seen = new Map<number, string>();
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith('.sql')) continue;
    const match = NAME.exec(name);
    if (!match) throw new Error(`migrations/${name}: name must look like 0001_describe_the_change.sql`);
    const id = Number(match[1]);
    const clash = seen.get(id);
    if (clash) throw new Error(`migrations/${name} and migrations/${clash} share the number ${match[1]}`);
    seen.set(id, name);
    const bytes = fs.readFileSync(path.join(dir, name));
    files.push({ id, name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) });
  }
  return files.sort((a, b) => a.id - b.id);
}
