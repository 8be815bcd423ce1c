import { parse } from 'libpg-query';
import type { MigrationFile } from './migration-files.ts';

/**
 * Rejects migrations that pass on an empty database and fail (or lock up) on a populated one, in the spirit of
 * squawk. Flagsmith's 2021 outage was exactly this class of bug: fine in every environment without data.
 *
 * A table counts as "existing" (possibly holding production data) when an earlier migration created it; a table
 * created in the same file is empty, so anything goes. A reviewed exception is a comment in the file:
 *   -- vexil-lint-ignore: <rule> <reason of at least a few words>
 */
export type LintRule =
  | 'syntax-error'
  | 'transaction-control'
  | 'not-null-column-without-default'
  | 'table-rewriting-default'
  | 'set-not-null-without-data-step'
  | 'unique-without-data-step'
  | 'constraint-without-not-valid'
  | 'column-type-change'
  | 'rename'
  | 'drop-column'
  | 'drop-table'
  | 'concurrently-in-transaction'
  | 'bad-lint-ignore';

export interface LintFinding {
  file: string;
  line: number;
  rule: LintRule;
  message: string;
}

/** Functions whose value differs per row: as a column default they force a rewrite of every existing row. */
const VOLATILE = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
]);
const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);
const IGNORE = /--\s*vexil-lint-ignore:\s*([a-z-]+)(.*)$/gm;

type Node = Record<string, unknown>;

export async function lintMigrations(files: readonly MigrationFile[]): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  const existing = new Set<string>();
  for (const file of [...files].sort((a, b) => a.id - b.id)) {
    findings.push(...(await lintFile(file, existing)));
  }
  return findings;
}

async function lintFile(file: MigrationFile, existing: Set<string>): Promise<LintFinding[]> {
  const raw: LintFinding[] = [];
  const ignored = new Map<string, string>();
  for (const m of file.sql.matchAll(IGNORE)) {
    const reason = (m[2] ?? '').trim();
    if (reason.split(/\s+/).length < 3) {
      raw.push(
        finding(
          file,
          lineOf(file.sql, m.index ?? 0),
          'bad-lint-ignore',
          `"${m[0].trim()}" needs a reason of a few words`,
        ),
      );
    } else ignored.set(m[1] as string, reason);
  }

  let stmts: Array<{ stmt: Node; stmt_location?: number }>;
  try {
    stmts =
      ((await parse(file.sql)) as { stmts?: Array<{ stmt: Node; stmt_location?: number }> }).stmts ?? [];
  } catch (err) {
    return [finding(file, 1, 'syntax-error', (err as Error).message)];
  }

  const createdHere = new Set<string>();
  const dataSteps = new Set<string>();
  const isExisting = (table: string) => existing.has(table) && !createdHere.has(table);

  for (const { stmt, stmt_location } of stmts) {
    const line = lineOf(file.sql, stmt_location ?? 0);
    const report = (rule: LintRule, message: string) => raw.push(finding(file, line, rule, message));
    const [kind, node] = Object.entries(stmt)[0] as [string, Node];

    switch (kind) {
      case 'TransactionStmt':
        report(
          'transaction-control',
          'each migration already runs in its own transaction; remove BEGIN/COMMIT/ROLLBACK',
        );
        break;
      case 'CreateStmt':
        createdHere.add(relname(node.relation));
        break;
      case 'UpdateStmt':
      case 'DeleteStmt':
      case 'InsertStmt':
        dataSteps.add(relname(node.relation));
        break;
      case 'IndexStmt': {
        const table = relname(node.relation);
        if (node.concurrent) {
          report(
            'concurrently-in-transaction',
            'CREATE INDEX CONCURRENTLY cannot run inside the migration transaction',
          );
        }
        if (node.unique && isExisting(table) && !dataSteps.has(table)) {
          report('unique-without-data-step', uniqueMessage(table));
        }
        break;
      }
      case 'RenameStmt': {
        const table = relname(node.relation);
        if (isExisting(table)) {
          report(
            'rename',
            `renaming ${node.renameType === 'OBJECT_TABLE' ? 'table' : 'a column of'} ${table} breaks the release still running during a deploy; add the new name, copy, and drop the old one in a later release`,
          );
          if (node.renameType === 'OBJECT_TABLE' && typeof node.newname === 'string')
            existing.add(node.newname);
        }
        break;
      }
      case 'DropStmt':
        if (node.removeType === 'OBJECT_TABLE') {
          for (const table of dropTargets(node)) {
            if (isExisting(table)) {
              report(
                'drop-table',
                `dropping ${table} loses its data and breaks code that still reads it; stop using it in one release, drop it in a later one`,
              );
            }
          }
        }
        break;
      case 'AlterTableStmt': {
        const table = relname(node.relation);
        if (!isExisting(table)) break;
        for (const wrapped of (node.cmds as Node[] | undefined) ?? []) {
          lintAlter(table, wrapped.AlterTableCmd as Node, dataSteps.has(table), report);
        }
        break;
      }
    }
  }
  for (const t of createdHere) existing.add(t);
  return raw.filter((f) => !ignored.has(f.rule));
}

function lintAlter(
  table: string,
  cmd: Node,
  hasDataStep: boolean,
  report: (rule: LintRule, message: string) => void,
) {
  const def = cmd.def as Node | undefined;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const column = def?.ColumnDef as Node;
      const constraints = ((column.constraints as Node[] | undefined) ?? []).map((c) => c.Constraint as Node);
      const types = new Set(constraints.map((c) => c.contype));
      const typeName = lastName((column.typeName as Node | undefined)?.names);
      const name = `${table}.${String(column.colname)}`;
      if (types.has('CONSTR_NOTNULL') && !types.has('CONSTR_DEFAULT') && !types.has('CONSTR_IDENTITY')) {
        report(
          'not-null-column-without-default',
          `ADD COLUMN ${name} NOT NULL has no DEFAULT: it fails as soon as ${table} has rows. Give it a DEFAULT, or add it nullable, backfill, then SET NOT NULL`,
        );
      }
      const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr as
        | Node
        | undefined;
      const fn = lastName((defaultExpr?.FuncCall as Node | undefined)?.funcname);
      if (
        (fn && VOLATILE.has(fn)) ||
        (typeName && SERIAL_TYPES.has(typeName)) ||
        types.has('CONSTR_GENERATED')
      ) {
        report(
          'table-rewriting-default',
          `ADD COLUMN ${name} with a per-row default (${fn ?? typeName ?? 'GENERATED'}) rewrites every row of ${table} under an exclusive lock; add it without a default and backfill in batches`,
        );
      }
      if (types.has('CONSTR_UNIQUE') || types.has('CONSTR_PRIMARY'))
        report('unique-without-data-step', uniqueMessage(table));
      if (types.has('CONSTR_CHECK') || types.has('CONSTR_FOREIGN')) {
        report(
          'constraint-without-not-valid',
          `an inline CHECK/REFERENCES on new column ${name} validates every row of ${table}; add the column, then the constraint NOT VALID`,
        );
      }
      break;
    }
    case 'AT_SetNotNull':
      if (!hasDataStep) {
        report(
          'set-not-null-without-data-step',
          `SET NOT NULL on ${table}.${String(cmd.name)} fails if any row is NULL: backfill it (UPDATE ${table} ...) earlier in this migration`,
        );
      }
      break;
    case 'AT_AddConstraint': {
      const c = def?.Constraint as Node;
      if ((c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') && !hasDataStep) {
        report('unique-without-data-step', uniqueMessage(table));
      }
      if (
        (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN') &&
        !c.skip_validation &&
        !hasDataStep
      ) {
        report(
          'constraint-without-not-valid',
          `a new ${c.contype === 'CONSTR_CHECK' ? 'CHECK' : 'FOREIGN KEY'} on ${table} fails if existing rows violate it: add it NOT VALID, fix the data, then VALIDATE CONSTRAINT in a later migration`,
        );
      }
      break;
    }
    case 'AT_AlterColumnType':
      report(
        'column-type-change',
        `changing the type of ${table}.${String(cmd.name)} rewrites the table and can fail on existing values; add a new column, backfill, switch over`,
      );
      break;
    case 'AT_DropColumn':
      report(
        'drop-column',
        `dropping ${table}.${String(cmd.name)} breaks the release still reading it during a deploy; stop reading it first, drop it in a later release`,
      );
      break;
  }
}

function uniqueMessage(table: string): string {
  return `a new UNIQUE constraint or index on ${table} fails if existing rows have duplicates: remove or merge them (DELETE/UPDATE ${table} ...) earlier in this migration`;
}

function relname(relation: unknown): string {
  return String((relation as Node | undefined)?.relname ?? '');
}

function lastName(names: unknown): string | undefined {
  const list = (names as Node[] | undefined) ?? [];
  const last = list[list.length - 1] as Node | undefined;
  return (last?.String as Node | undefined)?.sval as string | undefined;
}

function dropTargets(node: Node): string[] {
  return ((node.objects as Node[] | undefined) ?? []).map((o) => {
    const items = ((o.List as Node | undefined)?.items as Node[] | undefined) ?? [];
    return lastName(items) ?? '';
  });
}

function lineOf(text: string, offset: number): number {
  // Statement locations are byte offsets; migrations may hold non-ASCII comments.
  const prefix = Buffer.from(text, 'utf8').subarray(0, offset).toString('utf8');
  let line = prefix.split('\n').length;
  // The statement starts at its first non-blank character, after any leading comments.
  const rest = text.slice(prefix.length);
  const lead = /^(\s|--[^\n]*\n)*/.exec(rest)?.[0] ?? '';
  line += lead.split('\n').length - 1;
  return line;
}

function finding(file: MigrationFile, line: number, rule: LintRule, message: string): LintFinding {
  return { file: file.name, line, rule, message };
}
