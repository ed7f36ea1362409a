import { sql, type Kysely } from 'kysely'

// The performance report's figures for one scope (areas, filters, period), kept for a few
// minutes in the database so that every app instance serves the same ones: at 100,000 people
// working them out takes about a second of both cores, and the monthly picture does not need
// to be newer than that.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table report_cache (
      key text primary key,
      figures jsonb not null,
      computed_at timestamptz not null default now()
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists report_cache`.execute(db)
}
