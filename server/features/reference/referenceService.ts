import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { done, invalidResult, notFoundResult, type WriteResult } from '../../domain/writeResult.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'

/** The code lists administrators keep (server/domain/REFERENCE.md, "National and local lists"): one shape, one page each. */
export const referenceLists = {
  'marker-types': { table: 'marker_type', label: 'label', title: 'Warning markers' },
  'deselection-reasons': { table: 'deselection_reason', label: 'label', title: 'De-selection reasons' },
  'contact-types': { table: 'contact_type', label: 'label', title: 'Contact types' },
  'referral-sources': { table: 'referral_source', label: 'label', title: 'Referral sources' },
  offences: { table: 'offence', label: 'label', title: 'Trigger offences' },
  'custody-suites': { table: 'custody_suite', label: 'name', title: 'Custody suites' },
} as const
export type ReferenceListName = keyof typeof referenceLists

export type ReferenceService = ReturnType<typeof createReferenceService>

/** Rows are retired (inactive), never deleted: old records keep pointing at them. */
export function createReferenceService(db: Kysely<Database>) {
  async function entries(list: ReferenceListName) {
    const { table, label } = referenceLists[list]
    const result = await sql<{ code: string; label: string; active: boolean }>`
      select code, ${sql.ref(label)} as label, active from ${sql.table(table)} order by active desc, ${sql.ref(label)}`.execute(
      db,
    )
    return result.rows
  }

  /**
   * A new entry, its code as the administrator typed it. A code already in the list in any case is
   * refused (the list's unique index on lower(code)): ROMFORD and Romford would be one suite.
   */
  async function add(list: ReferenceListName, code: string, labelText: string, actor: Actor): Promise<WriteResult> {
    const { table, label } = referenceLists[list]
    return db.transaction().execute(async (trx) => {
      const inserted =
        await sql`insert into ${sql.table(table)} (code, ${sql.ref(label)}) values (${code}, ${labelText}) on conflict do nothing returning code`.execute(
          trx,
        )
      if (inserted.rows.length === 0) return invalidResult('code', 'That code is already in the list')
      await recordAudit(trx, actor, {
        category: 'administration',
        event: 'reference.added',
        entityType: table,
        entityId: code,
        detail: { label: labelText },
      })
      return done(code)
    })
  }

  async function update(
    list: ReferenceListName,
    code: string,
    labelText: string,
    active: boolean,
    actor: Actor,
  ): Promise<WriteResult> {
    const { table, label } = referenceLists[list]
    return db.transaction().execute(async (trx) => {
      const updated =
        await sql`update ${sql.table(table)} set ${sql.ref(label)} = ${labelText}, active = ${active} where code = ${code} returning code`.execute(
          trx,
        )
      if (updated.rows.length === 0) return notFoundResult
      await recordAudit(trx, actor, {
        category: 'administration',
        event: 'reference.updated',
        entityType: table,
        entityId: code,
        detail: { label: labelText, active },
      })
      return done(code)
    })
  }

  const wards = () =>
    db
      .selectFrom('ward as w')
      .innerJoin('area as a', 'a.id', 'w.borough_id')
      .select(['w.id', 'w.name', 'w.valid_from', 'w.valid_to', 'a.name as borough'])
      .orderBy('a.name')
      .orderBy(sql`w.valid_to is not null`)
      .orderBy('w.name')
      .execute()

  async function addWard(boroughId: string, name: string, validFrom: string, actor: Actor): Promise<WriteResult> {
    return db.transaction().execute(async (trx) => {
      const borough = await trx
        .selectFrom('area')
        .select('id')
        .where('id', '=', boroughId)
        .where('kind', '=', 'borough')
        .executeTakeFirst()
      if (!borough) return invalidResult('boroughId', 'Select a borough')
      const row = await trx
        .insertInto('ward')
        .values({ borough_id: boroughId, name, valid_from: validFrom })
        .onConflict((oc) => oc.columns(['borough_id', 'name', 'valid_from']).doNothing())
        .returning('id')
        .executeTakeFirst()
      if (!row) return invalidResult('name', 'That ward already exists from that date')
      await recordAudit(trx, actor, {
        category: 'administration',
        event: 'ward.added',
        entityType: 'ward',
        entityId: row.id,
        detail: { name, validFrom },
      })
      return done(row.id)
    })
  }

  async function endWard(id: string, validTo: string, actor: Actor): Promise<WriteResult> {
    return db.transaction().execute(async (trx) => {
      const ward = await trx.selectFrom('ward').select(['id', 'valid_from']).where('id', '=', id).executeTakeFirst()
      if (!ward) return notFoundResult
      if (validTo < ward.valid_from)
        return invalidResult('validTo', 'The end date must be on or after the date the ward starts')
      await trx.updateTable('ward').set({ valid_to: validTo }).where('id', '=', id).execute()
      await recordAudit(trx, actor, {
        category: 'administration',
        event: 'ward.ended',
        entityType: 'ward',
        entityId: id,
        detail: { validTo },
      })
      return done(id)
    })
  }

  const boroughs = () =>
    db.selectFrom('area').select(['id', 'name']).where('kind', '=', 'borough').orderBy('name').execute()

  return { entries, add, update, wards, addWard, endWard, boroughs }
}
