/**
 * Databases: destructive SQL sent through a database client (`DROP`, `TRUNCATE`, `DELETE` or
 * `UPDATE` without `WHERE`), drop tools (`dropdb`, `redis-cli FLUSHALL`, `mongosh` drops), and
 * framework commands that wipe a database (`prisma migrate reset`, `rails db:drop`...).
 * SQL text that is only printed or searched (`echo "DROP TABLE"`, `grep -r "DROP TABLE"`) is not sent anywhere.
 */
import type { Invocation } from '../analyze.js';
import { DB_CLIENTS } from '../commands.js';
import type { PolicyContext } from '../types.js';
import { type Hit, type RuleInfo } from './types.js';

const P = (s: string) => `Bash(${s}:*)`;

export const INFO: RuleInfo[] = [
  {
    id: 'db.destructive-sql',
    domain: 'database',
    description: 'Destructive statements sent to a database client: `DROP TABLE/DATABASE/SCHEMA`, `TRUNCATE`, `DELETE FROM` or `UPDATE` without `WHERE`, `ALTER TABLE ... DROP`, Mongo drops, Redis `FLUSHALL`/`FLUSHDB`.',
    reason: 'This destroys data in a database, which git cannot bring back. Instead, change the schema through a migration file in your worktree, test against a throwaway database your tests create, and leave real databases alone.',
    examples: ['psql -c "DROP TABLE users"', 'mysql -e "truncate orders"', 'sqlite3 app.db "DELETE FROM users"', 'echo "DROP DATABASE prod;" | psql', 'redis-cli FLUSHALL', "mongosh --eval 'db.dropDatabase()'"],
    settingsPatterns: [P('redis-cli flushall'), P('redis-cli FLUSHALL'), P('redis-cli flushdb')],
  },
  {
    id: 'db.drop-tool',
    domain: 'database',
    description: 'Database drop utilities: `dropdb`, `dropuser`, `mysqladmin drop`, `bq rm`, `etcdctl del`, `influx delete`.',
    reason: 'This deletes a whole database. Instead, leave databases alone; if the task needs a fresh database, let the tests create and remove their own temporary one.',
    examples: ['dropdb production', 'mysqladmin -f drop shop', 'dropuser app'],
    settingsPatterns: [P('dropdb'), P('dropuser'), P('mysqladmin drop')],
  },
  {
    id: 'db.migrate-reset',
    domain: 'database',
    description: 'Framework commands that wipe or recreate a database: `prisma migrate reset`, `prisma db push --force-reset`, `rails db:drop/db:reset`, `rake db:reset`, `manage.py flush`, `artisan migrate:fresh`, `alembic downgrade base`...',
    reason: 'This drops and recreates the database configured for the project, deleting its data. Instead, add a migration and run only forward migrations (or the test suite, which uses its own database).',
    examples: ['npx prisma migrate reset --force', 'rails db:drop', 'bin/rails db:reset', 'rake db:reset', 'python manage.py flush --noinput', 'php artisan migrate:fresh', 'alembic downgrade base'],
    settingsPatterns: [P('prisma migrate reset'), P('npx prisma migrate reset'), P('rails db:drop'), P('rails db:reset'), P('rake db:drop'), P('rake db:reset')],
  },
  {
    id: 'db.unknown-sql',
    domain: 'database',
    description: 'SQL sent to a database client that is only known when the command runs (`psql -c "$SQL"`).',
    reason: 'The gate cannot see this SQL, so it cannot tell whether it destroys data. Instead, write the statement literally in the command, or put it in a migration file in your worktree.',
    examples: ['psql -c "$SQL"', 'mysql -e "$(cat q.sql)"'],
    overridable: true,
  },
];

/** The first destructive statement in SQL (or Mongo/Redis command) text, or undefined. */
export function destructiveSql(text: string): string | undefined {
  let sql = text.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  // A string literal is data (`SELECT 'DROP TABLE users'`), unless the statement runs text as code.
  if (!/\b(DO|EXECUTE|EXEC|PREPARE|eval|sp_executesql)\b/i.test(sql)) sql = sql.replace(/'(?:[^'\\]|''|\\.)*'/g, "''");
  const m = /\bDROP\s+(TABLE|DATABASE|SCHEMA|VIEW|MATERIALIZED\s+VIEW|INDEX|USER|ROLE|COLLECTION|KEYSPACE|FUNCTION|PROCEDURE|TRIGGER|SEQUENCE|TYPE|EXTENSION|OWNED|OWNED\s+BY|TABLESPACE)\b/i.exec(sql);
  if (m) return m[0];
  if (/\bTRUNCATE\b/i.test(sql)) return 'TRUNCATE';
  if (/\bALTER\s+TABLE\b[^;]*\bDROP\b/i.test(sql)) return 'ALTER TABLE ... DROP';
  for (const stmt of sql.split(';')) {
    if (/\bDELETE\s+FROM\b/i.test(stmt) && !/\bWHERE\b/i.test(stmt)) return 'DELETE without WHERE';
    if (/\bDELETE\s+\w+\s*$/i.test(stmt.trim()) && /^\s*DELETE\b/i.test(stmt)) return 'DELETE without WHERE';
    if (/\bUPDATE\s+\S+\s+SET\b/i.test(stmt) && !/\bWHERE\b/i.test(stmt)) return 'UPDATE without WHERE';
  }
  if (/\bdropDatabase\s*\(|\.drop\s*\(\s*\)|\b(deleteMany|remove)\s*\(\s*\{\s*\}\s*\)|\bdropAllUsers\s*\(/.test(sql)) return 'Mongo drop';
  if (/(^|\s)(FLUSHALL|FLUSHDB)(\s|$)/i.test(sql)) return 'FLUSHALL';
  return undefined;
}

const RESET_PATTERNS: Array<[RegExp, RegExp]> = [
  [/^prisma$/, /^migrate reset\b|^db push\b.*--(force-reset|accept-data-loss)/],
  [/^(rails|rake)$/, /\bdb:(drop|reset|purge|schema:load|structure:load|migrate:reset|truncate_all|seed:replant|setup)\b/],
  [/^(django-admin)$/, /^(flush|reset_db|sqlflush)\b/],
  [/^(php)$/, /\bartisan (migrate:(fresh|reset|refresh)|db:wipe)\b/],
  [/^(artisan)$/, /^(migrate:(fresh|reset|refresh)|db:wipe)\b/],
  [/^(sequelize|sequelize-cli)$/, /^db:drop\b|^db:migrate:undo:all\b/],
  [/^typeorm$/, /^schema:drop\b/],
  [/^drizzle-kit$/, /^drop\b/],
  [/^knex$/, /^migrate:rollback\b.*--all/],
  [/^supabase$/, /^db reset\b/],
  [/^dotnet$/, /^ef database drop\b/],
  [/^flyway$/, /\bclean\b/],
  [/^liquibase$/, /\b(drop-all|dropAll)\b/],
  [/^mix$/, /^ecto\.(drop|reset)\b/],
  [/^alembic$/, /\bdowngrade\s+base\b/],
  [/^flask$/, /^db downgrade\s+base\b/],
  [/^(npm|yarn|pnpm|bun)$/, /^(run )?db:(drop|reset)\b/],
];

/** True when this rule set judges commands of this name (the others skip it). */
export function applies(name: string): boolean {
  return name in DB_CLIENTS || name === 'dropdb' || name === 'dropuser' || name === 'mysqladmin' || name === 'bq' || name === 'etcdctl' || name === 'influx' || /^python[0-9.]*$/.test(name) || RESET_PATTERNS.some(([n]) => n.test(name));
}

export function check(inv: Invocation, _ctx: PolicyContext): Hit | undefined {
  const n = inv.name;
  const args = inv.argv.slice(1);
  const vals = args.map((a) => a.value ?? '');
  if (n === 'dropdb' || n === 'dropuser') return { ruleId: 'db.drop-tool', detail: n };
  if (n === 'mysqladmin' && vals.some((v) => v === 'drop')) return { ruleId: 'db.drop-tool', detail: 'mysqladmin drop' };
  if (n === 'bq' && vals.some((v) => v === 'rm')) return { ruleId: 'db.drop-tool', detail: 'bq rm' };
  if (n === 'etcdctl' && (vals.includes('del') || vals.includes('defrag') || (vals.includes('member') && vals.includes('remove')))) return { ruleId: 'db.drop-tool', detail: `etcdctl ${vals.filter((v) => !v.startsWith('-')).join(' ')}` };
  if (n === 'influx' && (vals[0] === 'delete' || (['bucket', 'org', 'user', 'v1'].includes(vals[0] ?? '') && vals.includes('delete')))) return { ruleId: 'db.drop-tool', detail: `influx ${vals.slice(0, 2).join(' ')}` };
  const line = vals.join(' ');
  for (const [name, re] of RESET_PATTERNS) {
    if (name.test(n) && re.test(line)) return { ruleId: 'db.migrate-reset', detail: `${n} ${line}` };
  }
  if (/^python[0-9.]*$/.test(n)) {
    const i = vals.findIndex((v) => /(^|\/)manage\.py$/.test(v));
    if (i >= 0 && /^(flush|reset_db|sqlflush)$/.test(vals[i + 1] ?? '')) return { ruleId: 'db.migrate-reset', detail: `manage.py ${vals[i + 1]}` };
  }
  const flags = DB_CLIENTS[n];
  if (!flags) return undefined;
  const texts: Array<string | null> = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === null) continue;
    const eq = v.indexOf('=');
    if (flags.includes(v)) texts.push(args[i + 1]?.value ?? null);
    else if (eq > 0 && flags.includes(v.slice(0, eq))) texts.push(v.slice(eq + 1));
    else if (v.length > 2 && flags.some((f) => f.length === 2 && v.startsWith(f) && !v.startsWith('--'))) texts.push(v.slice(2));
  }
  if (n === 'sqlite3' || n === 'sqlite' || n === 'duckdb') {
    const ops = args.filter((a) => !(a.value ?? '').startsWith('-'));
    for (const a of ops.slice(1)) texts.push(a.value);
  }
  if (n === 'redis-cli') {
    texts.push(vals.filter((v) => !v.startsWith('-')).join(' '));
    // `redis-cli --scan | xargs redis-cli DEL`: deleting keys only known at run time is a bulk delete.
    const cmd = args.findIndex((a) => a.value !== null && /^(DEL|UNLINK)$/i.test(a.value));
    if (cmd >= 0 && args.slice(cmd + 1).some((a) => a.value === null)) return { ruleId: 'db.destructive-sql', detail: `redis-cli ${args[cmd]!.value} of keys only known at run time` };
  }
  if (n === 'bq' && vals.includes('query')) texts.push(vals.filter((v) => !v.startsWith('-')).slice(1).join(' '));
  if (inv.stdin?.text) texts.push(inv.stdin.text);
  for (const r of inv.redirects) if (r.text) texts.push(r.text);
  for (const t of texts) {
    if (t === null) return { ruleId: 'db.unknown-sql', detail: n };
    const d = destructiveSql(t);
    if (d) return { ruleId: 'db.destructive-sql', detail: `${d} via ${n}` };
  }
  return undefined;
}
