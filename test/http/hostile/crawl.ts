import type { RouteDefinition } from '../../../server/http/routeDefinition.ts'
import type { Agent } from '../../helpers/signIn.ts'
import { formsOf, linksOf, type PageForm } from './htmlTags.ts'

// Finding, for one signed-in user, a real URL for each GET route (by following the links of
// the pages, from the home page on) and the forms that the pages hold.

export type RoutePattern = { route: RouteDefinition; key: string; regex: RegExp; params: string[] }

export function patternsOf(routes: readonly RouteDefinition[]): RoutePattern[] {
  return routes.map((route) => {
    const params: string[] = []
    const source = route.path
      .split('/')
      .map((segment) =>
        segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
          params.push(name)
          return '([^/]+?)'
        }),
      )
      .join('/')
    return { route, key: `${route.method.toUpperCase()} ${route.path}`, regex: new RegExp(`^${source}$`), params }
  })
}

/** The first registered route a method and path reach, as Express would pick it. */
export function routeFor(
  patterns: readonly RoutePattern[],
  method: 'get' | 'post',
  path: string,
): RoutePattern | undefined {
  return patterns.find((p) => p.route.method === method && p.regex.test(path))
}

export type Found = {
  /** Real URLs (path and query) seen for each GET route. */
  urls: Map<string, string[]>
  /** Query keys seen on links to, or GET forms aimed at, each GET route. */
  queryKeys: Map<string, Set<string>>
  /** POST forms, by route, with the URL of the page that held them. */
  forms: Map<string, { form: PageForm; page: string }[]>
}

export function emptyFound(): Found {
  return { urls: new Map(), queryKeys: new Map(), forms: new Map() }
}

const push = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value])

/** What one page says about the routes: its links, its redirect, its forms. */
export function learnFrom(
  found: Found,
  patterns: readonly RoutePattern[],
  pageUrl: string,
  html: string,
  location?: string,
): string[] {
  const next: string[] = []
  const hrefs = [...linksOf(html), ...(location ? [location] : [])]
  for (const href of hrefs) {
    const url = new URL(href, `http://app.test${pageUrl}`)
    if (url.host !== 'app.test') continue
    const pattern = routeFor(patterns, 'get', url.pathname)
    if (!pattern) continue
    for (const key of url.searchParams.keys())
      found.queryKeys.set(pattern.key, (found.queryKeys.get(pattern.key) ?? new Set()).add(key))
    const path = url.pathname + url.search
    if (!(found.urls.get(pattern.key) ?? []).includes(path)) {
      push(found.urls, pattern.key, path)
      next.push(path)
    }
  }
  for (const form of formsOf(html)) {
    const action = new URL(form.action || pageUrl, `http://app.test${pageUrl}`).pathname
    const pattern = routeFor(patterns, form.method, action)
    if (!pattern) continue
    if (form.method === 'get') {
      const keys = found.queryKeys.get(pattern.key) ?? new Set()
      for (const field of form.fields) keys.add(field.name)
      found.queryKeys.set(pattern.key, keys)
      if (!found.urls.has(pattern.key)) push(found.urls, pattern.key, action)
    } else {
      push(found.forms, pattern.key, { form: { ...form, action }, page: pageUrl })
    }
  }
  return next
}

/**
 * Follows links breadth first, visiting at most `perRoute` URLs of each GET route the user may
 * call (more than one, since a form can depend on the record: an active marker has an "end" form).
 * The `start` URLs are always visited.
 */
export async function spider(
  agent: Agent,
  patterns: readonly RoutePattern[],
  may: (route: RouteDefinition) => boolean,
  start: string[],
  found: Found,
  perRoute = 2,
): Promise<number> {
  const queue = [...start]
  const chosen = new Set(start)
  const visits = new Map<string, number>()
  const seen = new Set<string>()
  let requests = 0
  while (queue.length) {
    const url = queue.shift()!
    if (seen.has(url)) continue
    seen.add(url)
    const pattern = routeFor(patterns, 'get', url.split('?')[0]!)
    if (!pattern || !may(pattern.route) || /\.(csv|json)$/.test(url.split('?')[0]!)) continue
    const count = visits.get(pattern.key) ?? 0
    if (count >= perRoute && !chosen.has(url)) continue
    visits.set(pattern.key, count + 1)
    const response = await agent.get(url)
    requests++
    if (!found.urls.has(pattern.key)) push(found.urls, pattern.key, url)
    const html = String(response.headers['content-type'] ?? '').startsWith('text/html') ? response.text : ''
    queue.push(...learnFrom(found, patterns, url, html, response.headers.location))
  }
  return requests
}
