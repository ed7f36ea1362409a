import { sql, type Kysely } from 'kysely'

// A person's retention review date rests on the last event on their record (every kind of event
// counts), on whether they were ever adopted, and on the latest retain decision. Working those out
// when a list was read meant a dozen lookups a person for every candidate: at 100,000 people, 111
// ms of the task list's database time, growing with the force (server/decisions/0124).
//
// retention_basis holds those three facts per person, kept as the report's tallies and the CID
// listing are: a change to any table that makes a record live puts its people in
// retention_dirty, and just before the transaction commits their rows are worked out again from
// the case tables by retention_basis_of, the one statement of what counts. The review periods
// are local configuration, so the date itself is worked out when the basis is read.

/** Every table whose rows are events on a person's record, and how a row names its person. */
const watched: { table: string; person: (rows: string) => string }[] = [
  ...[
    'contact',
    'drug_test',
    'dip_failure',
    'cohort_membership',
    'referral',
    'partner_link',
    'action',
    'appointment',
    'cid_entry',
    'retention_decision',
  ].map((table) => ({ table, person: (rows: string) => `select person_id from ${rows}` })),
  {
    table: 'membership_event',
    person: (rows) => `select m.person_id from ${rows} r join cohort_membership m on m.id = r.membership_id`,
  },
  {
    table: 'partner_link_change',
    person: (rows) => `select l.person_id from ${rows} r join partner_link l on l.id = r.link_id`,
  },
]

export const events = ['insert', 'update', 'delete'] as const
const transition = (event: (typeof events)[number]) =>
  event === 'insert'
    ? 'new table as new_rows'
    : event === 'delete'
      ? 'old table as old_rows'
      : 'old table as old_rows new table as new_rows'

/**
 * Statement triggers `<prefix>_<table>_<event>` on every insert, update and delete of `table`,
 * each calling `fn`() with the statement's rows as old_rows and new_rows.
 */
export async function onEveryChange(db: Kysely<any>, table: string, prefix: string, fn: string): Promise<void> {
  for (const event of events) {
    await sql`
      create trigger ${sql.raw(`${prefix}_${table}_${event}`)} after ${sql.raw(event)} on ${sql.raw(table)}
        referencing ${sql.raw(transition(event))} for each statement execute function ${sql.raw(fn)}()`.execute(db)
  }
}

const londonDay = (column: string) => `(${column} at time zone 'Europe/London')::date`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table retention_basis (
      person_id uuid primary key,
      area_id uuid not null,
      last_on date not null,
      adopted boolean not null,
      decided_review_on date
    )`.execute(db)
  // The queue reads its areas' people by the date their review falls due from: the activity
  // date where no decision sets it, the decision's date where one does.
  await sql`create index retention_basis_activity_idx on retention_basis (area_id, last_on) where decided_review_on is null`.execute(
    db,
  )
  await sql`create index retention_basis_decided_idx on retention_basis (area_id, decided_review_on) where decided_review_on is not null`.execute(
    db,
  )
  await sql`create table retention_dirty (person_id uuid primary key)`.execute(db)

  // The rule: the last event on the record (its own last change included), whether the person was
  // ever adopted onto a cohort, and the next review date of their latest decision. A record
  // combined into another has no row: it is not reviewed on its own (the queue never listed one).
  await sql`
    create function retention_basis_of(ids uuid[]) returns setof retention_basis language sql stable as $$
      select p.id, p.area_id,
             greatest(
               ${sql.raw(londonDay('p.updated_at'))},
               (select max(c.contact_date) from contact c where c.person_id = p.id),
               (select max(${sql.raw(londonDay('t.sample_taken_at'))}) from drug_test t where t.person_id = p.id),
               (select max(f.failure_date) from dip_failure f where f.person_id = p.id),
               (select max(e.event_date) from membership_event e join cohort_membership m on m.id = e.membership_id where m.person_id = p.id),
               (select max(greatest(${sql.raw(londonDay('r.referred_at'))}, ${sql.raw(londonDay('r.decided_at'))})) from referral r where r.person_id = p.id),
               (select max(greatest(l.opened_on, l.closed_on, ${sql.raw(londonDay('l.created_at'))})) from partner_link l where l.person_id = p.id),
               (select max(${sql.raw(londonDay('x.changed_at'))}) from partner_link_change x join partner_link l on l.id = x.link_id where l.person_id = p.id),
               (select max(greatest(${sql.raw(londonDay('a.created_at'))}, a.completed_on)) from action a where a.person_id = p.id),
               (select max(${sql.raw(londonDay('a.scheduled_at'))}) from appointment a where a.person_id = p.id),
               (select max(greatest(${sql.raw(londonDay('e.proposed_at'))}, ${sql.raw(londonDay('e.decided_at'))})) from cid_entry e where e.person_id = p.id)
             ),
             exists (select 1 from cohort_membership m where m.person_id = p.id),
             (select d.next_review_on from retention_decision d where d.person_id = p.id order by d.decided_at desc limit 1)
        from person p
       where p.id = any(ids) and p.combined_into is null
    $$`.execute(db)

  await sql`
    create function retention_basis_refresh(ids uuid[]) returns void language sql as $$
      delete from retention_basis where person_id = any(ids);
      insert into retention_basis select * from retention_basis_of(ids) order by person_id;
    $$`.execute(db)

  // Just before commit: everyone this transaction touched, taken at once.
  await sql`
    create function retention_refresh_dirty() returns trigger language plpgsql as $$
    declare
      ids uuid[];
    begin
      with taken as (delete from retention_dirty returning person_id)
      select array_agg(person_id order by person_id) into ids from taken;
      if ids is not null then
        perform retention_basis_refresh(ids);
      end if;
      return null;
    end
    $$`.execute(db)
  await sql`
    create constraint trigger retention_dirty_refresh after insert on retention_dirty
      deferrable initially deferred for each row execute function retention_refresh_dirty()`.execute(db)

  // Marking: once per statement, from its transition tables. A second transaction marking the
  // same person waits on retention_dirty's key until the first has committed.
  for (const w of watched) {
    const mark = (rows: string) =>
      `insert into retention_dirty select distinct person_id from (${w.person(rows)}) marked
        where person_id is not null order by 1 on conflict do nothing;`
    await sql`
      create function ${sql.raw(`retention_mark_${w.table}`)}() returns trigger language plpgsql as $$
      begin
        if tg_op in ('INSERT', 'UPDATE') then
          ${sql.raw(mark('new_rows'))}
        end if;
        if tg_op in ('UPDATE', 'DELETE') then
          ${sql.raw(mark('old_rows'))}
        end if;
        return null;
      end
      $$`.execute(db)
    await onEveryChange(db, w.table, 'retention', `retention_mark_${w.table}`)
  }
  // A person's own row: a new person, a change to the record (its last change is an event), its
  // borough or its combination into another, a deletion.
  await sql`
    create function retention_mark_person() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        insert into retention_dirty select id from new_rows order by 1 on conflict do nothing;
      elsif tg_op = 'UPDATE' then
        insert into retention_dirty
        select n.id from new_rows n join old_rows o on o.id = n.id
         where (n.updated_at, n.area_id, n.combined_into) is distinct from (o.updated_at, o.area_id, o.combined_into)
         order by 1
        on conflict do nothing;
      else
        insert into retention_dirty select id from old_rows order by 1 on conflict do nothing;
      end if;
      return null;
    end
    $$`.execute(db)
  await onEveryChange(db, 'person', 'retention', 'retention_mark_person')

  // The basis so far.
  await sql`select retention_basis_refresh(array(select id from person))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...watched.map((w) => w.table), 'person']) {
    for (const event of events)
      await sql`drop trigger if exists ${sql.raw(`retention_${table}_${event}`)} on ${sql.raw(table)}`.execute(db)
    await sql`drop function if exists ${sql.raw(`retention_mark_${table}`)}()`.execute(db)
  }
  // retention_dirty first (its trigger uses retention_refresh_dirty), then the functions, then the table their type comes from.
  await sql`drop table if exists retention_dirty`.execute(db)
  for (const fn of ['retention_refresh_dirty()', 'retention_basis_refresh(uuid[])', 'retention_basis_of(uuid[])'])
    await sql`drop function if exists ${sql.raw(fn)}`.execute(db)
  await sql`drop table if exists retention_basis`.execute(db)
}
