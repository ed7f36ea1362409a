import { sql, type Kysely } from 'kysely'

// Who is due for a retention review is three ranges of the basis: decided reviews by their date,
// and the undecided by their last event, once for people adopted onto a cohort and once for the
// rest (each has its own period). One index per range, keyed to the order the list reads, lets a
// count read only index entries and a page read its own length (decision 0130). The one index of
// every undecided person made each due person's row be fetched to learn whether they were adopted.
// Each index holds the whole row (five small columns), so neither a count nor a page reads the table.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists retention_basis_activity_idx`.execute(db)
  await sql`drop index if exists retention_basis_decided_idx`.execute(db)
  await sql`create index retention_basis_decided_idx on retention_basis (area_id, decided_review_on, person_id)
    include (last_on, adopted) where decided_review_on is not null`.execute(db)
  await sql`create index retention_basis_adopted_idx on retention_basis (area_id, last_on, person_id)
    include (adopted, decided_review_on) where decided_review_on is null and adopted`.execute(db)
  await sql`create index retention_basis_never_adopted_idx on retention_basis (area_id, last_on, person_id)
    include (adopted, decided_review_on) where decided_review_on is null and not adopted`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'retention_basis_decided_idx',
    'retention_basis_adopted_idx',
    'retention_basis_never_adopted_idx',
  ])
    await sql`drop index if exists ${sql.id(name)}`.execute(db)
  await sql`create index retention_basis_activity_idx on retention_basis (area_id, last_on) where decided_review_on is null`.execute(
    db,
  )
  await sql`create index retention_basis_decided_idx on retention_basis (area_id, decided_review_on) where decided_review_on is not null`.execute(
    db,
  )
}
