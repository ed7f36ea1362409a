import { textOf } from '../../../server/presenters/format.ts'
import { startTags, type StartTag } from './htmlTags.ts'
import { evaluatedMarker } from './payloads.ts'

export type Answer = { status: number; headers: Record<string, unknown>; text?: string }

const header = (answer: Answer, name: string) => textOf(answer.headers[name])

const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background'])

/** The nonce the response's Content-Security-Policy allows scripts by. */
export function cspNonceOf(answer: Answer): string | undefined {
  const policy = header(answer, 'content-security-policy')
  return /'nonce-([^']+)'/.exec(policy)?.[1]
}

/** The one image the views write: a person's custody photograph, from its own route (the person's, or the CID briefing's), with no other attributes. */
function isCustodyPhoto(tag: StartTag): boolean {
  const allowed = new Set(['src', 'alt', 'width', 'height'])
  const src = tag.attributes.find((a) => a.name === 'src')?.value ?? ''
  return /^\/(people|cid)\/[0-9a-f-]{36}\/photo$/.test(src) && tag.attributes.every((a) => allowed.has(a.name))
}

/**
 * What is wrong with one answer: a 5xx, or markup that the page's own views could not have
 * made. The views never write an event-handler attribute, a javascript: URL or a script
 * without the nonce, so any of these is a payload that became markup.
 */
export function problemsWith(answer: Answer, secrets: readonly string[]): string[] {
  const problems: string[] = []
  if (answer.status >= 500) problems.push(`answered ${answer.status}`)
  const type = header(answer, 'content-type')
  if (!type.startsWith('text/html')) return problems
  const html = answer.text ?? ''
  const nonce = cspNonceOf(answer)
  if (!nonce) problems.push('no nonce in the Content-Security-Policy')
  for (const tag of startTags(html)) {
    if (tag.name === 'script') {
      const scriptNonce = tag.attributes.find((a) => a.name === 'nonce')?.value
      if (!nonce || scriptNonce !== nonce)
        problems.push(`a script without the response's nonce: ${tag.raw.slice(0, 80)}`)
    }
    for (const attribute of tag.attributes) {
      if (attribute.name.startsWith('on')) problems.push(`an event-handler attribute: ${tag.raw.slice(0, 80)}`)
      // Browsers ignore tabs, newlines and leading spaces or controls in a URL's scheme.
      // eslint-disable-next-line no-control-regex
      const url = attribute.value.replace(/[\u0000-\u0020]/g, '').toLowerCase()
      if (urlAttributes.has(attribute.name) && /^(javascript|vbscript|data:text\/html)/.test(url)) {
        problems.push(`a script URL in ${attribute.name}: ${tag.raw.slice(0, 80)}`)
      }
    }
    if (['iframe', 'object', 'embed', 'base'].includes(tag.name) || (tag.name === 'img' && !isCustodyPhoto(tag)))
      problems.push(`an unexpected <${tag.name}>: ${tag.raw.slice(0, 80)}`)
  }
  if (new RegExp(`\\b${evaluatedMarker}\\b`).test(html)) problems.push('a template payload was evaluated')
  if (html.includes('[object Object]')) problems.push('an object was printed ([object Object]): process.env?')
  for (const secret of secrets)
    if (secret && html.includes(secret)) problems.push('a secret from the environment was printed')
  return problems
}
