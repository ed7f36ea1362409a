import { sql, type Kysely } from 'kysely'

// People (the nominal record), their aliases and warning markers; IOM/DIP referrals, cohort
// membership kept as dated history; contacts and actions; and the reference data they use.
export async function up(db: Kysely<any>): Promise<void> {
  // ---- reference data (editable by administrators; rows are retired, never deleted) ----
  await sql`
    create table ward (
      id uuid primary key default gen_random_uuid(),
      borough_id uuid not null references area(id),
      name text not null,
      valid_from date not null,
      valid_to date,
      unique (borough_id, name, valid_from)
    )`.execute(db)

  for (const table of ['marker_type', 'deselection_reason', 'contact_type', 'referral_source']) {
    await sql`
      create table ${sql.table(table)} (
        code text primary key,
        label text not null,
        sort_order integer not null default 0,
        active boolean not null default true
      )`.execute(db)
  }
  await sql`
    create table custody_suite (
      code text primary key,
      name text not null,
      area_id uuid references area(id),
      active boolean not null default true
    )`.execute(db)

  await sql`
    insert into marker_type (code, label, sort_order) values
      ('violent', 'Violent', 1), ('weapons', 'Weapons', 2), ('firearms', 'Firearms', 3),
      ('drugs', 'Drugs', 4), ('self_harm', 'Self-harm', 5), ('suicidal', 'Suicidal', 6),
      ('mental_health', 'Mental health', 7), ('escaper', 'Escaper', 8),
      ('contagious', 'Contagious', 9), ('ailment', 'Ailment', 10)`.execute(db)
  await sql`
    insert into deselection_reason (code, label, sort_order) values
      ('sustained_non_offending', 'Sustained non-offending', 1), ('long_custody', 'Long custody', 2),
      ('moved_away', 'Moved away', 3), ('died', 'Died', 4), ('transferred_to_mappa', 'Transferred to MAPPA', 5),
      ('below_threshold', 'Below threshold', 6), ('other', 'Other', 7)`.execute(db)
  await sql`
    insert into contact_type (code, label, sort_order) values
      ('home_visit', 'Home visit', 1), ('phone', 'Phone', 2), ('office', 'Office', 3),
      ('custody', 'Custody', 4), ('other', 'Other', 5)`.execute(db)
  await sql`
    insert into referral_source (code, label, sort_order) values
      ('custody', 'Custody', 1), ('probation', 'Probation', 2), ('prison_release', 'Prison release', 3),
      ('court', 'Court', 4), ('partner_agency', 'Partner agency', 5),
      ('neighbourhood_team', 'Neighbourhood team', 6), ('self', 'Self-referral', 7)`.execute(db)
  await sql`
    insert into custody_suite (code, name, area_id) values
      ('ROMFORD', 'Romford custody suite', (select id from area where code = 'HV')),
      ('FOREST_GATE', 'Forest Gate custody suite', (select id from area where code = 'EA')),
      ('ILFORD', 'Ilford custody suite', (select id from area where code = 'RB'))`.execute(db)

  // Havering's wards changed in May 2022: keep both sets, dated.
  const oldWards = [
    'Brooklands',
    'Cranham',
    'Elm Park',
    'Emerson Park',
    'Gooshays',
    'Hacton',
    'Harold Wood',
    'Havering Park',
    'Heaton',
    'Hylands',
    'Mawneys',
    'Pettits',
    'Rainham and Wennington',
    'Romford Town',
    "St Andrew's",
    'South Hornchurch',
    "Squirrel's Heath",
    'Upminster',
  ]
  const newWards = [
    'Beam Park',
    'Cranham',
    'Elm Park',
    'Emerson Park',
    'Gooshays',
    'Hacton',
    'Harold Wood',
    'Havering-atte-Bower',
    'Heaton',
    'Hylands & Harrow Lodge',
    'Marshalls & Rise Park',
    'Mawneys',
    'Rainham & Wennington',
    'Rush Green & Crowlands',
    "St Alban's",
    "St Andrew's",
    "St Edward's",
    'South Hornchurch',
    'Squirrels Heath',
    'Upminster',
  ]
  for (const name of oldWards) {
    await sql`insert into ward (borough_id, name, valid_from, valid_to)
      values ((select id from area where code = 'HV'), ${name}, '2002-05-02', '2022-05-04')`.execute(db)
  }
  for (const name of newWards) {
    await sql`insert into ward (borough_id, name, valid_from)
      values ((select id from area where code = 'HV'), ${name}, '2022-05-05')`.execute(db)
  }

  // ---- people ----
  await sql`
    create table person (
      id uuid primary key default gen_random_uuid(),
      surname text not null,
      forenames text not null,
      date_of_birth date not null,
      gender text not null check (gender in ('male', 'female', 'other', 'unknown')),
      pnc_id text unique,
      cro_number text unique,
      address text,
      ward_id uuid references ward(id),
      area_id uuid not null references area(id),
      restricted boolean not null default false,
      version integer not null default 1,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index person_name_trgm on person using gin ((lower(surname || ' ' || forenames)) gin_trgm_ops)`.execute(
    db,
  )
  await sql`create index person_surname_trgm on person using gin (lower(surname) gin_trgm_ops)`.execute(db)
  await sql`create index person_dob_idx on person (date_of_birth)`.execute(db)
  await sql`create index person_area_idx on person (area_id, surname, forenames)`.execute(db)

  await sql`
    create table person_alias (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person(id) on delete cascade,
      surname text not null,
      forenames text not null,
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index person_alias_person_idx on person_alias (person_id)`.execute(db)
  await sql`create index person_alias_name_trgm on person_alias using gin ((lower(surname || ' ' || forenames)) gin_trgm_ops)`.execute(
    db,
  )

  await sql`
    create table person_marker (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person(id) on delete cascade,
      marker_code text not null references marker_type(code),
      start_date date not null,
      review_date date,
      note text,
      set_by uuid references app_user(id),
      ended_on date,
      ended_by uuid references app_user(id),
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index person_marker_current_idx on person_marker (person_id) where ended_on is null`.execute(db)

  // ---- referrals and cohort membership ----
  await sql`
    create table referral (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person(id) on delete cascade,
      programme text not null check (programme in ('iom_fixed', 'iom_flex', 'iom_free', 'dip')),
      source text not null references referral_source(code),
      reason text not null,
      referred_by uuid not null references app_user(id),
      referred_at timestamptz not null default now(),
      status text not null default 'pending' check (status in ('pending', 'accepted', 'declined')),
      decided_by uuid references app_user(id),
      decided_at timestamptz,
      decline_reason text,
      version integer not null default 1
    )`.execute(db)
  await sql`create index referral_person_idx on referral (person_id, referred_at desc)`.execute(db)
  await sql`create index referral_pending_idx on referral (referred_at) where status = 'pending'`.execute(db)

  // The current state of a membership; every change to it is also a dated membership_event.
  await sql`
    create table cohort_membership (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person(id) on delete cascade,
      programme text not null check (programme in ('iom_fixed', 'iom_flex', 'iom_free', 'dip')),
      referral_id uuid references referral(id),
      status text not null check (status in ('active', 'in_custody', 'ended')),
      tier text check (tier in ('red', 'amber', 'green')),
      lead_officer_id uuid references app_user(id),
      selection_score numeric(8, 2),
      selection_method text,
      selection_date date,
      adopted_on date not null,
      ended_on date,
      version integer not null default 1
    )`.execute(db)
  await sql`create index cohort_membership_person_idx on cohort_membership (person_id)`.execute(db)
  await sql`create index cohort_membership_lead_idx on cohort_membership (lead_officer_id) where status <> 'ended'`.execute(
    db,
  )
  await sql`create index cohort_membership_list_idx on cohort_membership (programme, tier) where status <> 'ended'`.execute(
    db,
  )
  await sql`create unique index cohort_membership_one_open on cohort_membership (person_id, programme) where status <> 'ended'`.execute(
    db,
  )

  await sql`
    create table membership_event (
      id uuid primary key default gen_random_uuid(),
      membership_id uuid not null references cohort_membership(id) on delete cascade,
      kind text not null check (kind in ('adopted', 'in_custody', 'released', 'tier_changed', 'lead_officer_changed', 'deselected')),
      event_date date not null,
      tier text,
      lead_officer_id uuid references app_user(id),
      deselection_reason text references deselection_reason(code),
      note text,
      recorded_by uuid references app_user(id),
      recorded_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index membership_event_membership_idx on membership_event (membership_id, event_date, recorded_at)`.execute(
    db,
  )

  // ---- contacts and actions ----
  await sql`
    create table contact (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person(id) on delete cascade,
      contact_date date not null,
      contact_type text not null references contact_type(code),
      pathway text not null,
      note text not null,
      recorded_by uuid references app_user(id),
      recorded_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index contact_person_idx on contact (person_id, contact_date desc, recorded_at desc)`.execute(db)

  await sql`
    create table action (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person(id) on delete cascade,
      description text not null,
      owner_id uuid not null references app_user(id),
      due_date date not null,
      pathway text not null,
      status text not null default 'open' check (status in ('open', 'done')),
      completed_on date,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      version integer not null default 1
    )`.execute(db)
  await sql`create index action_owner_open_idx on action (owner_id, due_date) where status = 'open'`.execute(db)
  await sql`create index action_person_idx on action (person_id, due_date)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'action',
    'contact',
    'membership_event',
    'cohort_membership',
    'referral',
    'person_marker',
    'person_alias',
    'person',
    'custody_suite',
    'referral_source',
    'contact_type',
    'deselection_reason',
    'marker_type',
    'ward',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db)
  }
}
