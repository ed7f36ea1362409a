import { decode as decodeJpeg } from 'jpeg-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { descriptionOf } from '../../../server/features/people/descriptionRepository.ts'
import {
  auditRowsFor,
  createOutsideArea,
  createPerson,
  errorSummaryLinks,
  inputValue,
  postForm,
  writeAuditCount,
  type FormData,
} from '../../helpers/factories.ts'
import { textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { combine, reverse } from '../combination/combinationSupport.ts'
import { gif, jpegWithExif, plantedText, pngBomb, pngWithText } from './photoImages.ts'

type Session = { agent: Agent; csrf: string }

let t: TestApp
let iom: Session
let supervisor: Session
let partner: Session
let cid: Session

beforeAll(async () => {
  t = await createTestApp()
  iom = await signInAs(t.app, 'iom')
  supervisor = await signInAs(t.app, 'supervisor')
  partner = await signInAs(t.app, 'partner')
  cid = await signInAs(t.app, 'cid')
})
afterAll(async () => {
  await t.close()
})

const stored = (id: string) => t.db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const photoRows = (id: string) => t.db.selectFrom('person_photo').selectAll().where('person_id', '=', id).execute()

async function descriptionForm(session: Session, personId: string, changes: FormData = {}): Promise<FormData> {
  const page = await session.agent.get(`/people/${personId}/description`).expect(200)
  return {
    version: inputValue(page.text, 'version') ?? '',
    heightCm: '180',
    build: 'stocky',
    hair: 'Short, dark brown',
    eyes: 'hazel',
    distinguishingMarks: 'Scar through left eyebrow; tattoo of a swallow on the right hand',
    ...changes,
  }
}

function upload(session: Session, personId: string, bytes: Buffer, filename: string, contentType: string) {
  return session.agent
    .post(`/people/${personId}/photo`)
    .field('_csrf', session.csrf)
    .attach('photo', bytes, { filename, contentType })
}

/** The photograph's bytes as sent. */
function photo(session: Session, personId: string) {
  return session.agent
    .get(`/people/${personId}/photo`)
    .buffer(true)
    .parse((res, done) => {
      const parts: Buffer[] = []
      res.on('data', (part: Buffer) => parts.push(part))
      res.on('end', () => done(null, Buffer.concat(parts)))
    })
}

describe('the physical description', () => {
  it('when an officer saves a description, it is on the person page and one alteration row says what changed', async () => {
    const person = await createPerson(t.db)
    const form = await descriptionForm(iom, person.id)
    const saved = await postForm(iom, `/people/${person.id}/description`, form)
    expect(saved.status).toBe(303)
    expect(saved.headers.location).toBe(`/people/${person.id}`)

    const row = await stored(person.id)
    expect(row).toMatchObject({
      height_cm: 180,
      build: 'stocky',
      hair: 'Short, dark brown',
      eyes: 'hazel',
      version: person.version + 1,
    })
    const page = textOf((await iom.agent.get(`/people/${person.id}`).expect(200)).text)
    for (const shown of [
      'Physical description',
      '180 cm',
      'Stocky',
      'Short, dark brown',
      'Hazel',
      'tattoo of a swallow on the right hand',
    ])
      expect(page).toContain(shown)

    const alterations = (await auditRowsFor(t.db, person.id)).filter((a) => a.category === 'alteration')
    expect(alterations).toHaveLength(1)
    expect(alterations[0]).toMatchObject({ event: 'person.description_updated', actor_username: 'iom' })
    expect((alterations[0]!.detail as { changed: string[] }).changed).toEqual([
      'heightCm',
      'build',
      'hair',
      'eyes',
      'distinguishingMarks',
    ])
  })

  it('every part may be left blank, and blanking a part clears it', async () => {
    const person = await createPerson(t.db, {
      height_cm: 170,
      build: 'slim',
      hair: 'Grey',
      eyes: 'blue',
      distinguishing_marks: 'None seen',
    })
    const form = await descriptionForm(iom, person.id, {
      heightCm: '',
      build: '',
      hair: '',
      eyes: '',
      distinguishingMarks: '',
    })
    await postForm(iom, `/people/${person.id}/description`, form).expect(303)
    expect(await stored(person.id)).toMatchObject({
      height_cm: null,
      build: null,
      hair: null,
      eyes: null,
      distinguishing_marks: null,
    })
    expect(textOf((await iom.agent.get(`/people/${person.id}`).expect(200)).text)).toContain('No description recorded')
  })

  const refusals: { name: string; changes: FormData; field: string; message: string }[] = [
    {
      name: 'a height that is not a number',
      changes: { heightCm: 'tall' },
      field: 'heightCm',
      message: 'Enter height as a whole number of centimetres, like 178',
    },
    {
      name: 'a height with a fraction',
      changes: { heightCm: '180.5' },
      field: 'heightCm',
      message: 'Enter height as a whole number of centimetres, like 178',
    },
    {
      name: 'a height under 100 cm',
      changes: { heightCm: '99' },
      field: 'heightCm',
      message: 'Height must be between 100 cm and 250 cm',
    },
    {
      name: 'a height over 250 cm',
      changes: { heightCm: '251' },
      field: 'heightCm',
      message: 'Height must be between 100 cm and 250 cm',
    },
    {
      name: 'a build not on the list',
      changes: { build: 'wiry' },
      field: 'build',
      message: 'Select a build from the list',
    },
    {
      name: 'hair over 100 characters',
      changes: { hair: 'x'.repeat(101) },
      field: 'hair',
      message: 'Hair colour and style must be 100 characters or fewer',
    },
    {
      name: 'hair with a NUL byte',
      changes: { hair: 'Brown\u0000' },
      field: 'hair',
      message: 'Hair colour and style must not contain control characters',
    },
    {
      name: 'an eye colour not on the list',
      changes: { eyes: 'violet' },
      field: 'eyes',
      message: 'Select an eye colour from the list',
    },
    {
      name: 'marks over 500 characters',
      changes: { distinguishingMarks: 'y'.repeat(501) },
      field: 'distinguishingMarks',
      message: 'Distinguishing marks must be 500 characters or fewer',
    },
    {
      name: 'marks with a NUL byte',
      changes: { distinguishingMarks: 'Scar\u0000' },
      field: 'distinguishingMarks',
      message: 'Distinguishing marks must not contain control characters',
    },
    {
      name: 'a form sent twice over in one field',
      changes: { eyes: ['blue', 'brown'] },
      field: 'eyes',
      message: 'Select an eye colour from the list',
    },
  ]
  for (const { name, changes, field, message } of refusals) {
    it(`${name} is refused with a 400, the message in the error summary, the values kept, and nothing written`, async () => {
      const person = await createPerson(t.db)
      const form = await descriptionForm(iom, person.id, changes)
      const writes = await writeAuditCount(t.db)
      const page = await postForm(iom, `/people/${person.id}/description`, form)
      expect(page.status).toBe(400)
      expect(errorSummaryLinks(page.text)).toEqual([{ href: `#${field}`, text: message }])
      expect(page.text).toContain(`id="${field}-error"`)
      if (field !== 'hair') expect(inputValue(page.text, 'hair')).toBe('Short, dark brown')
      const row = await stored(person.id)
      expect(row).toMatchObject({
        height_cm: null,
        build: null,
        hair: null,
        eyes: null,
        distinguishing_marks: null,
        version: person.version,
      })
      expect(await writeAuditCount(t.db)).toBe(writes)
    })
  }

  it('when two users save the same version, the second gets a 409 page comparing the two, and nothing of theirs is written', async () => {
    const person = await createPerson(t.db)
    const first = await descriptionForm(iom, person.id, { heightCm: '175' })
    const second = await descriptionForm(supervisor, person.id, { heightCm: '190' })
    await postForm(iom, `/people/${person.id}/description`, first).expect(303)
    const writes = await writeAuditCount(t.db)
    const conflict = await postForm(supervisor, `/people/${person.id}/description`, second)
    expect(conflict.status).toBe(409)
    expect(textOf(conflict.text)).toContain('Someone else changed this record')
    expect(textOf(conflict.text)).toMatch(/175 cm\s+190 cm\s+Different/)
    expect((await stored(person.id)).height_cm).toBe(175)
    expect(await writeAuditCount(t.db)).toBe(writes)
  })

  it('a person outside the officer’s areas is not found, and nothing is written', async () => {
    const outside = await createOutsideArea(t.db)
    const person = await createPerson(t.db, { areaCode: outside.boroughCode })
    await iom.agent.get(`/people/${person.id}/description`).expect(404)
    const response = await postForm(iom, `/people/${person.id}/description`, {
      version: String(person.version),
      heightCm: '180',
    })
    expect(response.status).toBe(404)
    expect((await stored(person.id)).height_cm).toBeNull()
  })

  it('descriptionOf gives the description and whether a photograph is held, for the CID briefing sheet', async () => {
    const person = await createPerson(t.db, {
      height_cm: 182,
      build: 'athletic',
      hair: 'Shaved',
      eyes: 'brown',
      distinguishing_marks: null,
    })
    expect(await descriptionOf(t.db, person.id)).toEqual({
      heightCm: 182,
      build: 'athletic',
      hair: 'Shaved',
      eyes: 'brown',
      distinguishingMarks: null,
      hasPhoto: false,
      photoUploadedAt: null,
    })
    await upload(iom, person.id, pngWithText(), 'face.png', 'image/png').expect(303)
    const after = await descriptionOf(t.db, person.id)
    expect(after?.hasPhoto).toBe(true)
    expect(after?.photoUploadedAt).toBeInstanceOf(Date)
    expect(await descriptionOf(t.db, '00000000-0000-4000-8000-000000000000')).toBeUndefined()
  })
})

describe('the custody photograph', () => {
  for (const { kind, bytes, filename, contentType } of [
    { kind: 'PNG', bytes: pngWithText(), filename: 'custody.png', contentType: 'image/png' },
    { kind: 'JPEG', bytes: jpegWithExif(), filename: 'custody.jpg', contentType: 'image/jpeg' },
  ]) {
    it(`a ${kind} is accepted, logged as a collection, and served as a fresh JPEG without the metadata it carried`, async () => {
      expect(bytes.includes(plantedText)).toBe(true)
      const person = await createPerson(t.db)
      const saved = await upload(iom, person.id, bytes, filename, contentType)
      expect(saved.status).toBe(303)
      expect(saved.headers.location).toBe(`/people/${person.id}`)
      const collections = (await auditRowsFor(t.db, person.id)).filter((a) => a.category === 'collection')
      expect(collections.map((a) => a.event)).toEqual(['person.photo_added'])

      const served = await photo(iom, person.id)
      expect(served.status).toBe(200)
      expect(served.headers['content-type']).toBe('image/jpeg')
      expect(served.headers['cache-control']).toBe('no-store')
      const body = served.body as Buffer
      expect([...body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
      expect(body.includes(plantedText)).toBe(false)
      expect(body.includes(Buffer.from('Exif\0', 'latin1'))).toBe(false)
      expect(body.includes(Buffer.from([0xff, 0xfe]))).toBe(false) // no comment segment
      const decoded = decodeJpeg(body, { useTArray: true })
      expect([decoded.width, decoded.height]).toEqual([48, 60])

      const page = (await iom.agent.get(`/people/${person.id}`).expect(200)).text
      expect(page).toContain(
        `<img src="/people/${person.id}/photo" alt="Custody photograph of ${person.surname.toUpperCase()}, Alex"`,
      )
    })
  }

  it('a new photograph takes the place of the old one: one row, the new image, a replacement logged', async () => {
    const person = await createPerson(t.db)
    await upload(iom, person.id, pngWithText(40, 40), 'first.png', 'image/png').expect(303)
    await upload(supervisor, person.id, jpegWithExif(30, 50), 'second.jpg', 'image/jpeg').expect(303)
    const rows = await photoRows(person.id)
    expect(rows).toHaveLength(1)
    expect([rows[0]!.width, rows[0]!.height]).toEqual([30, 50])
    const events = (await auditRowsFor(t.db, person.id))
      .filter((a) => a.category === 'collection')
      .map((a) => `${a.actor_username} ${a.event}`)
    expect(events).toEqual(['iom person.photo_added', 'supervisor person.photo_replaced'])
  })

  const refused: { name: string; bytes: () => Buffer; filename: string; contentType: string; message: string }[] = [
    {
      name: 'a GIF',
      bytes: () => gif,
      filename: 'custody.gif',
      contentType: 'image/gif',
      message: 'The file must be a JPEG or PNG photograph',
    },
    {
      name: 'a GIF named .jpg and declared a JPEG',
      bytes: () => gif,
      filename: 'custody.jpg',
      contentType: 'image/jpeg',
      message: 'The file must be a JPEG or PNG photograph',
    },
    {
      name: 'a text file named .jpg',
      bytes: () => Buffer.from('not a photograph at all\n'),
      filename: 'custody.jpg',
      contentType: 'image/jpeg',
      message: 'The file must be a JPEG or PNG photograph',
    },
    {
      name: 'a JPEG cut short',
      bytes: () => jpegWithExif().subarray(0, 200),
      filename: 'custody.jpg',
      contentType: 'image/jpeg',
      message: 'The photograph could not be read: it may be damaged. Save it again as a JPEG or PNG and upload it',
    },
    {
      name: 'a PNG with a damaged chunk',
      bytes: () => {
        const b = Buffer.from(pngWithText())
        b[b.length - 20] = b[b.length - 20]! ^ 0xff
        return b
      },
      filename: 'custody.png',
      contentType: 'image/png',
      message: 'The photograph could not be read: it may be damaged. Save it again as a JPEG or PNG and upload it',
    },
    {
      name: 'a PNG claiming 100 megapixels (a decompression bomb)',
      bytes: pngBomb,
      filename: 'custody.png',
      contentType: 'image/png',
      message: 'The photograph has too many pixels: it must be 25 megapixels or fewer',
    },
    {
      name: 'a file over 5 MB',
      bytes: () => Buffer.concat([jpegWithExif(), Buffer.alloc(5 * 1024 * 1024)]),
      filename: 'custody.jpg',
      contentType: 'image/jpeg',
      message: 'The file must be smaller than 5 MB',
    },
    {
      name: 'an empty file',
      bytes: () => Buffer.alloc(0),
      filename: 'custody.jpg',
      contentType: 'image/jpeg',
      message: 'The selected file is empty',
    },
  ]
  for (const { name, bytes, filename, contentType, message } of refused) {
    it(`${name} is refused with a 400 and a clear message, and nothing is written`, async () => {
      const person = await createPerson(t.db)
      const writes = await writeAuditCount(t.db)
      const page = await upload(iom, person.id, bytes(), filename, contentType)
      expect(page.status).toBe(400)
      expect(errorSummaryLinks(page.text)).toEqual([{ href: '#photo', text: message }])
      expect(page.text).toContain('id="photo-error"')
      expect(await photoRows(person.id)).toEqual([])
      expect(await writeAuditCount(t.db)).toBe(writes)
    })
  }

  it('a form sent with no file asks for one', async () => {
    const person = await createPerson(t.db)
    const page = await iom.agent.post(`/people/${person.id}/photo`).field('_csrf', iom.csrf)
    expect(page.status).toBe(400)
    expect(errorSummaryLinks(page.text)).toEqual([{ href: '#photo', text: 'Select a photograph to upload' }])
  })

  it('an upload without its CSRF token is refused and nothing is kept', async () => {
    const person = await createPerson(t.db)
    const page = await iom.agent
      .post(`/people/${person.id}/photo`)
      .attach('photo', pngWithText(), { filename: 'custody.png', contentType: 'image/png' })
    expect(page.status).toBe(403)
    expect(await photoRows(person.id)).toEqual([])
  })

  it('every time the photograph is sent, a consultation row names the person and the viewer', async () => {
    const person = await createPerson(t.db)
    await upload(iom, person.id, pngWithText(), 'custody.png', 'image/png').expect(303)
    const before = (await auditRowsFor(t.db, person.id)).length
    await photo(iom, person.id).expect(200)
    await photo(supervisor, person.id).expect(200)
    await photo(iom, person.id).expect(200)
    const rows = (await auditRowsFor(t.db, person.id)).slice(before)
    expect(
      rows.map((r) => `${r.category} ${r.event} ${r.actor_username} ${(r.detail as { page?: string }).page}`),
    ).toEqual([
      'consultation person.viewed iom photo',
      'consultation person.viewed supervisor photo',
      'consultation person.viewed iom photo',
    ])
  })

  it('a person outside the officer’s areas: the photograph is not found, an upload is not found, and nothing is logged or kept', async () => {
    const outside = await createOutsideArea(t.db)
    const person = await createPerson(t.db, { areaCode: outside.boroughCode })
    await t.db
      .insertInto('person_photo')
      .values({ person_id: person.id, image: jpegWithExif(), width: 48, height: 60, uploaded_by: null })
      .execute()
    expect((await photo(iom, person.id)).status).toBe(404)
    expect((await upload(iom, person.id, pngWithText(), 'custody.png', 'image/png')).status).toBe(404)
    expect((await photoRows(person.id))[0]!.width).toBe(48)
    expect(await auditRowsFor(t.db, person.id)).toEqual([])
  })

  it('partner and CID users cannot get a photograph, nor the upload form', async () => {
    const person = await createPerson(t.db)
    await upload(iom, person.id, pngWithText(), 'custody.png', 'image/png').expect(303)
    for (const session of [partner, cid]) {
      const response = await photo(session, person.id)
      expect(response.status).toBe(403)
      expect(String(response.headers['content-type'])).not.toContain('image/')
      expect((await session.agent.get(`/people/${person.id}/photo/new`)).status).toBe(403)
    }
    expect((await auditRowsFor(t.db, person.id)).filter((r) => r.category === 'consultation')).toEqual([])
  })

  it('a restricted person’s photograph needs a purpose first, like their page, and its row carries the purpose', async () => {
    const person = await createPerson(t.db, { restricted: true })
    await t.db
      .insertInto('person_photo')
      .values({ person_id: person.id, image: jpegWithExif(), width: 48, height: 60, uploaded_by: null })
      .execute()
    const asked = await photo(iom, person.id)
    // The restricted record gate answers the purpose question instead of the image.
    expect(asked.status).toBe(200)
    expect(asked.headers['content-type']).toMatch(/^text\/html/)
    expect((asked.body as Buffer).toString('utf8')).toContain('This record is restricted')
    expect(await auditRowsFor(t.db, person.id)).toEqual([])
    await postForm(iom, `/restricted-records/access`, {
      via: 'person',
      recordId: person.id,
      purpose: 'investigation',
      purposeDetail: 'Robbery, ref 01/7777/26',
    }).expect(303)
    await photo(iom, person.id).expect(200)
    const rows = await auditRowsFor(t.db, person.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      category: 'consultation',
      purpose: 'Investigating an offence: Robbery, ref 01/7777/26',
    })
  })

  it('a person with no photograph: not found, and no row', async () => {
    const person = await createPerson(t.db)
    expect((await photo(iom, person.id)).status).toBe(404)
    expect(await auditRowsFor(t.db, person.id)).toEqual([])
    expect(textOf((await iom.agent.get(`/people/${person.id}`).expect(200)).text)).toContain('No photograph held')
  })

  it('the upload form follows the GOV.UK file upload pattern and sends its token in the multipart body', async () => {
    const person = await createPerson(t.db)
    const page = (await iom.agent.get(`/people/${person.id}/photo/new`).expect(200)).text
    expect(page).toContain(`action="/people/${person.id}/photo" enctype="multipart/form-data"`)
    expect(page).toMatch(/<input class="govuk-file-upload" id="photo" name="photo" type="file"/)
    expect(page).toContain('name="_csrf"')
  })

  it('combining duplicates: the merged record’s photograph moves only when the kept record has none, and moves back on reversal', async () => {
    const keep = await createPerson(t.db)
    const merged = await createPerson(t.db, { surname: keep.surname, date_of_birth: keep.date_of_birth })
    await upload(supervisor, merged.id, pngWithText(20, 30), 'merged.png', 'image/png').expect(303)
    await combine(t.db, supervisor, keep.id, merged.id)
    expect((await photoRows(keep.id)).map((r) => r.width)).toEqual([20])
    await reverse(t.db, supervisor, keep.id, merged.id)
    expect(await photoRows(keep.id)).toEqual([])
    expect((await photoRows(merged.id)).map((r) => r.width)).toEqual([20])

    await upload(supervisor, keep.id, pngWithText(40, 30), 'kept.png', 'image/png').expect(303)
    await combine(t.db, supervisor, keep.id, merged.id)
    expect((await photoRows(keep.id)).map((r) => r.width)).toEqual([40])
    expect((await photoRows(merged.id)).map((r) => r.width)).toEqual([20])
  })
})
