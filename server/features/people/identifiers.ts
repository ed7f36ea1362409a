// Police identifiers and their check letters (see server/domain/REFERENCE.md, "Identifiers and markers").
// The alphabet has no I, O or S, so a check letter cannot be mistaken for a digit.
const checkAlphabet = 'ZABCDEFGHJKLMNPQRTUVWXY'

function checkLetter(digits: string): string {
  // The numbers have up to 9 digits: well inside a double's exact range.
  return checkAlphabet[Number(digits) % 23] ?? ''
}

export type IdentifierResult = { ok: true; value: string } | { ok: false; message: string }

/**
 * A PNC ID in the long form YYYY/NNNNNNNC or the short form YY/NNNNNC; returns the long form.
 * A short form's century is the one that puts the year no later than this year.
 */
export function normalisePncId(input: string, today = new Date()): IdentifierResult {
  const compact = input.trim().toUpperCase().replace(/\s+/g, '')
  const match = /^(\d{2}|\d{4})\/(\d{1,7})([A-Z])$/.exec(compact)
  if (!match) {
    return { ok: false, message: 'Enter a PNC ID in the format 2012/0123456X or 12/123456X' }
  }
  const [, yearPart = '', serialPart = '', letter = ''] = match
  let year = yearPart
  if (yearPart.length === 2) {
    const thisYear = today.getUTCFullYear()
    const candidate = 2000 + Number(yearPart)
    year = String(candidate > thisYear ? candidate - 100 : candidate)
  }
  const serial = serialPart.padStart(7, '0')
  const expected = checkLetter(`${year.slice(2)}${serial}`)
  if (letter !== expected) {
    return { ok: false, message: 'The PNC ID’s check letter is wrong: check the number and try again' }
  }
  return { ok: true, value: `${year}/${serial}${letter}` }
}

/** A CRO number NNNNNN/YYC, or SFYY/NNNNNNC for numbers issued without fingerprints. */
export function normaliseCroNumber(input: string): IdentifierResult {
  const compact = input.trim().toUpperCase().replace(/\s+/g, '')
  const standard = /^(\d{1,6})\/(\d{2})([A-Z])$/.exec(compact)
  const sf = /^SF(\d{2})\/(\d{1,6})([A-Z])$/.exec(compact)
  if (!standard && !sf) {
    return { ok: false, message: 'Enter a CRO number in the format 123456/12X or SF12/123456X' }
  }
  const [serialPart, year, letter] = standard
    ? [standard[1] ?? '', standard[2] ?? '', standard[3] ?? '']
    : [sf?.[2] ?? '', sf?.[1] ?? '', sf?.[3] ?? '']
  const serial = serialPart.padStart(6, '0')
  if (letter !== checkLetter(`${year}${serial}`)) {
    return { ok: false, message: 'The CRO number’s check letter is wrong: check the number and try again' }
  }
  return { ok: true, value: standard ? `${serial}/${year}${letter}` : `SF${year}/${serial}${letter}` }
}

/** The check letter a PNC ID must have: for demo data and tests. */
export function pncCheckLetter(year: number, serial: number): string {
  return checkLetter(`${String(year).slice(2)}${String(serial).padStart(7, '0')}`)
}

export function croCheckLetter(year2: string, serial: number): string {
  return checkLetter(`${year2}${String(serial).padStart(6, '0')}`)
}
