import { sql, type Kysely } from 'kysely'

// Partner cases (MARAC, YOS, MASH) linked to people, shared only under an information-sharing
// agreement in force (Crime and Disorder Act 1998 s115), with the history of every change.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table sharing_agreement (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      agency text not null check (agency in ('council', 'probation', 'yos', 'mash', 'marac', 'treatment_provider')),
      categories text[] not null default '{}',
      starts_on date not null,
      ends_on date,
      version integer not null default 1,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      check (ends_on is null or ends_on >= starts_on)
    )`.execute(db)
  await sql`create index sharing_agreement_agency_idx on sharing_agreement (agency, starts_on)`.execute(db)

  await sql`
    create table partner_link (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person(id) on delete cascade,
      agency text not null check (agency in ('marac', 'yos', 'mash')),
      reference text not null,
      status text not null default 'open' check (status in ('open', 'closed')),
      opened_on date not null,
      closed_on date,
      contact text,
      agreement_id uuid not null references sharing_agreement(id),
      marac_role text check (marac_role in ('victim', 'perpetrator')),
      dash_score integer check (dash_score between 0 and 24),
      meeting_date date,
      idva_allocated boolean,
      next_review date,
      repeat_referral boolean not null default false,
      yos_disposal text,
      case_manager text,
      transition_date date,
      brag_rating text check (brag_rating in ('blue', 'red', 'amber', 'green')),
      mash_decision text,
      decision_date date,
      children_involved integer check (children_involved between 0 and 30),
      version integer not null default 1,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      check ((agency = 'marac') = (marac_role is not null)),
      check (closed_on is null or closed_on >= opened_on)
    )`.execute(db)
  await sql`create index partner_link_person_idx on partner_link (person_id, agency)`.execute(db)
  await sql`create index partner_link_agency_open_idx on partner_link (agency, status, person_id)`.execute(db)

  await sql`
    create table partner_link_change (
      id uuid primary key default gen_random_uuid(),
      link_id uuid not null references partner_link(id) on delete cascade,
      changes jsonb not null,
      changed_by uuid references app_user(id),
      changed_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index partner_link_change_link_idx on partner_link_change (link_id, changed_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists partner_link_change`.execute(db)
  await sql`drop table if exists partner_link`.execute(db)
  await sql`drop table if exists sharing_agreement`.execute(db)
}
