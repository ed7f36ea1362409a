import { inflateSync } from 'node:zlib'

/**
 * The text of each page of a PDF that Chromium printed, read without a PDF library: Chromium's
 * PDFs (Skia) keep every object uncompressed at the top level, page contents and the fonts'
 * ToUnicode maps as Flate streams, and show text as glyph ids in hex strings (Tj and TJ), so
 * following each page's fonts to their maps gives back the characters. Enough to check what a
 * printed page says; not a general PDF reader.
 */
export function pdfPageTexts(pdf: Buffer): string[] {
  const objects = readObjects(pdf)
  const pages = objects.get(pagesRoot(objects))?.dictionary ?? ''
  const kids = [...(/\/Kids\s*\[([^\]]*)\]/.exec(pages)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]))
  return kids.map((id) => pageText(objects, id))
}

type PdfObject = { dictionary: string; stream?: Buffer }

function readObjects(pdf: Buffer): Map<number, PdfObject> {
  const objects = new Map<number, PdfObject>()
  const text = pdf.toString('latin1')
  for (const match of text.matchAll(/(\d+) 0 obj\b/g)) {
    const start = match.index + match[0].length
    const end = text.indexOf('endobj', start)
    const body = text.slice(start, end)
    const streamAt = body.indexOf('stream')
    if (streamAt < 0) {
      objects.set(Number(match[1]), { dictionary: body })
      continue
    }
    const dictionary = body.slice(0, streamAt)
    const length = Number(/\/Length (\d+)/.exec(dictionary)?.[1] ?? 0)
    let dataStart = start + streamAt + 'stream'.length
    if (text[dataStart] === '\r') dataStart++
    if (text[dataStart] === '\n') dataStart++
    const raw = pdf.subarray(dataStart, dataStart + length)
    objects.set(Number(match[1]), {
      dictionary,
      stream: dictionary.includes('/FlateDecode') ? inflateSync(raw) : raw,
    })
  }
  return objects
}

function pagesRoot(objects: Map<number, PdfObject>): number {
  for (const object of objects.values()) {
    const root = /\/Type \/Catalog[\s\S]*?\/Pages (\d+) 0 R/.exec(object.dictionary)
    if (root) return Number(root[1])
  }
  throw new Error('No page tree in the PDF')
}

function pageText(objects: Map<number, PdfObject>, pageId: number): string {
  const page = objects.get(pageId)?.dictionary ?? ''
  const contents = [...(/\/Contents\s*(\[[^\]]*\]|\d+ 0 R)/.exec(page)?.[1] ?? '').matchAll(/(\d+) 0 R/g)]
  const fontDictionary = /\/Font\s*<<([^>]*)>>/.exec(page)?.[1] ?? ''
  const fonts = new Map(
    [...fontDictionary.matchAll(/\/(\w+) (\d+) 0 R/g)].map((m) => [m[1]!, unicodeMap(objects, Number(m[2]))]),
  )
  const program = contents.map((m) => objects.get(Number(m[1]))?.stream?.toString('latin1') ?? '').join('\n')
  let font = new Map<number, string>()
  const shown: string[] = []
  // Font choices (/F4 12 Tf) and shown strings (<0041> Tj, [<0041> -20 <0042>] TJ), in order.
  for (const token of program.matchAll(/\/(\w+) [\d.]+ Tf|\[((?:[^\]])*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj/g)) {
    if (token[1]) font = fonts.get(token[1]) ?? new Map<number, string>()
    else {
      const hexes = token[2] !== undefined ? [...token[2].matchAll(/<([0-9A-Fa-f]*)>/g)].map((h) => h[1]!) : [token[3]!]
      shown.push(hexes.map((hex) => decodeGlyphs(hex, font)).join(''))
    }
  }
  return shown.join('')
}

function decodeGlyphs(hex: string, font: Map<number, string>): string {
  let text = ''
  for (let i = 0; i + 4 <= hex.length; i += 4) text += font.get(parseInt(hex.slice(i, i + 4), 16)) ?? '\ufffd'
  return text
}

/** A font's ToUnicode CMap as glyph id → text (bfchar and bfrange entries). */
function unicodeMap(objects: Map<number, PdfObject>, fontId: number): Map<number, string> {
  const map = new Map<number, string>()
  const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(fontId)?.dictionary ?? '')?.[1]
  const cmap = toUnicode ? (objects.get(Number(toUnicode))?.stream?.toString('latin1') ?? '') : ''
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)))
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const entry of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
      map.set(parseInt(entry[1]!, 16), utf16(entry[2]!))
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
    for (const entry of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const [from, to, first] = [parseInt(entry[1]!, 16), parseInt(entry[2]!, 16), parseInt(entry[3]!, 16)]
      for (let glyph = from; glyph <= to; glyph++) map.set(glyph, String.fromCharCode(first + glyph - from))
    }
  return map
}
