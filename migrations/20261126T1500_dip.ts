import { sql, type Kysely } from 'kysely'

// The DIP chain: drug test (DT1) → required assessment (RA1) → appointments (RA2 changes,
// RA3 attendance, RA4 follow-up, RA5 end) → failure (s12/s14) → wanted → outcome.
// Every change is a new row or a history row; current-state columns exist only for lists.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table offence (
      code text primary key,
      label text not null,
      trigger_offence boolean not null default true,
      sort_order integer not null default 0,
      active boolean not null default true
    )`.execute(db)
  await sql`
    insert into offence (code, label, sort_order) values
      ('THEFT', 'Theft (Theft Act 1968 s1)', 1),
      ('ROBBERY', 'Robbery (TA 1968 s8)', 2),
      ('BURGLARY', 'Burglary (TA 1968 s9)', 3),
      ('AGG_BURGLARY', 'Aggravated burglary (TA 1968 s10)', 4),
      ('TWOC', 'Taking a conveyance without consent (TA 1968 s12)', 5),
      ('AGG_VEHICLE_TAKING', 'Aggravated vehicle taking (TA 1968 s12A)', 6),
      ('HANDLING', 'Handling stolen goods (TA 1968 s22)', 7),
      ('GOING_EQUIPPED', 'Going equipped (TA 1968 s25)', 8),
      ('SUPPLY_A', 'Production or supply, Class A (MDA 1971 s4)', 9),
      ('POSSESSION_A', 'Possession, Class A (MDA 1971 s5(2))', 10),
      ('PWITS_A', 'Possession with intent to supply, Class A (MDA 1971 s5(3))', 11),
      ('FRAUD', 'Fraud (Fraud Act 2006 s1)', 12),
      ('FRAUD_ARTICLES', 'Possession of articles for fraud (FA 2006 s6)', 13),
      ('FRAUD_MAKING_ARTICLES', 'Making or supplying articles for fraud (FA 2006 s7)', 14),
      ('BEGGING', 'Begging (Vagrancy Act 1824 s3)', 15),
      ('PERSISTENT_BEGGING', 'Persistent begging (Vagrancy Act 1824 s4)', 16),
      ('ATT_THEFT', 'Attempted theft', 17),
      ('ATT_ROBBERY', 'Attempted robbery', 18),
      ('ATT_BURGLARY', 'Attempted burglary', 19),
      ('ATT_HANDLING', 'Attempted handling stolen goods', 20),
      ('ATT_FRAUD', 'Attempted fraud', 21)`.execute(db)

  await sql`
    create table drug_test (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person(id) on delete cascade,
      custody_suite_code text not null references custody_suite(code),
      custody_number text not null,
      condition text not null check (condition in ('arrest', 'charge')),
      trigger_offence_code text references offence(code),
      authorised_by text,
      sample_taken_at timestamptz not null,
      opiates text not null check (opiates in ('positive', 'negative', 'not_tested')),
      cocaine text not null check (cocaine in ('positive', 'negative', 'not_tested')),
      refused boolean not null default false,
      disputed boolean not null default false,
      recorded_by uuid references app_user(id),
      recorded_at timestamptz not null default now(),
      import_batch text,
      constraint drug_test_trigger_or_inspector check (trigger_offence_code is not null or authorised_by is not null),
      unique (custody_suite_code, custody_number, sample_taken_at)
    )`.execute(db)
  await sql`create index drug_test_person_idx on drug_test (person_id, sample_taken_at desc)`.execute(db)
  await sql`create index drug_test_sample_idx on drug_test (sample_taken_at)`.execute(db)
  await sql`create index drug_test_disputed_idx on drug_test (sample_taken_at) where disputed`.execute(db)

  // A disputed result's laboratory confirmation: a new row, never an overwrite of the test.
  await sql`
    create table drug_test_confirmation (
      id uuid primary key default gen_random_uuid(),
      drug_test_id uuid not null unique references drug_test(id) on delete cascade,
      opiates text not null check (opiates in ('positive', 'negative', 'not_tested')),
      cocaine text not null check (cocaine in ('positive', 'negative', 'not_tested')),
      confirmed_on date not null,
      recorded_by uuid references app_user(id),
      recorded_at timestamptz not null default now()
    )`.execute(db)

  // RA1: the initial assessment and, at the same time, the follow-up requirement.
  await sql`
    create table required_assessment (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person(id) on delete cascade,
      drug_test_id uuid not null unique references drug_test(id) on delete cascade,
      imposed_by uuid references app_user(id),
      imposed_at timestamptz not null default now(),
      follow_up_ended_on date,
      follow_up_ended_by uuid references app_user(id)
    )`.execute(db)
  await sql`create index required_assessment_person_idx on required_assessment (person_id)`.execute(db)

  await sql`
    create table appointment (
      id uuid primary key default gen_random_uuid(),
      assessment_id uuid not null references required_assessment(id) on delete cascade,
      person_id uuid not null references person(id) on delete cascade,
      kind text not null check (kind in ('initial', 'follow_up')),
      scheduled_at timestamptz not null,
      place text not null,
      assessor text not null,
      form text not null check (form in ('RA1', 'RA4')),
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      version integer not null default 1
    )`.execute(db)
  await sql`create index appointment_scheduled_idx on appointment (scheduled_at)`.execute(db)
  await sql`create index appointment_person_idx on appointment (person_id, scheduled_at)`.execute(db)
  await sql`create unique index appointment_one_initial on appointment (assessment_id) where kind = 'initial'`.execute(
    db,
  )

  // RA2: every change of time or place, with who and why.
  await sql`
    create table appointment_change (
      id uuid primary key default gen_random_uuid(),
      appointment_id uuid not null references appointment(id) on delete cascade,
      previous_scheduled_at timestamptz not null,
      previous_place text not null,
      new_scheduled_at timestamptz not null,
      new_place text not null,
      reason text not null,
      changed_by uuid references app_user(id),
      changed_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index appointment_change_appointment_idx on appointment_change (appointment_id, changed_at)`.execute(
    db,
  )

  // RA3: one attendance record per appointment.
  await sql`
    create table attendance (
      id uuid primary key default gen_random_uuid(),
      appointment_id uuid not null unique references appointment(id) on delete cascade,
      outcome text not null check (outcome in ('attended', 'left_early', 'did_not_attend')),
      good_cause boolean not null,
      good_cause_note text,
      recorded_by uuid references app_user(id),
      recorded_at timestamptz not null default now()
    )`.execute(db)

  // A failure to attend or remain (s12 initial, s14 follow-up): at most one per appointment.
  await sql`
    create table dip_failure (
      id uuid primary key default gen_random_uuid(),
      appointment_id uuid not null unique references appointment(id) on delete cascade,
      person_id uuid not null references person(id) on delete cascade,
      section text not null check (section in ('s12', 's14')),
      failure_date date not null,
      time_bar_date date not null,
      status text not null default 'open' check (status in
        ('open', 'wanted', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn', 'time_barred')),
      statement_produced_on date,
      wanted_since date,
      wanted_reference text,
      version integer not null default 1,
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index dip_failure_person_idx on dip_failure (person_id)`.execute(db)
  await sql`create index dip_failure_open_idx on dip_failure (time_bar_date) where status in ('open', 'wanted')`.execute(
    db,
  )
  await sql`create index dip_failure_statement_idx on dip_failure (failure_date) where statement_produced_on is null and status = 'open'`.execute(
    db,
  )

  await sql`
    create table dip_failure_event (
      id uuid primary key default gen_random_uuid(),
      failure_id uuid not null references dip_failure(id) on delete cascade,
      kind text not null check (kind in ('created', 'statement_produced', 'circulated_wanted', 'arrested',
        'charged', 'summonsed', 'no_further_action', 'withdrawn', 'time_barred')),
      event_date date not null,
      reference text,
      note text,
      recorded_by uuid references app_user(id),
      recorded_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index dip_failure_event_failure_idx on dip_failure_event (failure_id, recorded_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'dip_failure_event',
    'dip_failure',
    'attendance',
    'appointment_change',
    'appointment',
    'required_assessment',
    'drug_test_confirmation',
    'drug_test',
    'offence',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db)
  }
}
