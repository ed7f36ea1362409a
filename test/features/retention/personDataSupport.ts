import { sql, type Kysely } from 'kysely'
import type { Agency, Database } from '../../../db/types.ts'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import { areaIdsByCode, dateFields, demoUserIds, postForm, uniqueTag } from '../../helpers/factories.ts'
import type { Agent } from '../../helpers/signIn.ts'

// A person with a row in every table that holds their data, and a "canary" (a unique string)
// in every free-text column of those rows, so a test can prove where the data is, and is not.
// A few rows go through the real forms (so their audit rows are the app's own); the rest are
// written straight to the database, where every column can be reached.

type Db = Kysely<Database>
type Session = { agent: Agent; csrf: string }

export type Canary = { table: string; column: string; value: string }

export type SeededPerson = {
  personId: string
  /** Common to every canary of this person: search for it to find any of them. */
  prefix: string
  canaries: Canary[]
}

const today = () => todayInLondon()

async function agreementFor(db: Db, agency: Agency, createdBy: string): Promise<string> {
  const row = await db
    .insertInto('sharing_agreement')
    .values({
      name: `Test sharing agreement ${agency.toUpperCase()} ${uniqueTag()}`,
      agency,
      categories: ['identity', 'address', 'link_details', 'iom_status'],
      starts_on: '2020-01-01',
      created_by: createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * Every category of a person's data: identity, aliases, markers, referrals, membership and its
 * history, contacts, actions, the DIP chain (test, confirmation, assessment, appointments,
 * changes, attendance, failure and its history), partner links and their changes, CID entries
 * and their history, and an earlier retention decision.
 */
export async function seedPersonInEveryTable(
  db: Db,
  iom: Session,
  options: { areaCode?: string } = {},
): Promise<SeededPerson> {
  const prefix = `Kanary${uniqueTag()}${uniqueTag()}`
  const canaries: Canary[] = []
  const canary = (table: string, column: string) => {
    const value = `${prefix}${table.replace(/_/g, '')}${column.replace(/_/g, '')}`
    canaries.push({ table, column, value })
    return value
  }
  const users = await demoUserIds(db)
  const areas = await areaIdsByCode(db)

  const person = await db
    .insertInto('person')
    .values({
      surname: canary('person', 'surname'),
      forenames: canary('person', 'forenames'),
      date_of_birth: '1984-07-19',
      gender: 'female',
      pnc_id: canary('person', 'pnc_id'),
      cro_number: canary('person', 'cro_number'),
      address: canary('person', 'address'),
      hair: canary('person', 'hair'),
      distinguishing_marks: canary('person', 'distinguishing_marks'),
      area_id: areas[options.areaCode ?? 'HV']!,
      created_by: users.iom,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const personId = person.id
  // A custody photograph: the pack notes its record (not its bytes); a combination moves it.
  await db
    .insertInto('person_photo')
    .values({
      person_id: personId,
      image: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
      width: 1,
      height: 1,
      uploaded_by: users.iom,
    })
    .execute()

  // Through the forms, as an IOM officer would.
  await postForm(iom, `/people/${personId}/aliases`, {
    aliasSurname: canary('person_alias', 'surname'),
    aliasForenames: canary('person_alias', 'forenames'),
  }).expect(303)
  await postForm(iom, `/people/${personId}/markers`, {
    markerCode: 'violent',
    ...dateFields('startDate', addDays(today(), -40)),
    'reviewDate-day': '',
    'reviewDate-month': '',
    'reviewDate-year': '',
    markerNote: canary('person_marker', 'note'),
  }).expect(303)
  await postForm(iom, `/people/${personId}/contacts`, {
    ...dateFields('contactDate', today()),
    contactType: 'phone',
    pathway: 'health',
    note: canary('contact', 'note'),
    outcome: 'engaged',
  }).expect(303)
  await postForm(iom, `/people/${personId}/actions`, {
    description: canary('action', 'description'),
    ownerId: users.iom,
    ...dateFields('dueDate', addDays(today(), 3)),
    actionPathway: 'accommodation',
  }).expect(303)

  // Referrals and membership.
  const declined = await db
    .insertInto('referral')
    .values({
      person_id: personId,
      programme: 'iom_flex',
      source: 'probation',
      reason: canary('referral', 'reason'),
      referred_by: users.iom,
      status: 'declined',
      decided_by: users.supervisor,
      decided_at: new Date(),
      decline_reason: canary('referral', 'decline_reason'),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const accepted = await db
    .insertInto('referral')
    .values({
      person_id: personId,
      programme: 'iom_fixed',
      source: 'custody',
      reason: `${prefix} accepted referral`,
      referred_by: users.iom,
      status: 'accepted',
      decided_by: users.supervisor,
      decided_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const membership = await db
    .insertInto('cohort_membership')
    .values({
      person_id: personId,
      programme: 'iom_fixed',
      referral_id: accepted.id,
      status: 'active',
      tier: 'red',
      lead_officer_id: users.iom,
      selection_score: 31,
      selection_method: canary('cohort_membership', 'selection_method'),
      selection_date: addDays(today(), -60),
      adopted_on: addDays(today(), -60),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('membership_event')
    .values([
      {
        membership_id: membership.id,
        kind: 'adopted',
        event_date: addDays(today(), -60),
        tier: 'red',
        lead_officer_id: users.iom,
        note: canary('membership_event', 'note'),
        recorded_by: users.supervisor,
      },
      {
        membership_id: membership.id,
        kind: 'tier_changed',
        event_date: addDays(today(), -20),
        tier: 'red',
        note: `${prefix} tier reviewed at panel`,
        recorded_by: users.supervisor,
      },
    ])
    .execute()
  void declined

  // The DIP chain.
  const test = await db
    .insertInto('drug_test')
    .values({
      person_id: personId,
      custody_suite_code: 'ROMFORD',
      custody_number: canary('drug_test', 'custody_number'),
      condition: 'arrest',
      trigger_offence_code: null,
      authorised_by: canary('drug_test', 'authorised_by'),
      sample_taken_at: new Date(`${addDays(today(), -35)}T09:30:00Z`),
      opiates: 'positive',
      cocaine: 'positive',
      disputed: true,
      recorded_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('drug_test_confirmation')
    .values({
      drug_test_id: test.id,
      opiates: 'positive',
      cocaine: 'negative',
      confirmed_on: addDays(today(), -30),
      recorded_by: users.dip,
    })
    .execute()
  const assessment = await db
    .insertInto('required_assessment')
    .values({ person_id: personId, drug_test_id: test.id, imposed_by: users.dip })
    .returning('id')
    .executeTakeFirstOrThrow()
  const initial = await db
    .insertInto('appointment')
    .values({
      assessment_id: assessment.id,
      person_id: personId,
      kind: 'initial',
      form: 'RA1',
      scheduled_at: new Date(`${addDays(today(), -25)}T10:00:00Z`),
      place: canary('appointment', 'place'),
      assessor: canary('appointment', 'assessor'),
      created_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const followUp = await db
    .insertInto('appointment')
    .values({
      assessment_id: assessment.id,
      person_id: personId,
      kind: 'follow_up',
      form: 'RA4',
      scheduled_at: new Date(`${addDays(today(), 5)}T10:00:00Z`),
      place: `${prefix} follow-up place`,
      assessor: `${prefix} follow-up assessor`,
      created_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('appointment_change')
    .values({
      appointment_id: initial.id,
      previous_scheduled_at: new Date(`${addDays(today(), -27)}T10:00:00Z`),
      previous_place: canary('appointment_change', 'previous_place'),
      new_scheduled_at: new Date(`${addDays(today(), -25)}T10:00:00Z`),
      new_place: canary('appointment_change', 'new_place'),
      reason: canary('appointment_change', 'reason'),
      changed_by: users.dip,
    })
    .execute()
  await db
    .insertInto('attendance')
    .values({
      appointment_id: initial.id,
      outcome: 'did_not_attend',
      good_cause: false,
      good_cause_note: canary('attendance', 'good_cause_note'),
      recorded_by: users.dip,
    })
    .execute()
  void followUp
  const failure = await db
    .insertInto('dip_failure')
    .values({
      appointment_id: initial.id,
      person_id: personId,
      section: 's12',
      failure_date: addDays(today(), -25),
      time_bar_date: addMonths(addDays(today(), -25), 6),
      status: 'wanted',
      statement_produced_on: addDays(today(), -24),
      wanted_since: addDays(today(), -23),
      wanted_reference: canary('dip_failure', 'wanted_reference'),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('dip_failure_event')
    .values([
      {
        failure_id: failure.id,
        kind: 'created',
        event_date: addDays(today(), -25),
        note: canary('dip_failure_event', 'note'),
        recorded_by: users.dip,
      },
      {
        failure_id: failure.id,
        kind: 'circulated_wanted',
        event_date: addDays(today(), -23),
        reference: canary('dip_failure_event', 'reference'),
        recorded_by: users.iom,
      },
    ])
    .execute()

  // Partner links (one per agency) and a change to one of them.
  const marac = await db
    .insertInto('partner_link')
    .values({
      person_id: personId,
      agency: 'marac',
      reference: canary('partner_link', 'reference'),
      opened_on: addDays(today(), -50),
      contact: canary('partner_link', 'contact'),
      agreement_id: await agreementFor(db, 'marac', users.admin),
      marac_role: 'victim',
      dash_score: 16,
      meeting_date: addDays(today(), -40),
      idva_allocated: true,
      created_by: users.iom,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('partner_link')
    .values({
      person_id: personId,
      agency: 'yos',
      reference: `${prefix} YOS reference`,
      opened_on: addDays(today(), -50),
      contact: `${prefix} YOS contact`,
      agreement_id: await agreementFor(db, 'yos', users.admin),
      yos_disposal: 'referral_order',
      case_manager: canary('partner_link', 'case_manager'),
      created_by: users.iom,
    })
    .execute()
  await db
    .insertInto('partner_link')
    .values({
      person_id: personId,
      agency: 'mash',
      reference: `${prefix} MASH reference`,
      opened_on: addDays(today(), -50),
      agreement_id: await agreementFor(db, 'mash', users.admin),
      brag_rating: 'amber',
      mash_decision: 'early_help',
      decision_date: addDays(today(), -45),
      children_involved: 2,
      created_by: users.iom,
    })
    .execute()
  await db
    .insertInto('partner_link_change')
    .values({
      link_id: marac.id,
      changes: JSON.stringify({
        contact: { from: canary('partner_link_change', 'changes'), to: `${prefix} new contact` },
      }),
      changed_by: users.iom,
    })
    .execute()

  // On CID's list, with its history.
  const entry = await db
    .insertInto('cid_entry')
    .values({
      failure_id: failure.id,
      person_id: personId,
      source: 'manual',
      reason: canary('cid_entry', 'reason'),
      proposed_by: users.iom,
      status: 'countersigned',
      decided_by: users.supervisor,
      decided_at: new Date(),
      rationale: canary('cid_entry', 'rationale'),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('cid_entry_event')
    .values([
      {
        entry_id: entry.id,
        kind: 'proposed',
        event_date: today(),
        note: canary('cid_entry_event', 'note'),
        recorded_by: users.iom,
      },
      {
        entry_id: entry.id,
        kind: 'countersigned',
        event_date: today(),
        reference: canary('cid_entry_event', 'reference'),
        recorded_by: users.supervisor,
      },
    ])
    .execute()

  // An earlier review that kept the record, with its reason.
  await db
    .insertInto('retention_decision')
    .values({
      person_id: personId,
      decision: 'retain',
      reason: canary('retention_decision', 'reason'),
      next_review_on: addDays(today(), -1),
      decided_by: users.supervisor,
      decided_at: new Date(Date.now() - 400 * 86_400_000),
    })
    .execute()

  return { personId, prefix, canaries }
}

export type ColumnRef = { table: string; column: string; dataType: string }

/** Every column of every table in the public schema that can hold text: text, varchar, char, json, jsonb, arrays. */
export async function textColumns(db: Db): Promise<ColumnRef[]> {
  const result = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select c.table_name, c.column_name, c.data_type
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
     where c.table_schema = 'public'
       and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'uuid')
     order by c.table_name, c.column_name`.execute(db)
  return result.rows.map((r) => ({ table: r.table_name, column: r.column_name, dataType: r.data_type }))
}

/** Where `needle` occurs (case-insensitively, anywhere in the value), as 'table.column (n rows)'. */
export async function whereFound(db: Db, needle: string, columns: readonly ColumnRef[]): Promise<string[]> {
  const found: string[] = []
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  for (const { table, column } of columns) {
    const result = await sql<{
      n: number
    }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)}::text ilike ${pattern}`.execute(db)
    const n = Number(result.rows[0]?.n ?? 0)
    if (n > 0) found.push(`${table}.${column} (${n} rows)`)
  }
  return found
}
