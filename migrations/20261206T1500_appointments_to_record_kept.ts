import { sql, type Kysely } from 'kysely'

// The task list's "appointments to record" read a borough's appointments of the day in time
// order and skipped those already recorded: by the afternoon most of them, each skipped after a
// probe of attendance. At 1,000,000 people, with 46% of the day recorded, that was 3,368
// appointments read and 13,471 attendances probed a statement, 172 ms. The appointments still to
// record (not closed, no attendance: RA3) are now kept, with their borough and time, in
// `appointment_to_record` (decision 0138), so the page reads its own length a borough whatever
// the hour. Statement triggers on `appointment` and `attendance` keep it, enabled ALWAYS so that
// no session (the volume generator's included) writes past them.

/** The appointments `which` names that the rule says are still to record: open, with no attendance. */
const stillToRecord = (which: string) => `
  select a.id, a.area_id, a.scheduled_at from appointment a
   where ${which} and a.closed_on is null
     and not exists (select 1 from attendance at where at.appointment_id = a.id)`

/** Ids in one of two transition tables' `columns` and not the other's: the rows a statement changed. */
const changedIds = (id: string, columns: string) => `
  array(select distinct c.${id} from ((select ${columns} from added except select ${columns} from removed)
                                      union all (select ${columns} from removed except select ${columns} from added)) c)`

/** The body of a statement trigger: `ids` are the appointments whose standing may have changed. */
const follow = (ids: string) => `
  begin
    perform appointments_to_record_follow(${ids});
    return null;
  end`

/** The statement triggers that keep the table, each with its function's body. */
const triggers = [
  {
    // A new appointment is seen by no other writer until its transaction commits: nothing to lock.
    name: 'appointment_to_record_added',
    on: 'appointment',
    event: 'insert',
    tables: 'new table as added',
    body: `
      begin
        insert into appointment_to_record (appointment_id, area_id, scheduled_at)
          select s.id, s.area_id, s.scheduled_at from (${stillToRecord('a.id in (select id from added)')}) s order by s.id;
        return null;
      end`,
  },
  {
    name: 'appointment_to_record_changed',
    on: 'appointment',
    event: 'update',
    tables: 'new table as added old table as removed',
    body: follow(changedIds('id', 'id, area_id, scheduled_at, closed_on')),
  },
  {
    name: 'attendance_to_record_added',
    on: 'attendance',
    event: 'insert',
    tables: 'new table as added',
    body: follow('array(select distinct appointment_id from added)'),
  },
  {
    name: 'attendance_to_record_removed',
    on: 'attendance',
    event: 'delete',
    tables: 'old table as removed',
    body: follow('array(select distinct appointment_id from removed)'),
  },
  {
    name: 'attendance_to_record_changed',
    on: 'attendance',
    event: 'update',
    tables: 'new table as added old table as removed',
    body: follow(changedIds('appointment_id', 'appointment_id')),
  },
] as const

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table appointment_to_record (
      appointment_id uuid primary key,
      area_id uuid not null,
      scheduled_at timestamptz not null
    )`.execute(db)

  // An appointment's standing is worked out again from its row and its attendance. Its row is
  // locked first (in key order): a writer of the appointment holds that lock already, and a writer
  // of its attendance takes it here, so the second of two waits for the first to commit and then
  // reads what it wrote. Without it, a reschedule could put back the row an attendance had just
  // taken away.
  await sql`
    create function appointments_to_record_follow(ids uuid[]) returns void language plpgsql as $$
    begin
      if cardinality(ids) = 0 then return; end if;
      perform 1 from appointment a where a.id = any(ids) order by a.id for no key update;
      delete from appointment_to_record k where k.appointment_id = any(ids);
      insert into appointment_to_record (appointment_id, area_id, scheduled_at)
        select s.id, s.area_id, s.scheduled_at from (${sql.raw(stillToRecord('a.id = any(ids)'))}) s order by s.id;
    end $$`.execute(db)
  for (const trigger of triggers) {
    await sql`create function ${sql.id(trigger.name)}() returns trigger language plpgsql as $$${sql.raw(trigger.body)}$$`.execute(
      db,
    )
    await sql`create trigger ${sql.id(trigger.name)} after ${sql.raw(trigger.event)} on ${sql.table(trigger.on)}
      referencing ${sql.raw(trigger.tables)} for each statement execute function ${sql.id(trigger.name)}()`.execute(db)
    await sql`alter table ${sql.table(trigger.on)} enable always trigger ${sql.id(trigger.name)}`.execute(db)
  }

  await sql`
    insert into appointment_to_record (appointment_id, area_id, scheduled_at)
    ${sql.raw(stillToRecord('true'))}`.execute(db)
  // Keyed and indexed after the copy: one check of the key for the table, not one a row. A
  // deleted appointment takes its row with it.
  await sql`alter table appointment_to_record add foreign key (appointment_id) references appointment (id) on delete cascade`.execute(
    db,
  )
  await sql`create index appointment_to_record_area_day_idx on appointment_to_record (area_id, scheduled_at, appointment_id)`.execute(
    db,
  )
  await sql`analyze appointment_to_record`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of triggers) {
    await sql`drop trigger if exists ${sql.id(trigger.name)} on ${sql.table(trigger.on)}`.execute(db)
    await sql`drop function if exists ${sql.id(trigger.name)}()`.execute(db)
  }
  await sql`drop function if exists appointments_to_record_follow(uuid[])`.execute(db)
  await sql`drop table if exists appointment_to_record`.execute(db)
}
