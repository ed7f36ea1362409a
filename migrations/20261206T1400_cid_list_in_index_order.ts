import { sql, type Kysely } from 'kysely'

// The CID list kept each person's soonest entry by reading every listed entry of the boroughs,
// grouping them by person and sorting them all for one page: 12,676 entries at 1,000,000 people.
// It now reads each borough's listing in the list's own order, up to the page's end, and asks
// of each row whether the person has a sooner one (decision 0137): two indexes serve the two reads.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index cid_listing_area_order_idx on cid_listing
              (area_id, time_bar_date, last_violence_marker desc nulls last, surname, forenames, entry_id)
              include (person_id, ward_id)`.execute(db)
  // A person's rows in time-bar order, from the index alone; it serves the listing's upkeep by person too.
  await sql`create index cid_listing_person_bar_idx on cid_listing (person_id, time_bar_date, entry_id) include (area_id, ward_id)`.execute(
    db,
  )
  await sql`drop index if exists cid_listing_person_idx`.execute(db)
  await sql`analyze cid_listing`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists cid_listing_person_idx on cid_listing (person_id)`.execute(db)
  await sql`drop index if exists cid_listing_person_bar_idx`.execute(db)
  await sql`drop index if exists cid_listing_area_order_idx`.execute(db)
}
