import { sql, type Kysely } from 'kysely'

// The decisive steps of the DIP → CID chain, held by the database as well as by the services, so
// that no path (form, import, seed, a later change of a marker) can write what the law forbids.
// Each rule is stated once here, in a function the triggers and the list's SQL call; the services
// check first and answer the user with a message, these refuse whatever gets past them.
// server/features/dip/RULES.md names each rule's source.

export async function up(db: Kysely<any>): Promise<void> {
  // RA1: when, and by whom, the requirement was imposed in custody (a statement cites that time,
  // not the time it was typed in), and when it fell away (a negative laboratory result).
  await sql`alter table required_assessment add column imposed_by_officer text`.execute(db)
  await sql`alter table required_assessment add column recorded_at timestamptz not null default now()`.execute(db)
  await sql`update required_assessment set recorded_at = imposed_at`.execute(db)
  await sql`alter table required_assessment add column fell_away_on date`.execute(db)
  await sql`alter table required_assessment add column fell_away_reason text`.execute(db)
  await sql`alter table appointment add column closed_on date`.execute(db)
  await sql`alter table appointment add column closed_reason text`.execute(db)

  // The statement: who produced it; a refused test: what was done about the refusal (PACE s63C).
  await sql`alter table dip_failure add column statement_produced_by uuid references app_user(id)`.execute(db)
  await sql`alter table drug_test add column refusal_action text check (refusal_action in ('charged', 'reported', 'good_cause', 'pending'))`.execute(
    db,
  )
  await sql`alter table drug_test add constraint drug_test_refusal_has_no_results
    check (not refused or (opiates = 'not_tested' and cocaine = 'not_tested'))`.execute(db)

  // A manual hand-off cites the marker that makes the person violent.
  await sql`alter table cid_entry add column cited_marker_id uuid references person_marker(id)`.execute(db)
  await sql`alter table cid_entry drop constraint cid_entry_status_check`.execute(db)
  await sql`alter table cid_entry add constraint cid_entry_status_check check (status in
    ('proposed', 'rejected', 'countersigned', 'suspended', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn', 'time_barred', 'closed'))`.execute(
    db,
  )
  await sql`alter table cid_entry_event drop constraint cid_entry_event_kind_check`.execute(db)
  await sql`alter table cid_entry_event add constraint cid_entry_event_kind_check check (kind in ('proposed', 'countersigned', 'rejected',
    'suspended', 'not_found', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn', 'time_barred', 'closed', 'briefing_printed'))`.execute(
    db,
  )
  await sql`alter table dip_failure_event drop constraint dip_failure_event_kind_check`.execute(db)
  await sql`alter table dip_failure_event add constraint dip_failure_event_kind_check check (kind in ('created', 'statement_produced',
    'statement_withdrawn', 'circulated_wanted', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn', 'time_barred'))`.execute(
    db,
  )
  await sql`create index cid_entry_suspended_idx on cid_entry (person_id) where status = 'suspended'`.execute(db)
  // A marker past its review date stays current; its owner is told on their home page.
  await sql`create index person_marker_review_idx on person_marker (set_by, review_date) where ended_on is null and review_date is not null`.execute(
    db,
  )
  await sql`create index dip_failure_arrested_idx on dip_failure (time_bar_date, person_id) where status = 'arrested'`.execute(
    db,
  )
  // The time-bar sweep now closes arrested failures too (an arrest does not stop the clock).
  await sql`drop index dip_failure_open_idx`.execute(db)
  await sql`create index dip_failure_open_idx on dip_failure (time_bar_date) where status in ('open', 'wanted', 'arrested')`.execute(
    db,
  )

  // Drugs Act 2005 s9 with PACE s63B: a test supports a requirement while it was not refused and
  // is positive for a specified drug, judged on the laboratory's result where one came back.
  await sql`
    create function drug_test_supports_requirement(test_id uuid) returns boolean language sql stable as $$
      select not t.refused
             and (coalesce(nullif(c.opiates, 'not_tested'), t.opiates) = 'positive'
                  or coalesce(nullif(c.cocaine, 'not_tested'), t.cocaine) = 'positive')
        from drug_test t left join drug_test_confirmation c on c.drug_test_id = t.id
       where t.id = test_id
    $$`.execute(db)
  await sql`
    create function requirement_stands(assessment uuid) returns boolean language sql stable as $$
      select ra.fell_away_on is null and coalesce(drug_test_supports_requirement(ra.drug_test_id), false)
        from required_assessment ra where ra.id = assessment
    $$`.execute(db)

  // No appointment, attendance or failure under a requirement that does not stand, nor on a
  // closed appointment.
  await sql`
    create function refuse_without_requirement() returns trigger language plpgsql as $$
    declare
      assessment uuid;
      closed date;
    begin
      if tg_table_name = 'appointment' then
        assessment := new.assessment_id;
      else
        select a.assessment_id, a.closed_on into assessment, closed from appointment a where a.id = new.appointment_id;
      end if;
      if not coalesce(requirement_stands(assessment), false) then
        raise exception 'The requirement to attend no longer stands (Drugs Act 2005 s9)' using errcode = 'CH001';
      end if;
      if closed is not null then
        raise exception 'The appointment is closed' using errcode = 'CH001';
      end if;
      return new;
    end
    $$`.execute(db)
  for (const table of ['appointment', 'attendance', 'dip_failure']) {
    await sql`create trigger ${sql.raw(`${table}_requirement_stands`)} before insert on ${sql.raw(table)}
      for each row execute function refuse_without_requirement()`.execute(db)
  }

  // Circulated as wanted only with a produced statement (an MG11 is the evidence the police act on).
  await sql`
    create function dip_failure_wanted_needs_statement() returns trigger language plpgsql as $$
    begin
      if new.status = 'wanted' and new.statement_produced_on is null then
        raise exception 'A failure is circulated as wanted only once its statement is produced' using errcode = 'CH002';
      end if;
      return new;
    end
    $$`.execute(db)
  await sql`create trigger dip_failure_wanted_needs_statement before insert or update on dip_failure
    for each row execute function dip_failure_wanted_needs_statement()`.execute(db)

  // Magistrates' Courts Act 1980 s127: no charge or summons after the time bar.
  await sql`
    create function dip_failure_charge_within_time_bar() returns trigger language plpgsql as $$
    begin
      if new.kind in ('charged', 'summonsed')
         and new.event_date > (select f.time_bar_date from dip_failure f where f.id = new.failure_id) then
        raise exception 'A charge or summons after the time bar is out of time (MCA 1980 s127)' using errcode = 'CH003';
      end if;
      return new;
    end
    $$`.execute(db)
  await sql`create trigger dip_failure_event_within_time_bar before insert on dip_failure_event
    for each row execute function dip_failure_charge_within_time_bar()`.execute(db)

  // "Violent": a current violent or weapons warning marker, the one test the list, the proposals,
  // the countersignature and the suspension all use.
  await sql`
    create function person_has_violence_marker(person uuid) returns boolean language sql stable as $$
      select exists (select 1 from person_marker m
                      where m.person_id = person and m.ended_on is null and m.marker_code in ('violent', 'weapons')
                        and m.start_date <= (now() at time zone 'Europe/London')::date)
    $$`.execute(db)

  // The two-person rule: the countersigning supervisor is neither the proposer nor the officer who
  // circulated the failure, and countersigns only a person who is violent now.
  await sql`
    create function cid_entry_countersign_rules() returns trigger language plpgsql as $$
    begin
      if new.status = 'countersigned' and (tg_op = 'INSERT' or old.status is distinct from 'countersigned') then
        if new.decided_by is null or new.decided_by = new.proposed_by
           or new.decided_by = (select ev.recorded_by from dip_failure_event ev
                                 where ev.failure_id = new.failure_id and ev.kind = 'circulated_wanted'
                                 order by ev.recorded_at desc limit 1) then
          raise exception 'A hand-off to CID is countersigned by a supervisor who neither proposed it nor circulated the failure' using errcode = 'CH004';
        end if;
        if not person_has_violence_marker(new.person_id) then
          raise exception 'Only a person with a current violent or weapons marker is handed to CID' using errcode = 'CH004';
        end if;
      end if;
      return new;
    end
    $$`.execute(db)
  await sql`create trigger cid_entry_countersign_rules before insert or update on cid_entry
    for each row execute function cid_entry_countersign_rules()`.execute(db)

  // When a person's last violence marker ends (or is removed), their countersigned entries are
  // suspended at once, with a history row and an audit row by the system, whatever ended it.
  await sql`
    create function cid_suspend_without_violence_marker() returns trigger language plpgsql as $$
    begin
      with suspended as (
        update cid_entry e set status = 'suspended', version = e.version + 1
         where e.status = 'countersigned'
           and e.person_id in (select distinct o.person_id from old_rows o where o.marker_code in ('violent', 'weapons'))
           and not person_has_violence_marker(e.person_id)
        returning e.id, e.person_id
      ), events as (
        insert into cid_entry_event (entry_id, kind, event_date, note)
        select id, 'suspended', (now() at time zone 'Europe/London')::date,
               'Suspended: the person no longer has a current violent or weapons marker'
          from suspended
        returning 1
      )
      insert into audit_pending (category, event, actor_username, entity_type, entity_id, person_id, detail)
      select 'alteration', 'cid_entry.suspended', 'system', 'cid_entry', id::text, person_id, '{"reason":"no current violence marker"}'::jsonb
        from suspended;
      return null;
    end
    $$`.execute(db)
  for (const event of ['update', 'delete'] as const) {
    const transition = event === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows'
    await sql`create trigger ${sql.raw(`person_marker_${event}_suspends_cid`)} after ${sql.raw(event)} on person_marker
      referencing ${sql.raw(transition)} for each statement execute function cid_suspend_without_violence_marker()`.execute(
      db,
    )
  }

  // The CID list holds only people who are violent now (cid_listing, 20261127T0600).
  await sql`
    create or replace function cid_listing_rows_of(ids uuid[]) returns setof cid_listing language sql stable as $$
      select e.id, p.id, p.area_id, p.ward_id, f.time_bar_date,
             (select max(m.start_date) from person_marker m
               where m.person_id = p.id and m.ended_on is null and m.marker_code in ('violent', 'weapons')),
             p.surname, p.forenames
        from cid_entry e
        join dip_failure f on f.id = e.failure_id
        join person p on p.id = e.person_id
       where e.person_id = any(ids) and e.status = 'countersigned' and f.status = 'wanted'
         and person_has_violence_marker(p.id)
    $$`.execute(db)
  await sql`select cid_listing_refresh(array(select distinct person_id from cid_entry))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function cid_listing_rows_of(ids uuid[]) returns setof cid_listing language sql stable as $$
      select e.id, p.id, p.area_id, p.ward_id, f.time_bar_date,
             (select max(m.start_date) from person_marker m
               where m.person_id = p.id and m.ended_on is null and m.marker_code in ('violent', 'weapons')),
             p.surname, p.forenames
        from cid_entry e
        join dip_failure f on f.id = e.failure_id
        join person p on p.id = e.person_id
       where e.person_id = any(ids) and e.status = 'countersigned' and f.status = 'wanted'
    $$`.execute(db)
  for (const event of ['update', 'delete'])
    await sql`drop trigger if exists ${sql.raw(`person_marker_${event}_suspends_cid`)} on person_marker`.execute(db)
  await sql`drop trigger if exists cid_entry_countersign_rules on cid_entry`.execute(db)
  await sql`drop trigger if exists dip_failure_event_within_time_bar on dip_failure_event`.execute(db)
  await sql`drop trigger if exists dip_failure_wanted_needs_statement on dip_failure`.execute(db)
  for (const table of ['appointment', 'attendance', 'dip_failure']) {
    await sql`drop trigger if exists ${sql.raw(`${table}_requirement_stands`)} on ${sql.raw(table)}`.execute(db)
  }
  for (const fn of [
    'cid_suspend_without_violence_marker()',
    'cid_entry_countersign_rules()',
    'person_has_violence_marker(uuid)',
    'dip_failure_charge_within_time_bar()',
    'dip_failure_wanted_needs_statement()',
    'refuse_without_requirement()',
    'requirement_stands(uuid)',
    'drug_test_supports_requirement(uuid)',
  ]) {
    await sql`drop function if exists ${sql.raw(fn)}`.execute(db)
  }
  await sql`update cid_entry set status = 'countersigned' where status = 'suspended'`.execute(db)
  await sql`delete from cid_entry_event where kind = 'suspended'`.execute(db)
  await sql`delete from dip_failure_event where kind = 'statement_withdrawn'`.execute(db)
  await sql`alter table dip_failure_event drop constraint dip_failure_event_kind_check`.execute(db)
  await sql`alter table dip_failure_event add constraint dip_failure_event_kind_check check (kind in ('created', 'statement_produced',
    'circulated_wanted', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn', 'time_barred'))`.execute(
    db,
  )
  await sql`alter table cid_entry_event drop constraint cid_entry_event_kind_check`.execute(db)
  await sql`alter table cid_entry_event add constraint cid_entry_event_kind_check check (kind in ('proposed', 'countersigned', 'rejected',
    'not_found', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn', 'time_barred', 'closed', 'briefing_printed'))`.execute(
    db,
  )
  await sql`alter table cid_entry drop constraint cid_entry_status_check`.execute(db)
  await sql`alter table cid_entry add constraint cid_entry_status_check check (status in
    ('proposed', 'rejected', 'countersigned', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn', 'time_barred', 'closed'))`.execute(
    db,
  )
  await sql`drop index if exists dip_failure_arrested_idx`.execute(db)
  await sql`drop index dip_failure_open_idx`.execute(db)
  await sql`create index dip_failure_open_idx on dip_failure (time_bar_date) where status in ('open', 'wanted')`.execute(
    db,
  )
  await sql`drop index if exists cid_entry_suspended_idx`.execute(db)
  await sql`drop index if exists person_marker_review_idx`.execute(db)
  await sql`alter table cid_entry drop column cited_marker_id`.execute(db)
  await sql`alter table drug_test drop constraint drug_test_refusal_has_no_results`.execute(db)
  await sql`alter table drug_test drop column refusal_action`.execute(db)
  await sql`alter table dip_failure drop column statement_produced_by`.execute(db)
  for (const column of ['closed_reason', 'closed_on'])
    await sql`alter table appointment drop column ${sql.raw(column)}`.execute(db)
  for (const column of ['fell_away_reason', 'fell_away_on', 'recorded_at', 'imposed_by_officer']) {
    await sql`alter table required_assessment drop column ${sql.raw(column)}`.execute(db)
  }
}
