import { z } from 'zod'
import { passwordField } from '../users/usersSchemas.ts'

export const changePasswordSchema = z
  .object({
    currentPassword: passwordField('Enter your current password'),
    newPassword: passwordField('Enter a new password'),
    confirmPassword: passwordField('Enter your new password again'),
  })
  .superRefine((value, ctx) => {
    if (value.newPassword !== value.confirmPassword) {
      ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'The new passwords do not match' })
    }
    if (value.newPassword === value.currentPassword) {
      ctx.addIssue({
        code: 'custom',
        path: ['newPassword'],
        message: 'New password must be different from your current password',
      })
    }
  })
