import { sql, type Kysely } from 'kysely'

// The hand-off of violent offenders wanted for DIP failures to CID: proposed (by the system or
// by an officer), countersigned or rejected by a supervisor, then tracked to an outcome.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table cid_entry (
      id uuid primary key default gen_random_uuid(),
      failure_id uuid not null unique references dip_failure(id) on delete cascade,
      person_id uuid not null references person(id) on delete cascade,
      source text not null check (source in ('system', 'manual')),
      reason text not null,
      proposed_by uuid references app_user(id),
      proposed_at timestamptz not null default now(),
      status text not null default 'proposed' check (status in
        ('proposed', 'rejected', 'countersigned', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn', 'time_barred', 'closed')),
      decided_by uuid references app_user(id),
      decided_at timestamptz,
      rationale text,
      version integer not null default 1
    )`.execute(db)
  await sql`create index cid_entry_status_idx on cid_entry (status, person_id)`.execute(db)
  await sql`create index cid_entry_person_idx on cid_entry (person_id)`.execute(db)

  await sql`
    create table cid_entry_event (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references cid_entry(id) on delete cascade,
      kind text not null check (kind in ('proposed', 'countersigned', 'rejected', 'not_found', 'arrested', 'charged',
        'summonsed', 'no_further_action', 'withdrawn', 'time_barred', 'closed', 'briefing_printed')),
      event_date date not null,
      reference text,
      note text,
      recorded_by uuid references app_user(id),
      recorded_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index cid_entry_event_entry_idx on cid_entry_event (entry_id, recorded_at)`.execute(db)

  // The list's own supporting indexes: current violence markers and wanted failures by time bar.
  await sql`create index person_marker_violence_idx on person_marker (person_id, start_date desc)
    where ended_on is null and marker_code in ('violent', 'weapons')`.execute(db)
  await sql`create index dip_failure_wanted_idx on dip_failure (time_bar_date, person_id) where status = 'wanted'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists dip_failure_wanted_idx`.execute(db)
  await sql`drop index if exists person_marker_violence_idx`.execute(db)
  await sql`drop table if exists cid_entry_event`.execute(db)
  await sql`drop table if exists cid_entry`.execute(db)
}
