/** A page of a list, as the database reads it: how many rows, after how many. */
export type Window = { limit: number; offset: number }
