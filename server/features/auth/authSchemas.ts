import { z } from 'zod'
import { text } from '../../http/forms.ts'

export const signInSchema = z.object({
  username: text('your username', 100),
  password: z
    .string({ error: 'Enter your password' })
    .min(1, 'Enter your password')
    .max(256, 'Password must be 256 characters or fewer'),
})

/** Only a local path may be a return address, never another site. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string') return '/'
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(value) && value.length < 500 ? value : '/'
}
