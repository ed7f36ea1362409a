import { decodeEntities } from './factories.ts'

// Reading rendered pages the way a person reads them: tables as rows of cell text, figures as
// numbers beside their labels. Regular expressions suffice because the views are our own, simple HTML.

/** The visible text of a fragment of HTML: tags dropped, entities undone, white space collapsed. */
export function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim()
}

export type HtmlTable = { caption: string; header: string[]; rows: string[][] }

/** Every <table> on the page, with its caption, header cells and body rows as text. */
export function tablesOf(html: string): HtmlTable[] {
  return [...html.matchAll(/<table[^>]*>([\s\S]*?)<\/table>/g)].map((match) => {
    const body = match[1] ?? ''
    const caption = textOf(/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(body)?.[1] ?? '')
    const head = /<thead[^>]*>([\s\S]*?)<\/thead>/.exec(body)?.[1] ?? ''
    const header = [...head.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => textOf(m[1] ?? ''))
    const tbody = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? ''
    const rows = [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...(row[1] ?? '').matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) => textOf(cell[1] ?? '')),
    )
    return { caption, header, rows }
  })
}

/** The one table whose caption is `caption`; fails the arrangement loudly if there is none. */
export function tableCaptioned(html: string, caption: string): HtmlTable {
  const found = tablesOf(html).find((t) => t.caption === caption)
  if (!found)
    throw new Error(
      `No table captioned "${caption}"; captions: ${tablesOf(html)
        .map((t) => `"${t.caption}"`)
        .join(', ')}`,
    )
  return found
}

/** The "Older entries" link's href, if the page has one. */
export function olderEntriesHref(html: string): string | undefined {
  const href = /<a class="govuk-link" href="([^"]*)">Older entries<\/a>/.exec(html)?.[1]
  return href === undefined ? undefined : decodeEntities(href)
}

/** The h1's text. */
export function headingOf(html: string): string {
  return textOf(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '')
}
