// A small HTML tokenizer, enough to see a page the way a browser's parser would split it into
// elements: comments skipped, <script>/<style> read as raw text, <textarea>/<title> as text that
// cannot hold tags. It is deliberately strict-minded: anything a browser would read as a start
// tag is reported, so a payload that escaped its escaping shows up as an element or attribute.

export type Attribute = { name: string; value: string }
export type StartTag = { name: string; attributes: Attribute[]; raw: string; offset: number }

const rawText = new Set(['script', 'style'])
const escapableRawText = new Set(['textarea', 'title'])

export function startTags(html: string): StartTag[] {
  const tags: StartTag[] = []
  let i = 0
  while (i < html.length) {
    const lt = html.indexOf('<', i)
    if (lt === -1) break
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4)
      i = end === -1 ? html.length : end + 3
      continue
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?' || html[lt + 1] === '/') {
      const end = html.indexOf('>', lt + 1)
      i = end === -1 ? html.length : end + 1
      continue
    }
    if (!/[A-Za-z]/.test(html[lt + 1] ?? '')) {
      i = lt + 1
      continue
    }
    const parsed = readStartTag(html, lt)
    tags.push(parsed.tag)
    i = parsed.end
    if (rawText.has(parsed.tag.name) || escapableRawText.has(parsed.tag.name)) {
      const close = new RegExp(`</${parsed.tag.name}[\\s/>]`, 'i').exec(html.slice(i))
      i = close ? i + close.index : html.length
    }
  }
  return tags
}

function readStartTag(html: string, start: number): { tag: StartTag; end: number } {
  let i = start + 1
  let name = ''
  while (i < html.length && !/[\s/>]/.test(html[i]!)) name += html[i++]
  const attributes: Attribute[] = []
  for (;;) {
    while (i < html.length && /[\s/]/.test(html[i]!)) i++
    if (i >= html.length || html[i] === '>') break
    let attrName = html[i++]!
    while (i < html.length && !/[\s/>=]/.test(html[i]!)) attrName += html[i++]
    while (i < html.length && /\s/.test(html[i]!)) i++
    let value = ''
    if (html[i] === '=') {
      i++
      while (i < html.length && /\s/.test(html[i]!)) i++
      const quote = html[i]
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1)
        const end = close === -1 ? html.length : close
        value = html.slice(i + 1, end)
        i = end + 1
      } else {
        while (i < html.length && !/[\s>]/.test(html[i]!)) value += html[i++]
      }
    }
    attributes.push({ name: attrName.toLowerCase(), value: decodeAttribute(value) })
  }
  const end = Math.min(html.length, i + 1)
  return { tag: { name: name.toLowerCase(), attributes, raw: html.slice(start, end), offset: start }, end }
}

const named: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  colon: ':',
  tab: '\t',
  newline: '\n',
  sol: '/',
}

/** Character references undone, as a browser does before it reads a URL out of an attribute. */
export function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return named[ref.toLowerCase()] ?? whole
  })
}

export type FormField = {
  name: string
  kind: 'text' | 'textarea' | 'select' | 'radio' | 'checkbox' | 'hidden' | 'file' | 'password'
  value: string
  options: string[]
}
export type PageForm = { method: 'get' | 'post'; action: string; multipart: boolean; fields: FormField[] }

/** The forms of a page with the fields a browser would send, and their current values. */
export function formsOf(html: string): PageForm[] {
  const forms: PageForm[] = []
  const formPattern = /<form\b([^>]*)>([\s\S]*?)<\/form>/gi
  for (const match of html.matchAll(formPattern)) {
    const open = startTags(`<form${match[1]}>`)[0]!
    const attr = (n: string) => open.attributes.find((a) => a.name === n)?.value
    const body = match[2] ?? ''
    const fields = new Map<string, FormField>()
    const tags = startTags(body)
    for (const [index, tag] of tags.entries()) {
      const name = tag.attributes.find((a) => a.name === 'name')?.value
      if (!name) continue
      const get = (n: string) => tag.attributes.find((a) => a.name === n)
      if (tag.name === 'input') {
        const type = (get('type')?.value ?? 'text').toLowerCase()
        if (type === 'submit' || type === 'button') continue
        const kind: FormField['kind'] =
          type === 'radio' || type === 'checkbox' || type === 'hidden' || type === 'file' || type === 'password'
            ? type
            : 'text'
        const existing = fields.get(name)
        const value = get('value')?.value ?? ''
        if (existing && (kind === 'radio' || kind === 'checkbox')) {
          existing.options.push(value)
          if (get('checked')) existing.value = value
          continue
        }
        fields.set(name, {
          name,
          kind,
          value: kind === 'radio' || kind === 'checkbox' ? (get('checked') ? value : '') : value,
          options: kind === 'radio' || kind === 'checkbox' ? [value] : [],
        })
      } else if (tag.name === 'textarea') {
        const close = body.indexOf('</textarea>', tag.offset)
        const text = body.slice(tag.offset + tag.raw.length, close === -1 ? undefined : close).replace(/^\n/, '')
        fields.set(name, { name, kind: 'textarea', value: decodeAttribute(text), options: [] })
      } else if (tag.name === 'select') {
        const options: string[] = []
        let selected = ''
        for (const option of tags.slice(index + 1)) {
          if (option.name === 'select' || option.name === 'input' || option.name === 'textarea') break
          if (option.name !== 'option') continue
          const value = option.attributes.find((a) => a.name === 'value')?.value ?? ''
          options.push(value)
          if (option.attributes.some((a) => a.name === 'selected')) selected = value
        }
        fields.set(name, { name, kind: 'select', value: selected, options })
      }
    }
    forms.push({
      method: (attr('method') ?? 'get').toLowerCase() === 'post' ? 'post' : 'get',
      action: attr('action') ?? '',
      multipart: (attr('enctype') ?? '').toLowerCase() === 'multipart/form-data',
      fields: [...fields.values()],
    })
  }
  return forms
}

/** The href of every link on the page. */
export function linksOf(html: string): string[] {
  return startTags(html)
    .filter((t) => t.name === 'a')
    .flatMap((t) => t.attributes.filter((a) => a.name === 'href').map((a) => a.value))
}
