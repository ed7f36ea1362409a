import { z } from 'zod'
import { agencies, roles } from '../../auth/roles.ts'
import { anyOr, checkboxes, choice, noneOr, text, uuid, version } from '../../http/forms.ts'
import { characterCount, passwordRules } from '../../auth/passwords.ts'

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001F\u007F]/

/**
 * A password as typed: never trimmed (spaces are characters of a passphrase), counted in
 * characters, and free of NUL and other control characters. Its strength is the service's to judge.
 */
export function passwordField(missing: string) {
  return z
    .string({ error: missing })
    .min(1, missing)
    .refine(
      (value) => characterCount(value) <= passwordRules.maxLength,
      `Password must be ${passwordRules.maxLength} characters or fewer`,
    )
    .refine((value) => !controlCharacters.test(value), 'Password must not contain control characters')
}

const password = passwordField('Enter a password')

const accountFields = {
  displayName: text('a full name', 100),
  role: choice(roles, 'Select a role'),
  agency: noneOr(choice(agencies, 'Select an agency'), 'Select an agency'),
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

export type CreateUserInput = z.infer<typeof createUserSchema>
export type EditUserInput = z.infer<typeof editUserSchema>

/** The users list's ?status=: active, locked or disabled accounts (the home page's counts), or all. */
export const usersFilterSchema = z.object({
  status: anyOr(z.enum(['active', 'locked', 'disabled'], { error: 'Select a status from the list' })),
})
