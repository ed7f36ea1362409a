import { inflateSync } from 'node:zlib'
import { decode as decodeJpeg, encode as encodeJpeg } from 'jpeg-js'
import { PNG } from 'pngjs'

// A custody photograph as uploaded is untrusted bytes. What is stored is never those bytes: the
// image is decoded (which proves it is one), scaled down and encoded again as a plain JPEG, so
// EXIF, GPS, comments, text chunks and anything hidden after the image data are left behind.
// Pure JavaScript decoders (no native build), so the same code runs on every supported Node.

export const maxPhotoBytes = 5 * 1024 * 1024
export const maxPhotoSizeText = '5 MB'
/** A decompression bomb is refused before its pixels are allocated. */
export const maxPhotoPixels = 25_000_000
/** What decoding may take: a 25-megapixel JPEG needs about 530 MB in jpeg-js; a bomb is refused first. */
const maxDecodeMemoryMb = 560
/** Plenty to recognise a face; bounds what each photograph costs to store and to send. */
const longestSide = 1200
const jpegQuality = 85

export type PhotoCheck = { ok: true; jpeg: Buffer; width: number; height: number } | { ok: false; why: string }

type Raster = { width: number; height: number; rgba: Uint8Array }

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const notAnImage = 'The file must be a JPEG or PNG photograph'
const corrupt = 'The photograph could not be read: it may be damaged. Save it again as a JPEG or PNG and upload it'
const tooManyPixels = `The photograph has too many pixels: it must be ${maxPhotoPixels / 1_000_000} megapixels or fewer`

/** JPEG or PNG by its first bytes, whatever its name or declared type. */
export function imageKind(bytes: Uint8Array): 'jpeg' | 'png' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(pngSignature)) return 'png'
  return undefined
}

/** The uploaded file, checked and made safe to keep: a fresh JPEG, or why not. */
export function cleanPhoto(bytes: Buffer): PhotoCheck {
  if (bytes.length === 0) return { ok: false, why: 'The selected file is empty' }
  if (bytes.length > maxPhotoBytes) return { ok: false, why: `The photograph must be smaller than ${maxPhotoSizeText}` }
  const kind = imageKind(bytes)
  if (!kind) return { ok: false, why: notAnImage }
  const decoded = kind === 'jpeg' ? readJpeg(bytes) : readPng(bytes)
  if ('why' in decoded) return { ok: false, why: decoded.why }
  const small = scaleOntoWhite(decoded, longestSide)
  const jpeg = encodeJpeg({ data: small.rgba, width: small.width, height: small.height }, jpegQuality).data
  return { ok: true, jpeg: Buffer.from(jpeg), width: small.width, height: small.height }
}

function readJpeg(bytes: Buffer): Raster | { why: string } {
  try {
    const image = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: maxPhotoPixels / 1_000_000,
      maxMemoryUsageInMB: maxDecodeMemoryMb,
    })
    if (!image.width || !image.height) return { why: corrupt }
    return { width: image.width, height: image.height, rgba: image.data }
  } catch (error) {
    return {
      why: /maxResolutionInMP|maxMemoryUsageInMB|allocate/.test(String((error as Error).message))
        ? tooManyPixels
        : corrupt,
    }
  }
}

type PngHeader = {
  width: number
  height: number
  bitDepth: number
  colourType: number
  interlaced: boolean
  idat: Buffer[]
}

const channelsOf: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

/**
 * The chunk list, walked before pngjs sees the file: the header's size is checked before any
 * pixel is inflated, and (pngjs inflates an interlaced image without a limit) the image data is
 * inflated here once with one, so a few kilobytes cannot unpack into gigabytes.
 */
function readPngHeader(bytes: Buffer): PngHeader | undefined {
  let at = 8
  let header: Omit<PngHeader, 'idat'> | undefined
  const idat: Buffer[] = []
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at)
    const type = bytes.toString('latin1', at + 4, at + 8)
    if (at + 12 + length > bytes.length) return undefined
    const data = bytes.subarray(at + 8, at + 8 + length)
    if (!header && type !== 'IHDR') return undefined
    if (type === 'IHDR') {
      if (length !== 13) return undefined
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        bitDepth: data[8]!,
        colourType: data[9]!,
        interlaced: data[12] === 1,
      }
    } else if (type === 'IDAT') {
      idat.push(data)
    } else if (type === 'IEND') {
      return header && idat.length ? { ...header, idat } : undefined
    }
    at += 12 + length
  }
  return undefined
}

function readPng(bytes: Buffer): Raster | { why: string } {
  const header = readPngHeader(bytes)
  const channels = header ? channelsOf[header.colourType] : undefined
  if (!header || !channels || header.width === 0 || header.height === 0) return { why: corrupt }
  if (header.width * header.height > maxPhotoPixels) return { why: tooManyPixels }
  const rowBytes = Math.ceil((header.width * channels * header.bitDepth) / 8) + 1
  // Inflated data plus the RGBA copy pngjs makes of it: a 16-bit image costs twice an 8-bit one.
  if ((rowBytes * header.height + header.width * header.height * 4) / (1024 * 1024) > maxDecodeMemoryMb)
    return { why: tooManyPixels }
  try {
    if (header.interlaced) {
      // Adam7's passes add a filter byte (and a partial byte) to each row of each pass: twice the
      // plain image's size bounds them generously, and still bounds the bomb.
      inflateSync(Buffer.concat(header.idat), { maxOutputLength: 2 * rowBytes * header.height + 1024 })
    }
    const image = PNG.sync.read(bytes, { checkCRC: true })
    return { width: image.width, height: image.height, rgba: image.data }
  } catch {
    return { why: corrupt }
  }
}

/**
 * Scaled to fit `limit` on its longest side by averaging each block of source pixels, with any
 * transparency laid over white (a JPEG has none). RGBA out, as the encoder takes it.
 */
export function scaleOntoWhite(source: Raster, limit: number): Raster {
  const scale = Math.min(1, limit / Math.max(source.width, source.height))
  const width = Math.max(1, Math.round(source.width * scale))
  const height = Math.max(1, Math.round(source.height * scale))
  const sums = new Float64Array(width * height * 3)
  const counts = new Uint32Array(width * height)
  const { rgba } = source
  for (let y = 0; y < source.height; y++) {
    const row = Math.min(height - 1, Math.floor((y * height) / source.height)) * width
    for (let x = 0; x < source.width; x++) {
      const i = (y * source.width + x) * 4
      const alpha = rgba[i + 3]! / 255
      const white = 255 * (1 - alpha)
      const cell = row + Math.min(width - 1, Math.floor((x * width) / source.width))
      sums[cell * 3] = sums[cell * 3]! + rgba[i]! * alpha + white
      sums[cell * 3 + 1] = sums[cell * 3 + 1]! + rgba[i + 1]! * alpha + white
      sums[cell * 3 + 2] = sums[cell * 3 + 2]! + rgba[i + 2]! * alpha + white
      counts[cell] = counts[cell]! + 1
    }
  }
  const out = new Uint8Array(width * height * 4)
  for (let cell = 0; cell < width * height; cell++) {
    const n = counts[cell] || 1
    out[cell * 4] = Math.round(sums[cell * 3]! / n)
    out[cell * 4 + 1] = Math.round(sums[cell * 3 + 1]! / n)
    out[cell * 4 + 2] = Math.round(sums[cell * 3 + 2]! / n)
    out[cell * 4 + 3] = 255
  }
  return { width, height, rgba: out }
}
