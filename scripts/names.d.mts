/** The names CSV (`name,sex`, about 7,900 rows), shuffled with `seed`. */
export function namesCsv(seed?: number): string;
