// The hostile values, by class. Each is written as it travels: percent-encoded bytes, so that
// values no JavaScript string can hold (an unpaired surrogate, overlong or invalid UTF-8) arrive
// exactly as a hostile client would send them.

export type PayloadClass = 'sql' | 'xss' | 'template' | 'nul' | 'size' | 'unicode' | 'bytes'

export type Payload = { cls: PayloadClass; label: string; encoded: string }

const enc = encodeURIComponent

/** The result of the template payloads' sums, should a template engine ever evaluate them. */
export const evaluatedMarker = String(1337 * 7331)
const sum = '1337*7331'

function text(cls: PayloadClass, label: string, value: string): Payload {
  return { cls, label, encoded: enc(value) }
}

/** Over-long, but inside the body limit, so that it reaches validation rather than the parser's limit. */
export const longText = 'Long <b>x</b> '.repeat(3_000)
/** One megabyte: over every limit the app sets. */
export const megabyte = 'A'.repeat(1024 * 1024)

/**
 * One value per class (the class's variants joined, so that a form takes every class in a few
 * requests), plus javascript: on its own, since it only bites at the start of a URL.
 */
export const payloads: readonly Payload[] = [
  text(
    'sql',
    'drop, or 1=1, union',
    "'; drop table person;-- ' or 1=1-- x' union select username, password_hash, null from app_user--",
  ),
  text(
    'xss',
    'script, breakouts, svg, closing textarea',
    `<script>alert(1)</script>"><img src=x onerror=alert(1)>' onmouseover='alert(1)' x='<svg onload=alert(1)></textarea></title><script>alert(2)</script>`,
  ),
  text('xss', 'javascript URL', 'javascript:alert(1)'),
  text(
    'template',
    'ejs, moustache, template literal',
    `<%= process.env %><%- ${sum} %>{{7*7}}{{${sum}}}\${7*7}\${${sum}}`,
  ),
  { cls: 'nul', label: 'NUL bytes', encoded: `a%00b%00${enc("' or 1=1--")}` },
  text('size', 'long text', longText),
  {
    cls: 'unicode',
    label: 'RTL override, zero-width joiners, combining marks, emoji, unpaired surrogate',
    encoded: `${enc('abc\u202Egpj.exe\u202C a\u200Db\u200C\u200Bc\uFEFF Z\u0351\u0300\u0301\u0302\u0303\u0304algo \u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u{1F4A5}')}x%ED%A0%80y`,
  },
  { cls: 'bytes', label: 'overlong, invalid and truncated UTF-8', encoded: '%C0%AF%C0%80%FF%FE%FDx%E2%82' },
]

export const payloadClasses: readonly PayloadClass[] = ['sql', 'xss', 'template', 'nul', 'size', 'unicode', 'bytes']

/**
 * Values that can reach the database when every other field is valid: one request each per
 * text field. Short, so that they fit the field and are stored, then shown on later pages.
 */
export const deepPayloads: readonly Payload[] = [
  { cls: 'nul', label: 'NUL inside', encoded: 'a%00b' },
  text('xss', 'stored markup and templates', `"><svg onload=alert(1)><script>alert(1)</script>{{${sum}}}<%= ${sum} %>`),
  {
    cls: 'sql',
    label: 'quotes, odd Unicode, invalid bytes',
    encoded: `${enc("O'Brien' or 1=1--\u202E\u200D\u{1F4A5}")}%FF%C0%80x%ED%A0%80`,
  },
]

/** What a path segment can carry in place of a record's id. */
export const idPayloads: readonly { label: string; segment: string }[] = [
  { label: 'not a uuid', segment: 'not-a-uuid' },
  { label: 'uuid and SQL', segment: enc("00000000-0000-0000-0000-000000000000' or '1'='1") },
  { label: 'script', segment: enc('<script>alert(1)</script>') },
  { label: 'NUL', segment: 'abc%00def' },
  { label: 'invalid encoding', segment: '%E0%A4%A' },
  { label: 'unpaired surrogate', segment: '%ED%A0%80' },
  { label: 'huge', segment: 'f'.repeat(8_000) },
]
