import { loadMigrationFiles } from '../platform/db/migration-files.ts';
import { lintMigrations } from '../platform/db/migration-linter.ts';

/** `npm run lint:migrations`: part of `npm run check`; exits 1 if any migration is unsafe on a populated database. */
const findings = await lintMigrations(loadMigrationFiles());
for (const f of findings) process.stderr.write(`migrations/${f.file}:${f.line} ${f.rule}: ${f.message}\n`);
if (findings.length > 0) {
  process.stderr.write(
    `\n${findings.length} unsafe migration statement(s). Fix them, or add a reviewed exception comment:\n` +
      '  -- vexil-lint-ignore: <rule> <why it is safe here>\n',
  );
  process.exit(1);
}
process.stdout.write('migrations: no unsafe statements\n');
