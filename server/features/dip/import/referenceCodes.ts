// Finding a reference list's entry from what a custody export wrote in a cell: the code as the
// list writes it; else the code in other capitals (files have always been read so), when only
// one code matches that way; and for a custody suite, its name. Codes keep the case they were
// given, so an exact match always wins.

/** The codes a cell could mean: one, none, or (ambiguous) several. */
export type CodeFinder = (typed: string) => string[]

function groupBy(values: Iterable<string>, key: (value: string) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const value of values) groups.set(key(value), [...(groups.get(key(value)) ?? []), value])
  return groups
}

export function codeFinder(codes: Iterable<string>): CodeFinder {
  const exact = new Set(codes)
  const ignoringCase = groupBy(exact, (code) => code.toLowerCase())
  return (typed) => (exact.has(typed) ? [typed] : (ignoringCase.get(typed.toLowerCase()) ?? []))
}

/** A suite's name as compared: case, spacing and a closing "custody suite" aside, so "Forest Gate" names "Forest Gate custody suite". */
export function suiteNameKey(name: string): string {
  return name
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .replace(/ custody suite$/, '')
}

/** Custody suites (code → name) by code, else by name. */
export function suiteFinder(names: ReadonlyMap<string, string>): CodeFinder {
  const byCode = codeFinder(names.keys())
  const byName = groupBy(names.keys(), (code) => suiteNameKey(names.get(code) ?? ''))
  return (typed) => {
    const codes = byCode(typed)
    return codes.length > 0 ? codes : (byName.get(suiteNameKey(typed)) ?? [])
  }
}
