import type { FeedbackType, TranslationKeys, ZxcvbnFactory } from '@zxcvbn-ts/core'

// zxcvbn's feedback comes back as keys (no translations are set); these are the words the user sees.
const reasons: Record<keyof TranslationKeys['warnings'], string> = {
  straightRow: 'it uses a straight row of keys on the keyboard',
  keyPattern: 'it uses a keyboard pattern',
  simpleRepeat: 'it repeats the same character',
  extendedRepeat: 'it repeats a pattern of characters, like "abcabc"',
  sequences: 'it uses a common sequence, like "abc" or "123"',
  recentYears: 'it uses a recent year',
  dates: 'it uses a date',
  topTen: 'it is one of the most used passwords',
  topHundred: 'it is one of the most used passwords',
  common: 'it is a commonly used password',
  similarToCommon: 'it is too similar to a commonly used password',
  wordByItself: 'it is a single word',
  namesByThemselves: 'it is a single name or surname',
  commonNames: 'it uses common names and surnames',
  userInputs: 'it uses your username or the name of this service',
  pwned: 'it has appeared in a data breach',
}

const tips: Record<keyof TranslationKeys['suggestions'], string> = {
  l33t: 'Swapping letters for symbols, like @ for a, does not make it harder to guess',
  reverseWords: 'Do not spell common words backwards',
  allUppercase: 'Capital letters alone do not make it harder to guess',
  capitalization: 'A capital first letter does not make it harder to guess',
  dates: 'Do not use dates or years that are linked to you',
  recentYears: 'Do not use recent years',
  associatedYears: 'Do not use years that are linked to you',
  sequences: 'Do not use common sequences of characters',
  repeated: 'Do not repeat words or characters',
  longerKeyboardPattern: 'Do not use patterns of keys on the keyboard',
  anotherWord: 'Add another word or two that are less common',
  useWords: 'Use 3 or more random words',
  noNeed: 'Use 3 or more random words',
  pwned: 'Do not use a password you use anywhere else',
}

export type Strength = { score: number; feedback: FeedbackType }

let checker: Promise<ZxcvbnFactory> | undefined

/**
 * The checker and its dictionaries (zxcvbn's common passwords, diceware words and English words,
 * names and Wikipedia terms), built once on first use: unpacking them takes a fraction of a
 * second of CPU, which importing a module should not cost.
 */
function strengthChecker(): Promise<ZxcvbnFactory> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ])
    // No Levenshtein matching: it multiplied the time of a check tenfold (to near a second) and
    // the near-misses it finds are caught as variants (l33t, case, reversal) already.
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
    })
  })().catch((error: unknown) => {
    checker = undefined
    throw error
  })
  return checker
}

/** zxcvbn's estimate: 0 (guessed at once) to 4 (very unlikely to be guessed); userInputs count as known words. */
export async function estimateStrength(password: string, userInputs: readonly string[]): Promise<Strength> {
  const result = (await strengthChecker()).check(password, [...userInputs])
  return { score: result.score, feedback: result.feedback }
}

/** Why a password is weak and what to do instead, as one sentence pair for an error message. */
export function explainWeakness(feedback: FeedbackType): string {
  const reason = feedback.warning ? reasons[feedback.warning as keyof typeof reasons] : undefined
  const specific = feedback.suggestions.find((s) => s !== 'anotherWord' && s in tips)
  const tip = tips[(specific ?? 'anotherWord') as keyof typeof tips]
  return reason ? `Password is too easy to guess because ${reason}. ${tip}` : `Password is too easy to guess. ${tip}`
}
