import { textOf } from '../presenters/format.ts'
/**
 * One CSV field: quoted when it must be, and with a leading quote mark where a spreadsheet
 * would otherwise read it as a formula (=, +, -, @, tab, carriage return).
 */
export function csvField(value: unknown): string {
  let text = textOf(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}
