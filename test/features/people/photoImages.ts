import { deflateSync } from 'node:zlib'
import { encode } from 'jpeg-js'
import { PNG } from 'pngjs'

// Small images built in memory for the photograph tests, with metadata planted in them.

export const plantedText = 'PLANTED-METADATA-51.5072N-0.1276W'

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

function pixels(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4)
  for (let i = 0; i < width * height; i++) data.set([(i * 7) % 256, 90, 160, 255], i * 4)
  return data
}

/** A PNG with a tEXt chunk (just after its header) holding `plantedText`. */
export function pngWithText(width = 48, height = 60): Buffer {
  const png = new PNG({ width, height })
  pixels(width, height).copy(png.data)
  const plain = PNG.sync.write(png)
  const afterHeader = 8 + 25 // signature, then IHDR's length, type, 13 bytes and CRC
  const text = chunk('tEXt', Buffer.from(`Comment\0${plantedText}`, 'latin1'))
  return Buffer.concat([plain.subarray(0, afterHeader), text, plain.subarray(afterHeader)])
}

/** A JPEG with an EXIF-like APP1 segment and a comment, both holding `plantedText`. */
export function jpegWithExif(width = 48, height = 60): Buffer {
  const plain = Buffer.from(encode({ data: pixels(width, height), width, height, comments: [plantedText] }, 90).data)
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from(`MM\0*${plantedText}`, 'latin1')])
  const length = Buffer.alloc(2)
  length.writeUInt16BE(payload.length + 2)
  return Buffer.concat([plain.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, payload, plain.subarray(2)])
}

/** A PNG whose header claims 10,000 × 10,000 pixels, in a few hundred bytes. */
export function pngBomb(): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(10_000, 0)
  header.writeUInt32BE(10_000, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const idat = deflateSync(Buffer.alloc(40_001 * 4))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

export const gif = Buffer.concat([
  Buffer.from('GIF89a', 'latin1'),
  Buffer.from([
    1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x21, 0xf9, 4, 1, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2,
    0x44, 1, 0, 0x3b,
  ]),
])
