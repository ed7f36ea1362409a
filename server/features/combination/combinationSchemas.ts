import { z } from 'zod'
import { text, uuid, version } from '../../http/forms.ts'
import { normaliseCroNumber, normalisePncId } from '../people/identifiers.ts'

export type DuplicateLookup = { field: 'id' | 'pnc_id' | 'cro_number'; value: string }

const uuidInside = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i

/**
 * How the user names the duplicate: its PNC ID or CRO number (check letters and all), or its
 * Cohort reference (the id in its address; a pasted address of the record will do).
 */
export const findDuplicateSchema = z.object({
  duplicate: text('the PNC ID, CRO number or Cohort reference of the duplicate record', 200).transform(
    (value, ctx): DuplicateLookup => {
      if (value === '') {
        ctx.addIssue({
          code: 'custom',
          message: 'Enter the PNC ID, CRO number or Cohort reference of the duplicate record',
        })
        return z.NEVER
      }
      const id = uuidInside.exec(value)?.[1]
      if (id && uuid.safeParse(id.toLowerCase()).success) return { field: 'id', value: id.toLowerCase() }
      const pnc = normalisePncId(value)
      if (pnc.ok) return { field: 'pnc_id', value: pnc.value }
      const cro = normaliseCroNumber(value)
      if (cro.ok) return { field: 'cro_number', value: cro.value }
      ctx.addIssue({
        code: 'custom',
        message: 'Enter a PNC ID (like 2012/0123456X), a CRO number (like 123456/12X) or a Cohort reference',
      })
      return z.NEVER
    },
  ),
})

/** The hidden fields of the check page: a form without them was not sent from it. */
export const combineKeysSchema = z.object({ mergedId: uuid, survivorVersion: version, mergedVersion: version })

export const combineSchema = z.object({
  reason: text('why these records are the same person', 1000),
  confirmSamePerson: z.literal('yes', { error: 'Confirm that both records are about the same person' }),
})

export const reverseKeysSchema = z.object({ combinationId: uuid, version })

export const reverseSchema = z.object({ reverseReason: text('why the combination is being reversed', 1000) })
