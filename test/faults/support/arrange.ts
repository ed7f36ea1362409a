import pg from 'pg'

/** Creates an empty database on the cluster (the app migrates and seeds it when it starts). */
export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`create database ${name}`)
  } finally {
    await client.end()
  }
}

/** Runs one query on a short-lived connection of its own. */
export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

/**
 * `count` follow-up appointments held yesterday with no attendance recorded, each for a new
 * person in Havering with a positive test and a required assessment: work for a DIP worker.
 */
export async function arrangeDueAppointments(url: string, count: number): Promise<string[]> {
  const rows = await query<{ id: string }>(
    url,
    `with p as (
       insert into person (surname, forenames, date_of_birth, gender, area_id)
       select 'Faultline' || g, 'Sam', date '1980-01-01' + g, 'male', (select id from area where code = 'HV')
         from generate_series(1, $1::int) g
       returning id
     ), t as (
       insert into drug_test (person_id, custody_suite_code, custody_number, condition, trigger_offence_code, sample_taken_at, opiates, cocaine)
       select id, 'ROMFORD', 'FT/' || id, 'arrest', 'THEFT', now() - interval '5 days', 'positive', 'negative' from p
       returning id, person_id
     ), r as (
       insert into required_assessment (person_id, drug_test_id) select person_id, id from t returning id, person_id
     )
     insert into appointment (assessment_id, person_id, kind, scheduled_at, place, assessor, form)
     select id, person_id, 'follow_up', now() - interval '1 day', 'CJIT office, Romford', 'Sam Okafor', 'RA4' from r
     returning id`,
    [count],
  )
  return rows.map((r) => r.id)
}
