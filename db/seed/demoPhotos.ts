import { createHash } from 'node:crypto'
import { sql, type Insertable, type Kysely, type Updateable } from 'kysely'
import { encode } from 'jpeg-js'
import type { Build, Database, EyeColour } from '../types.ts'

// Physical descriptions and placeholder custody photographs for the demo caseload. No real
// person and no downloaded picture: each photograph is a silhouette against a height chart,
// drawn here, its colours taken from the description. Every choice comes from a hash of the
// person's id, not from faker, so the other demo data (drawn from faker's fixed sequence) stays
// exactly as it was.

const width = 150
const height = 190

const builds: Build[] = ['slim', 'medium', 'stocky', 'heavy', 'athletic']
const eyes: EyeColour[] = ['blue', 'brown', 'green', 'grey', 'hazel', 'brown']
const hairStyles: { text: string; rgb: [number, number, number] }[] = [
  { text: 'Short, dark brown', rgb: [66, 44, 30] },
  { text: 'Shaved, black', rgb: [25, 22, 20] },
  { text: 'Collar length, mousy brown, parted on the left', rgb: [120, 96, 66] },
  { text: 'Cropped, ginger', rgb: [170, 84, 34] },
  { text: 'Receding, grey', rgb: [150, 150, 150] },
  { text: 'Long, blonde, often tied back', rgb: [214, 184, 110] },
  { text: 'Short, black, twists', rgb: [30, 26, 24] },
  { text: 'Bald', rgb: [0, 0, 0] },
]
const marks = [
  'Scar through left eyebrow',
  'Tattoo of a rose on right forearm; scar on left hand',
  'Tattoo "LOVE" across the knuckles of the left hand',
  'Pierced left ear; tattoo of a dragon on the neck, right side',
  'Burn scar on the back of the right hand',
  null,
  null,
]
const skins: [number, number, number][] = [
  [236, 200, 170],
  [205, 160, 125],
  [160, 112, 80],
  [110, 74, 52],
  [222, 184, 150],
]
const clothes: [number, number, number][] = [
  [40, 50, 70],
  [70, 70, 74],
  [30, 60, 40],
  [90, 30, 30],
  [20, 20, 24],
]

/**
 * People who have been through custody (a drug test is taken there, and so is a photograph) and
 * everyone with a current violent or weapons marker, the people the CID list draws on.
 */
export async function seedDemoPhotos(db: Kysely<Database>, options: { now: Date }): Promise<{ photographed: number }> {
  const uploader = await db.selectFrom('app_user').select('id').where('username', '=', 'iom').executeTakeFirstOrThrow()
  const people = await db
    .selectFrom('person as p')
    .select(['p.id', 'p.gender'])
    .where('p.combined_into', 'is', null)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('drug_test as d')
            .select(sql`1`.as('one'))
            .whereRef('d.person_id', '=', 'p.id'),
        ),
        eb.exists(
          eb
            .selectFrom('person_marker as m')
            .select(sql`1`.as('one'))
            .whereRef('m.person_id', '=', 'p.id')
            .where('m.ended_on', 'is', null)
            .where('m.marker_code', 'in', ['violent', 'weapons']),
        ),
      ]),
    )
    .orderBy('p.id')
    .execute()
  if (people.length === 0) return { photographed: 0 }
  const described: {
    id: string
    description: Updateable<Database['person']>
    photo: Insertable<Database['person_photo']>
  }[] = []
  for (const person of people) {
    const h = createHash('sha256').update(person.id).digest()
    const hair = hairStyles[h[0]! % hairStyles.length]!
    const female = person.gender === 'female'
    const image = silhouette(
      hair.rgb,
      hair.text === 'Bald',
      skins[h[5]! % skins.length]!,
      clothes[h[6]! % clothes.length]!,
    )
    described.push({
      id: person.id,
      description: {
        height_cm: (female ? 152 : 165) + (h[2]! % 28),
        build: builds[h[3]! % builds.length]!,
        hair: hair.text,
        eyes: eyes[h[1]! % eyes.length]!,
        distinguishing_marks: marks[h[4]! % marks.length] ?? null,
      },
      photo: {
        person_id: person.id,
        image,
        width,
        height,
        uploaded_by: uploader.id,
        uploaded_at: new Date(options.now.getTime() - (1 + (h[7]! % 200)) * 86_400_000),
      },
    })
    // Drawing takes tens of milliseconds a picture: when the app seeds these after it starts
    // listening, requests are answered between pictures.
    await new Promise((resolve) => setImmediate(resolve))
  }
  // Drawn first and written together, so the writes take one short transaction.
  const write = async (trx: Kysely<Database>) => {
    for (const { id, description } of described)
      await trx.updateTable('person').set(description).where('id', '=', id).execute()
    await trx
      .insertInto('person_photo')
      .values(described.map((d) => d.photo))
      .execute()
  }
  await (db.isTransaction ? write(db) : db.transaction().execute(write))
  return { photographed: described.length }
}

type Rgb = [number, number, number]

/** Head and shoulders against a custody height chart: a JPEG of a few kilobytes. */
function silhouette(hair: Rgb, bald: boolean, skin: Rgb, cloth: Rgb): Buffer {
  const data = new Uint8Array(width * height * 4)
  const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) =>
    ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let rgb: Rgb = y % 16 === 0 ? [150, 156, 166] : [222, 226, 232]
      if (inEllipse(x, y, 75, 205, 72, 58)) rgb = cloth
      else if (x > 63 && x < 87 && y > 110 && y < 150) rgb = skin
      else if (inEllipse(x, y, 75, 80, 31, 40)) {
        rgb = !bald && y < 62 ? hair : skin
        if (y > 72 && y < 77 && (Math.abs(x - 63) < 4 || Math.abs(x - 87) < 4)) rgb = [40, 36, 34]
      }
      const i = (y * width + x) * 4
      data[i] = rgb[0]
      data[i + 1] = rgb[1]
      data[i + 2] = rgb[2]
      data[i + 3] = 255
    }
  }
  return Buffer.from(encode({ data, width, height }, 75).data)
}
