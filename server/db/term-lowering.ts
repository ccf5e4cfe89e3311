/**
 * Whether the database's `lower()` maps ASCII as JavaScript's `toLowerCase()` does (not so under a
 * Turkish locale, whose `I` lowers to a dotless `ı`). The counts from the chunks' rows
 * (log-chunks.ts countableTerm, pairTerm) compare a term lower-cased here with words the sealer
 * lower-cased (by PostgreSQL's `lower()` in such a database), so they are used only when the two
 * agree; otherwise a count reads the lines, as ILIKE decides. Set by openPostgres on the database
 * it opens (a process serves one database; the embedded one is `C`, builtin provider).
 */
let lowersAsJs = true;

export const termsLowerAsJs = () => lowersAsJs;

export function noteTermLowering(databaseLowersAsJs: boolean) {
  lowersAsJs = databaseLowersAsJs;
}
