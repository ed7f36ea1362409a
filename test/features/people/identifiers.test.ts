import { describe, expect, it } from 'vitest'
import {
  croCheckLetter,
  normaliseCroNumber,
  normalisePncId,
  pncCheckLetter,
} from '../../../server/features/people/identifiers.ts'

// The rule (server/domain/REFERENCE.md, "Identifiers and markers"): check letter = 'ZABCDEFGHJKLMNPQRTUVWXY'[N mod 23]. The hand-worked
// examples below were computed on paper from that rule, not with the code under test:
//
//   PNC 2012/0123456: N = 12 0123456 = 120,123,456 = 23 × 5,222,758 + 22  → letter 22 = Y
//   PNC 1999/0012345: N = 99 0012345 = 990,012,345 = 23 × 43,044,015 + 0  → letter 0 = Z
//   CRO 123456/12:    N = 12 123456  = 12,123,456  = 23 × 527,106 + 18    → letter 18 = U
//   CRO 000001/05:    N = 05 000001  = 5,000,001   = 23 × 217,391 + 8     → letter 8 = H
const today = new Date('2026-11-26T12:00:00Z')

describe('PNC IDs', () => {
  it('a long-form PNC ID with the hand-worked check letter is accepted unchanged', () => {
    expect(normalisePncId('2012/0123456Y', today)).toEqual({ ok: true, value: '2012/0123456Y' })
    expect(normalisePncId('1999/0012345Z', today)).toEqual({ ok: true, value: '1999/0012345Z' })
  })

  it('the short form is accepted and stored in the long form, with the serial padded to seven digits', () => {
    expect(normalisePncId('12/123456Y', today)).toEqual({ ok: true, value: '2012/0123456Y' })
    expect(normalisePncId(' 12/123456y ', today)).toEqual({ ok: true, value: '2012/0123456Y' })
  })

  it('a short-form year later than this year belongs to the last century', () => {
    expect(normalisePncId('99/12345Z', today)).toEqual({ ok: true, value: '1999/0012345Z' })
  })

  it('a wrong check letter is rejected with a message that says so', () => {
    for (const wrong of ['2012/0123456X', '12/123456A', '1999/0012345Y']) {
      const result = normalisePncId(wrong, today)
      expect(result.ok).toBe(false)
      expect(!result.ok && result.message).toMatch(/check letter is wrong/)
    }
  })

  it('letters the alphabet leaves out (I, O, S) are never a valid check letter', () => {
    for (const letter of ['I', 'O', 'S']) {
      expect(normalisePncId(`2012/0123456${letter}`, today).ok).toBe(false)
    }
  })

  it('text that is not a PNC ID is rejected with the expected format', () => {
    for (const junk of ['', '2012-0123456Y', '201/0123456Y', '2012/01234567Y', '2012/0123456', 'Smith']) {
      const result = normalisePncId(junk, today)
      expect(result.ok).toBe(false)
      expect(!result.ok && result.message).toMatch(/format/)
    }
  })

  it('for many numbers, the computed check letter is accepted in both forms and every other letter refused', () => {
    const alphabet = 'ZABCDEFGHJKLMNPQRTUVWXY'
    for (const [year, serial] of [
      [2001, 1],
      [2009, 417263],
      [2015, 9999999],
      [1985, 70],
      [2020, 1234567],
    ] as const) {
      const letter = pncCheckLetter(year, serial)
      const long = `${year}/${String(serial).padStart(7, '0')}${letter}`
      expect(normalisePncId(long, today)).toEqual({ ok: true, value: long })
      expect(normalisePncId(`${String(year).slice(2)}/${serial}${letter}`, today)).toEqual({ ok: true, value: long })
      for (const other of alphabet.replace(letter, '')) {
        expect(normalisePncId(`${year}/${String(serial).padStart(7, '0')}${other}`, today).ok).toBe(false)
      }
    }
  })
})

describe('CRO numbers', () => {
  it('NNNNNN/YYC with the hand-worked check letter is accepted', () => {
    expect(normaliseCroNumber('123456/12U')).toEqual({ ok: true, value: '123456/12U' })
    expect(normaliseCroNumber('000001/05H')).toEqual({ ok: true, value: '000001/05H' })
  })

  it('a serial typed without its leading zeros is stored padded to six digits', () => {
    expect(normaliseCroNumber('1/05h')).toEqual({ ok: true, value: '000001/05H' })
  })

  it('SFYY/NNNNNNC (issued without fingerprints) is accepted with the same check letter', () => {
    expect(normaliseCroNumber('SF12/123456U')).toEqual({ ok: true, value: 'SF12/123456U' })
    expect(normaliseCroNumber('sf05/1H')).toEqual({ ok: true, value: 'SF05/000001H' })
  })

  it('a wrong check letter is rejected with a message, in either form', () => {
    for (const wrong of ['123456/12X', 'SF12/123456T', '000001/05J']) {
      const result = normaliseCroNumber(wrong)
      expect(result.ok).toBe(false)
      expect(!result.ok && result.message).toMatch(/check letter is wrong/)
    }
  })

  it('text that is not a CRO number is rejected with the expected format', () => {
    for (const junk of ['', '1234567/12U', '123456/2U', 'SF1/123456U', 'SF12/1234567U', '123456-12U']) {
      const result = normaliseCroNumber(junk)
      expect(result.ok).toBe(false)
      expect(!result.ok && result.message).toMatch(/format/)
    }
  })

  it('the computed check letter is accepted in both forms for many numbers', () => {
    for (const [yy, serial] of [
      ['00', 1],
      ['07', 654321],
      ['19', 999999],
      ['88', 42],
    ] as const) {
      const letter = croCheckLetter(yy, serial)
      const padded = String(serial).padStart(6, '0')
      expect(normaliseCroNumber(`${padded}/${yy}${letter}`)).toEqual({ ok: true, value: `${padded}/${yy}${letter}` })
      expect(normaliseCroNumber(`SF${yy}/${padded}${letter}`)).toEqual({
        ok: true,
        value: `SF${yy}/${padded}${letter}`,
      })
    }
  })
})
