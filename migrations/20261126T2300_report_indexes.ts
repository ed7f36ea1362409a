import { sql, type Kysely } from 'kysely'

// The performance report counts rows within the period by their own date: referrals by when they
// were received and failures by the day of the failure, each a range scan here rather than a
// pass over the whole table. And "is there a follow-up for this requirement?" (the appointment
// page and the attendance write ask it) finds the requirement's appointments by kind directly.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index referral_received_idx on referral (referred_at)`.execute(db)
  await sql`create index dip_failure_date_idx on dip_failure (failure_date)`.execute(db)
  await sql`create index appointment_assessment_kind_idx on appointment (assessment_id, kind)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists appointment_assessment_kind_idx`.execute(db)
  await sql`drop index if exists dip_failure_date_idx`.execute(db)
  await sql`drop index if exists referral_received_idx`.execute(db)
}
