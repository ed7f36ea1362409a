import { z } from 'zod'
import { agencies, roles } from '../../auth/roles.ts'
import { checkboxes, choice, text, uuid, version } from '../../http/forms.ts'
import { passwordRules } from '../../auth/passwords.ts'

const password = z
  .string({ error: 'Enter a password' })
  .min(1, 'Enter a password')
  .max(passwordRules.maxLength, `Password must be ${passwordRules.maxLength} characters or fewer`)

const accountFields = {
  displayName: text('a full name', 100),
  role: choice(roles, 'Select a role'),
  agency: z
    .union([z.literal(''), choice(agencies, 'Select an agency')], { error: 'Select an agency' })
    .optional()
    .transform((value) => value || null),
  areaIds: checkboxes(uuid).refine((ids) => ids.length > 0, 'Select at least one area'),
}

function partnerNeedsAgency<T extends { role: string; agency: string | null }>(value: T, ctx: z.RefinementCtx) {
  if (value.role === 'partner' && !value.agency) {
    ctx.addIssue({ code: 'custom', path: ['agency'], message: 'Select the agency of a partner user' })
  }
  if (value.role !== 'partner' && value.agency) {
    ctx.addIssue({ code: 'custom', path: ['agency'], message: 'Only partner users have an agency: leave it blank' })
  }
}

export const createUserSchema = z
  .object({
    username: text('a username', 64).refine(
      (value) => /^[A-Za-z0-9._-]*$/.test(value),
      'Username must contain only letters, numbers, full stops, hyphens and underscores',
    ),
    ...accountFields,
    password,
  })
  .superRefine(partnerNeedsAgency)

export const editUserSchema = z.object({ ...accountFields, version }).superRefine(partnerNeedsAgency)

export const resetPasswordSchema = z.object({ password, version })

export const versionOnlySchema = z.object({ version })

export const createUserFields = ['username', 'displayName', 'role', 'agency', 'areaIds', 'password'] as const
export const editUserFields = ['displayName', 'role', 'agency', 'areaIds', 'version'] as const

export type CreateUserInput = z.infer<typeof createUserSchema>
export type EditUserInput = z.infer<typeof editUserSchema>
