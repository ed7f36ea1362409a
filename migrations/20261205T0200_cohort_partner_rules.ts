import { sql, type Kysely } from 'kysely'

// A person is on at most one IOM cohort (Fixed, Flex or Free) at a time; DIP is a separate
// programme they may be on alongside (IOM 2020 strategy). The service refuses a second open IOM
// membership with a message; this index makes the database refuse it too, whatever writes it.
// A database that already breaks the rule is not "fixed" here (ending a membership is a panel
// decision): the migration stops and says how many people to look at.
export async function up(db: Kysely<any>): Promise<void> {
  const found = await sql<{ people: number }>`
    select count(*)::int as people
      from (select person_id from cohort_membership
             where status <> 'ended' and programme <> 'dip'
             group by person_id having count(*) > 1) twice`.execute(db)
  const people = found.rows[0]?.people ?? 0
  if (people > 0) {
    throw new Error(
      `${people} people are on more than one IOM cohort at once: de-select them from all but one before this migration`,
    )
  }
  await sql`create unique index cohort_membership_one_iom on cohort_membership (person_id)
              where status <> 'ended' and programme <> 'dip'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists cohort_membership_one_iom`.execute(db)
}
