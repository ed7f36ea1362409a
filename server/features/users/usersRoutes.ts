import type { Request, Response } from 'express'
import type { z } from 'zod'
import { keepValues, singleError, toFormErrors, uuid } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import {
  agencyOptions,
  areaOptions,
  accountStatus,
  presentUserRow,
  roleOptions,
} from './usersPresenter.ts'
import {
  createUserFields,
  createUserSchema,
  editUserFields,
  editUserSchema,
  resetPasswordSchema,
  versionOnlySchema,
} from './usersSchemas.ts'
import type { UserChangeResult, UsersService } from './usersService.ts'

const pageSize = 50

function userIdFrom(req: Request): string {
  const parsed = uuid.safeParse(req.params.userId)
  if (!parsed.success) throw notFound('User')
  return parsed.data
}

export function usersRoutes(deps: { usersService: UsersService }): RouteDefinition[] {
  const { usersService } = deps

  async function formOptions() {
    return { roleOptions, agencyOptions, areaOptions: areaOptions(await usersService.areas()) }
  }

  async function renderEdit(res: Response, userId: string, extra: Record<string, unknown> = {}, status = 200) {
    const user = await usersService.find(userId)
    if (!user) throw notFound('User')
    const values = {
      displayName: user.display_name,
      role: user.role,
      agency: user.agency ?? '',
      areaIds: user.area_ids,
      version: String(user.version),
      ...((extra.values as object | undefined) ?? {}),
    }
    await renderPage(
      res,
      'users/edit',
      { title: `Manage ${user.username}`, account: user, status: accountStatus(user), ...(await formOptions()), ...extra, values },
      status,
    )
  }

  /** The common ending of every account change: redirect on success, 400 / 409 / 404 otherwise. */
  async function finish(req: Request, res: Response, userId: string, result: UserChangeResult, success: string, values: object) {
    if (result.ok) {
      req.session.flash = { kind: 'success', text: success }
      return res.redirect(303, `/admin/users/${userId}`)
    }
    if (result.kind === 'notFound') throw notFound('User')
    if (result.kind === 'invalid') {
      return renderEdit(res, userId, { errors: singleError(result.field, result.message), values }, 400)
    }
    await renderPage(res, 'users/conflict', { title: 'Someone else changed this account', current: presentUserRow({ ...result.current, area_names: [] }), currentVersion: result.current.version, userId }, 409)
  }

  function parseOr400<T extends z.ZodType>(schema: T, req: Request) {
    return schema.safeParse(req.body)
  }

  return [
    {
      method: 'get',
      path: '/admin/users',
      access: 'users.manage',
      audit: 'none',
      handler: async (req, res) => {
        const page = Math.max(1, Math.min(10_000, Number.parseInt(String(req.query.page ?? '1'), 10) || 1))
        const [rows, total] = await Promise.all([
          usersService.list(signedInUser(req), { limit: pageSize, offset: (page - 1) * pageSize }),
          usersService.count(signedInUser(req)),
        ])
        await renderPage(res, 'users/list', {
          title: 'Users',
          users: rows.map(presentUserRow),
          page,
          pages: Math.max(1, Math.ceil(total / pageSize)),
        })
      },
    },
    {
      method: 'get',
      path: '/admin/users/new',
      access: 'users.manage',
      audit: 'none',
      handler: async (_req, res) => {
        await renderPage(res, 'users/new', { title: 'Add a user', values: { areaIds: [] }, ...(await formOptions()) })
      },
    },
    {
      method: 'post',
      path: '/admin/users',
      access: 'users.manage',
      audit: 'administration',
      handler: async (req, res) => {
        const values = keepValues(req.body, createUserFields.filter((f) => f !== 'password'))
        const parsed = parseOr400(createUserSchema, req)
        const render400 = async (errors: ReturnType<typeof toFormErrors>) =>
          renderPage(res, 'users/new', { title: 'Add a user', values, errors, ...(await formOptions()) }, 400)
        if (!parsed.success) return render400(toFormErrors(parsed.error, createUserFields))
        const result = await usersService.create(parsed.data, actorFrom(req))
        if (!result.ok) {
          return render400(result.kind === 'invalid' ? singleError(result.field, result.message) : singleError('username', 'Could not create the user'))
        }
        req.session.flash = { kind: 'success', text: `User ${parsed.data.username} created` }
        res.redirect(303, `/admin/users/${result.id}`)
      },
    },
    {
      method: 'get',
      path: '/admin/users/:userId',
      access: 'users.manage',
      audit: 'none',
      handler: async (req, res) => {
        await renderEdit(res, userIdFrom(req))
      },
    },
    {
      method: 'post',
      path: '/admin/users/:userId',
      access: 'users.manage',
      audit: 'administration',
      handler: async (req, res) => {
        const userId = userIdFrom(req)
        const values = keepValues(req.body, editUserFields)
        const parsed = parseOr400(editUserSchema, req)
        if (!parsed.success) {
          return renderEdit(res, userId, { errors: toFormErrors(parsed.error, editUserFields), values }, 400)
        }
        const result = await usersService.edit(userId, parsed.data, actorFrom(req))
        await finish(req, res, userId, result, 'Account details saved', values)
      },
    },
    {
      method: 'post',
      path: '/admin/users/:userId/password',
      access: 'users.manage',
      audit: 'administration',
      handler: async (req, res) => {
        const userId = userIdFrom(req)
        const parsed = parseOr400(resetPasswordSchema, req)
        if (!parsed.success) return renderEdit(res, userId, { errors: toFormErrors(parsed.error, ['password']) }, 400)
        const result = await usersService.resetPassword(userId, parsed.data.password, parsed.data.version, actorFrom(req))
        await finish(req, res, userId, result, 'Password reset. The user has been signed out everywhere, and must choose their own password when they next sign in.', {})
      },
    },
    ...(
      [
        ['disable', 'Account disabled. The user has been signed out everywhere.'],
        ['enable', 'Account enabled'],
        ['unlock', 'Account unlocked'],
      ] as const
    ).map(
      ([action, success]): RouteDefinition => ({
        method: 'post',
        path: `/admin/users/:userId/${action}`,
        access: 'users.manage',
        audit: 'administration',
        handler: async (req, res) => {
          const userId = userIdFrom(req)
          const parsed = parseOr400(versionOnlySchema, req)
          if (!parsed.success) return renderEdit(res, userId, { errors: toFormErrors(parsed.error) }, 400)
          if (action === 'disable' && userId === req.user?.id) {
            return renderEdit(res, userId, { errors: singleError('disable', 'You cannot disable your own account') }, 400)
          }
          const result = await usersService[action](userId, parsed.data.version, actorFrom(req))
          await finish(req, res, userId, result, success, {})
        },
      }),
    ),
  ]
}
