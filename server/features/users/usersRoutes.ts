import type { Request, RequestHandler, Response } from 'express'
import type { z } from 'zod'
import type { WriteResult } from '../../domain/writeResult.ts'
import { formPost, type FormSchema, type FormValues } from '../../http/formPost.ts'
import { keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { idParam } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import {
  accountFormValues,
  accountStatus,
  agencyOptions,
  areaOptions,
  presentAccountNow,
  presentUsersPage,
  roleOptions,
  statusOptions,
} from './usersPresenter.ts'
import {
  createUserSchema,
  editUserSchema,
  resetPasswordSchema,
  usersFilterSchema,
  versionOnlySchema,
} from './usersSchemas.ts'
import type { UserRecord, UsersService } from './usersService.ts'

const pageSize = 50
const userIdFrom = (req: Request) => idParam(req, 'userId', 'User')
const pageNumber = (value: unknown) =>
  Math.max(1, Math.min(10_000, Number.parseInt(typeof value === 'string' ? value : '1', 10) || 1))
const status = (errors?: FormErrors) => (errors ? 400 : 200)

type AccountAct<S extends FormSchema> = (
  req: Request,
  userId: string,
  data: z.output<S>,
) => Promise<WriteResult<string, UserRecord>>

export function usersRoutes({ usersService }: { usersService: UsersService }): RouteDefinition[] {
  const formOptions = async () => ({ roleOptions, agencyOptions, areaOptions: areaOptions(await usersService.areas()) })

  async function listPage(req: Request, res: Response) {
    const viewer = signedInUser(req)
    const page = pageNumber(req.query.page)
    const filter = usersFilterSchema.safeParse(req.query)
    const values = keepValues(req.query, ['status'])
    if (!filter.success) {
      const errors = toFormErrors(filter.error)
      return renderPage(res, 'users/list', { title: 'Users', users: [], values, statusOptions, errors }, 400)
    }
    const { status } = filter.data
    const [rows, total] = await Promise.all([
      usersService.list(viewer, { limit: pageSize, offset: (page - 1) * pageSize }, status),
      usersService.count(viewer, status),
    ])
    await renderPage(res, 'users/list', {
      title: 'Users',
      ...presentUsersPage(rows, page, total, pageSize),
      total,
      values,
      statusOptions,
      query: status ? `status=${status}` : '',
    })
  }

  /** The new account form; the password typed is never put back in it. */
  async function newPage(
    _req: Request,
    res: Response,
    { password: _password, ...values }: FormValues,
    errors?: FormErrors,
  ) {
    await renderPage(
      res,
      'users/new',
      { title: 'Add a user', values, errors, ...(await formOptions()) },
      status(errors),
    )
  }

  /** The account's page: its details form (with what was typed, when refused) and its other forms. */
  async function editPage(req: Request, res: Response, typed: FormValues = {}, errors?: FormErrors) {
    const user = await usersService.find(userIdFrom(req))
    if (!user) throw notFound('User')
    const view = {
      title: `Manage ${user.username}`,
      account: user,
      status: accountStatus(user),
      ...(await formOptions()),
      errors,
    }
    await renderPage(res, 'users/edit', { ...view, values: { ...accountFormValues(user), ...typed } }, status(errors))
  }

  /**
   * An account change. A change from a stale version shows the account as another administrator
   * left it (users/conflict). What was typed goes back in the form only for the details form
   * (`keepTyped`): the others' fields are a password or a version, not the account's.
   */
  function accountChange<S extends FormSchema>(
    schema: S,
    act: AccountAct<S>,
    message: string,
    keepTyped = false,
  ): RequestHandler {
    return formPost({
      schema,
      page: (req, res, values, errors) => editPage(req, res, keepTyped ? values : {}, errors),
      act: (req, data) => act(req, userIdFrom(req), data),
      done: (req) => ({ message, redirect: `/admin/users/${userIdFrom(req)}` }),
      what: 'User',
      conflict: (req, res, current) =>
        renderPage(
          res,
          'users/conflict',
          { title: 'Someone else changed this account', ...presentAccountNow(current), userId: userIdFrom(req) },
          409,
        ),
    })
  }

  const route = (method: 'get' | 'post', path: string, handler: RequestHandler): RouteDefinition => ({
    method,
    path,
    access: 'users.manage',
    audit: method === 'get' ? 'none' : 'administration',
    handler,
  })

  const accessChanges = [
    ['disable', 'Account disabled. The user has been signed out everywhere.'],
    ['enable', 'Account enabled'],
    ['unlock', 'Account unlocked'],
  ] as const

  return [
    route('get', '/admin/users', listPage),
    route('get', '/admin/users/new', (req, res) => newPage(req, res, { areaIds: [] })),
    route(
      'post',
      '/admin/users',
      formPost({
        schema: createUserSchema,
        page: newPage,
        act: (req, data) => usersService.create(data, actorFrom(req)),
        done: (_req, id, data) => ({ message: `User ${data.username} created`, redirect: `/admin/users/${id}` }),
      }),
    ),
    route('get', '/admin/users/:userId', (req, res) => editPage(req, res)),
    route(
      'post',
      '/admin/users/:userId',
      accountChange(
        editUserSchema,
        (req, userId, data) => usersService.edit(userId, data, actorFrom(req)),
        'Account details saved',
        true,
      ),
    ),
    route(
      'post',
      '/admin/users/:userId/password',
      accountChange(
        resetPasswordSchema,
        (req, userId, data) => usersService.resetPassword(userId, data.password, data.version, actorFrom(req)),
        'Password reset. The user has been signed out everywhere, and must choose their own password when they next sign in.',
      ),
    ),
    ...accessChanges.map(([action, message]) =>
      route(
        'post',
        `/admin/users/:userId/${action}`,
        accountChange(
          versionOnlySchema,
          (req, userId, data) => usersService[action](userId, data.version, actorFrom(req)),
          message,
        ),
      ),
    ),
  ]
}
