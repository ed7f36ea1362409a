import { sql, type Kysely } from 'kysely'

// MoPI-style review: each retain or dispose decision is kept with its reason and next review
// date. No foreign key to person: the decision to dispose outlives the person it erased.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table retention_decision (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null,
      decision text not null check (decision in ('retain', 'dispose')),
      reason text not null,
      next_review_on date,
      decided_by uuid references app_user(id),
      decided_at timestamptz not null default now(),
      check ((decision = 'retain') = (next_review_on is not null))
    )`.execute(db)
  await sql`create index retention_decision_person_idx on retention_decision (person_id, decided_at desc)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists retention_decision`.execute(db)
}
