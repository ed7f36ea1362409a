import { z } from 'zod'
import { uuid } from '../../../http/forms.ts'

/** The preview page's import button: the kept file, and the counts the user saw, which the commit must find again. */
export const commitSchema = z.object({
  importId: uuid,
  expectedTests: z.coerce.number().int().min(1).max(1_000_000),
  expectedPeople: z.coerce.number().int().min(0).max(1_000_000),
})
