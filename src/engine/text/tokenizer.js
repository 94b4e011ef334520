// @ts-check
// (Checked with tokenizer.d.ts's types by `npm run typecheck`: tsconfig.js.json.)
// Byte-pair-encoding subword tokenizer. A plain ES module with no imports on purpose: the studio
// runs it in its worker, and a text model's download ships this very file as tokenizer.mjs for
// Node 18+, so the downloaded model tokenizes exactly as the studio did. Types: tokenizer.d.ts.

/** Id of [PAD]: fills a row after its tokens; decode skips it. */
export const PAD_ID = 0;
/** Id of [UNK]: any symbol the vocabulary lacks (a character never seen in training). */
export const UNK_ID = 1;
/** Id of [CLS]: first token of every row when encodeBatch is asked for it; decode skips it. */
export const CLS_ID = 2;
/** Id of [MASK]: stands in for hidden tokens in masked-language-model pretraining. */
export const MASK_ID = 3;
/** Token strings of ids 0..3. */
export const SPECIAL_TOKENS = Object.freeze(['[PAD]', '[UNK]', '[CLS]', '[MASK]']);
/** Marks a word that starts the text or follows a space ("▁", as SentencePiece does), so decode can put the spaces back. */
export const WORD_MARK = '\u2581';

/** Longest word, in characters; longer runs (a URL, a hash) are cut so one of them cannot cost a quadratic merge loop. */
const MAX_WORD = 50;
/**
 * Pairs of ids are keyed by one number, left * vocabulary size + right: exact while the square of
 * the vocabulary size stays below 2^53, and small integers (fast Map keys) for the usual sizes.
 */
const MAX_VOCAB = 4194304; // 2^22
/** Encode's per-word cache is dropped whole past this many words, to bound memory on endless streams of new words. */
const CACHE_LIMIT = 50000;

const WORD_MARK_RE = new RegExp(WORD_MARK, 'g');
const WHITESPACE_RUNS_RE = /\s+/g;
// The whitespace before a word (it earns the word its mark), then the word: a run of letters and
// combining marks, a run of digits, or any other single character.
const WORD_RE = /(\s*)([\p{L}\p{M}]+|\p{N}+|[^\s\p{L}\p{M}\p{N}])/gu;

/**
 * The canonical text a tokenizer sees, and what decode gives back: NFKC, lower-cased if asked,
 * every run of whitespace one space, trimmed. A WORD_MARK in the input counts as a space too,
 * since decode could not tell it from one.
 * @param {string} text
 * @param {boolean} lowercase
 * @returns {string}
 */
export function normalize(text, lowercase) {
  let s = text.normalize('NFKC');
  if (lowercase) s = s.toLowerCase();
  if (s.includes(WORD_MARK)) s = s.replace(WORD_MARK_RE, ' ');
  return s.replace(WHITESPACE_RUNS_RE, ' ').trim();
}

/**
 * Splits normalized text into words: runs of letters/marks, runs of digits, each other character
 * alone, runs cut at 50 characters. A word that starts the text or follows a space gets the
 * WORD_MARK prefix: "hello, world" -> ["▁hello", ",", "▁world"].
 * @param {string} normalized
 * @returns {string[]}
 */
export function preTokenize(normalized) {
  /** @type {string[]} */
  const words = [];
  const re = new RegExp(WORD_RE); // own lastIndex: safe to call from anywhere, even re-entrantly
  let m;
  while ((m = re.exec(normalized)) !== null) {
    const word = m[2];
    const marked = m.index === 0 || m[1] !== '';
    // Cheap test first: at most 50 UTF-16 units is at most 50 characters.
    const chars = word.length > MAX_WORD ? Array.from(word) : null;
    if (chars === null || chars.length <= MAX_WORD) {
      words.push(marked ? WORD_MARK + word : word);
    } else {
      for (let i = 0; i < chars.length; i += MAX_WORD) {
        const piece = chars.slice(i, i + MAX_WORD).join('');
        words.push(marked && i === 0 ? WORD_MARK + piece : piece);
      }
    }
  }
  return words;
}

/**
 * Compares two characters by code point (plain `<` compares UTF-16 units, which sorts astral
 * characters among U+D800-DFFF).
 * @param {string} a one character
 * @param {string} b one character
 */
function byCodePoint(a, b) {
  return (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0);
}

/**
 * Max-heap of candidate merges: most frequent first, ties by the pair's strings (left, then
 * right) so that training never depends on the order words were seen in. Entries may be stale
 * (their pair's count changed since); the trainer checks each popped entry against the live count.
 */
class PairHeap {
  /** @param {string[]} names token string by id, for tie-breaks */
  constructor(names) {
    this.names = names;
    /** @type {{ count: number, a: number, b: number }[]} */
    this.items = [];
  }

  get size() {
    return this.items.length;
  }

  /**
   * True when x should come out before y.
   * @param {{ count: number, a: number, b: number }} x
   * @param {{ count: number, a: number, b: number }} y
   */
  before(x, y) {
    if (x.count !== y.count) return x.count > y.count;
    const n = this.names;
    if (x.a !== y.a) return n[x.a] < n[y.a];
    return n[x.b] < n[y.b];
  }

  /** @param {{ count: number, a: number, b: number }} item */
  push(item) {
    const h = this.items;
    let i = h.length;
    h.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (!this.before(item, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = item;
  }

  pop() {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (last && h.length > 0) {
      const n = h.length;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && this.before(h[r], h[l])) c = r;
        const child = h[c];
        if (!this.before(child, last)) break;
        h[i] = child;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

/**
 * `s` with every occurrence of the pair (a, b), left to right, replaced by `c`.
 * @param {number[]} s @param {number | undefined} a @param {number | undefined} b @param {number} c
 * @returns {number[]}
 */
function mergePair(s, a, b, c) {
  /** @type {number[]} */
  const out = [];
  for (let i = 0; i < s.length;) {
    if (s[i] === a && s[i + 1] === b) {
      out.push(c);
      i += 2;
    } else {
      out.push(s[i]);
      i++;
    }
  }
  return out;
}

/**
 * Learns a BPE vocabulary. Deterministic: the same texts (in any order) and options give the same
 * spec. The alphabet is every character seen (sorted by code point), or the vocabSize - 4 most
 * frequent ones if there are more; then the most frequent adjacent pair is merged, again and again,
 * until the vocabulary has vocabSize tokens or the best pair occurs fewer than minFrequency times.
 * Pair counts are kept up to date incrementally: a merge revisits only the words that contain it.
 * @param {readonly string[]} texts
 * @param {import('./tokenizer').TrainTokenizerOptions} options
 * @returns {import('../../shared/preprocessing').TokenizerSpec}
 */
export function trainTokenizer(texts, { vocabSize, lowercase = true, minFrequency = 2 }) {
  if (!Number.isInteger(vocabSize) || vocabSize <= SPECIAL_TOKENS.length || vocabSize > MAX_VOCAB) {
    throw new RangeError(`vocabSize must be an integer from ${SPECIAL_TOKENS.length + 1} to ${MAX_VOCAB}`);
  }
  const minCount = Math.max(1, minFrequency);
  const { wordList, freqs } = countWords(texts, lowercase);
  const vocab = [...SPECIAL_TOKENS, ...chooseAlphabet(wordList, freqs, vocabSize - SPECIAL_TOKENS.length)];
  /** @type {Map<string, number>} */
  const idOf = new Map(vocab.map((t, i) => [t, i]));
  // Each word as token ids; -1 for a character left out of the alphabet (it never pairs).
  const words = wordList.map((w) => Array.from(w, (ch) => idOf.get(ch) ?? -1));
  const pairs = new PairCounts(words, freqs, vocabSize);
  const heap = new PairHeap(vocab);
  for (const [key, count] of pairs.count) {
    if (count >= minCount) heap.push({ count, ...pairs.split(key) });
  }

  /** @type {[string, string][]} */
  const merges = [];
  while (vocab.length < vocabSize && heap.size > 0) {
    const top = /** @type {{ count: number, a: number, b: number }} */ (heap.pop());
    const { a, b } = top;
    const live = pairs.count.get(pairs.key(a, b)) ?? 0;
    if (live !== top.count) {
      // Stale: the pair's count fell since this entry was pushed (rises push a fresh entry).
      if (live >= minCount && live < top.count) heap.push({ count: live, a, b });
      continue;
    }
    if (live < minCount) break;

    const merged = vocab[a] + vocab[b];
    // Should two merge paths ever spell the same token ("a"+"bc", "ab"+"c"), both get its one id: no duplicates.
    let c = idOf.get(merged);
    if (c === undefined) {
      c = vocab.length;
      vocab.push(merged);
      idOf.set(merged, c);
    }
    merges.push([vocab[a], vocab[b]]);
    for (const [k, count] of pairs.merge(a, b, c)) {
      if (count >= minCount) heap.push({ count, ...pairs.split(k) });
    }
  }

  return { type: 'bpe', version: 1, lowercase, normalization: 'NFKC', vocab, merges };
}

/**
 * The distinct words of the texts, sorted (so that ids and every later step are independent of
 * the texts' order), and how often each occurs.
 * @param {readonly string[]} texts
 * @param {boolean} lowercase
 */
function countWords(texts, lowercase) {
  /** @type {Map<string, number>} */
  const wordFreq = new Map();
  for (const text of texts) {
    for (const w of preTokenize(normalize(text, lowercase))) wordFreq.set(w, (wordFreq.get(w) ?? 0) + 1);
  }
  const wordList = [...wordFreq.keys()].sort();
  return { wordList, freqs: wordList.map((w) => wordFreq.get(w) ?? 0) };
}

/**
 * Every character of the words, sorted by code point; the `room` most frequent ones when there
 * are more.
 * @param {string[]} wordList
 * @param {number[]} freqs
 * @param {number} room
 * @returns {string[]}
 */
function chooseAlphabet(wordList, freqs, room) {
  /** @type {Map<string, number>} */
  const charFreq = new Map();
  wordList.forEach((w, i) => {
    const f = freqs[i];
    for (const ch of w) charFreq.set(ch, (charFreq.get(ch) ?? 0) + f);
  });
  let alphabet = [...charFreq.keys()];
  if (alphabet.length > room) {
    alphabet.sort((x, y) => (charFreq.get(y) ?? 0) - (charFreq.get(x) ?? 0) || byCodePoint(x, y));
    alphabet = alphabet.slice(0, room);
  }
  return alphabet.sort(byCodePoint);
}

/**
 * The live count of each adjacent pair of ids over the words (weighted by word frequency), and the
 * words that contain (or once contained) each pair, kept up to date merge by merge: a merge
 * revisits only the words that contain it. A pair is keyed by one number, left * K + right.
 */
class PairCounts {
  /** @type {Map<number, number>} */
  count = new Map();
  /** @type {Map<number, Set<number>>} */
  #words = new Map();

  /**
   * @param {number[][]} words each word as ids (-1: a character outside the alphabet)
   * @param {number[]} freqs
   * @param {number} K every id is below it
   */
  constructor(words, freqs, K) {
    this.words = words;
    this.freqs = freqs;
    this.K = K;
    words.forEach((s, w) => this.#addPairs(s, w, freqs[w], this.count));
  }

  /** @param {number} a @param {number} b */
  key(a, b) {
    return a * this.K + b;
  }

  /** @param {number} key */
  split(key) {
    return { a: Math.floor(key / this.K), b: key % this.K };
  }

  /**
   * Adds the adjacent pairs of word `w` (spelled `s`, weighted by its frequency `f`) to `counts`,
   * and the word to each pair's set.
   * @param {number[]} s @param {number} w @param {number} f @param {Map<number, number>} counts
   */
  #addPairs(s, w, f, counts) {
    for (let i = 0; i + 1 < s.length; i++) {
      const x = s[i];
      const y = s[i + 1];
      if (x < 0 || y < 0) continue;
      const key = x * this.K + y;
      counts.set(key, (counts.get(key) ?? 0) + f);
      let set = this.#words.get(key);
      if (!set) this.#words.set(key, (set = new Set()));
      set.add(w);
    }
  }

  /**
   * Merges the pair (a, b) into id `c` in every word that holds it; the pairs whose counts rose,
   * with their new counts (the caller queues them).
   * @param {number} a @param {number} b @param {number} c
   * @returns {[number, number][]}
   */
  merge(a, b, c) {
    const key = this.key(a, b);
    /** @type {Map<number, number>} */
    const delta = new Map();
    const affected = this.#words.get(key) ?? [];
    this.#words.delete(key);
    this.count.delete(key);
    for (const w of affected) {
      const s = this.words[w];
      const out = mergePair(s, a, b, c);
      if (out.length === s.length) continue; // the pair left this word in an earlier merge
      const f = this.freqs[w];
      // Words are short (<= 51 symbols): recounting the whole word is simpler than patching around each merge site.
      for (let i = 0; i + 1 < s.length; i++) {
        const x = s[i];
        const y = s[i + 1];
        if (x < 0 || y < 0) continue;
        const k = x * this.K + y;
        if (k !== key) delta.set(k, (delta.get(k) ?? 0) - f);
      }
      this.#addPairs(out, w, f, delta);
      this.words[w] = out;
    }
    /** @type {[number, number][]} */
    const rose = [];
    for (const [k, d] of delta) {
      if (d === 0) continue;
      const count = (this.count.get(k) ?? 0) + d;
      if (count > 0) this.count.set(k, count);
      else {
        this.count.delete(k);
        this.#words.delete(k);
      }
      if (d > 0) rose.push([k, count]);
    }
    return rose;
  }
}

/** Encodes and decodes text with a learned spec. Building one indexes the vocabulary and merge table. */
export class Tokenizer {
  /** @type {Map<string, number>} */
  #ids = new Map();
  /** @type {Map<number, number>} merge rank by pair key (left id * vocab size + right id) */
  #ranks = new Map();
  /** @type {number[]} the id each merge (by rank) produces */
  #mergedIds = [];
  /** @type {Map<string, number[]>} */
  #cache = new Map();

  /** @param {import('../../shared/preprocessing').TokenizerSpec} spec */
  constructor(spec) {
    const fail = (/** @type {string} */ why) => new Error(`Invalid tokenizer spec: ${why}`);
    if (!spec || spec.type !== 'bpe' || spec.version !== 1) throw fail('expected type "bpe", version 1');
    if (spec.normalization !== 'NFKC') throw fail('expected NFKC normalization');
    if (!Array.isArray(spec.vocab) || !Array.isArray(spec.merges)) throw fail('vocab and merges must be arrays');
    if (spec.vocab.length > MAX_VOCAB) throw fail('vocabulary too large');
    SPECIAL_TOKENS.forEach((t, i) => {
      if (spec.vocab[i] !== t) throw fail(`id ${i} must be ${t}`);
    });
    /** @readonly */
    this.spec = spec;
    /** @readonly */
    this.vocabSize = spec.vocab.length;
    spec.vocab.forEach((t, i) => {
      if (typeof t !== 'string' || t === '') throw fail(`token ${i} is not a non-empty string`);
      if (!this.#ids.has(t)) this.#ids.set(t, i);
    });
    spec.merges.forEach((m, rank) => {
      const a = Array.isArray(m) ? this.#ids.get(m[0]) : undefined;
      const b = Array.isArray(m) ? this.#ids.get(m[1]) : undefined;
      const c = a === undefined || b === undefined ? undefined : this.#ids.get(m[0] + m[1]);
      if (
        a === undefined ||
        b === undefined ||
        c === undefined ||
        a < SPECIAL_TOKENS.length ||
        b < SPECIAL_TOKENS.length
      ) {
        throw fail(`merge ${rank} is not a pair of vocabulary tokens whose join is in the vocabulary`);
      }
      const key = a * this.vocabSize + b;
      if (!this.#ranks.has(key)) this.#ranks.set(key, rank);
      this.#mergedIds[rank] = c;
    });
  }

  /**
   * Token strings of a text ("[UNK]" for unknown symbols).
   * @param {string} text
   * @returns {string[]}
   */
  tokenize(text) {
    return this.encode(text).map((id) => this.idToToken(id));
  }

  /**
   * Token ids of a text: normalized, split into words, each word's characters merged by rank.
   * @param {string} text
   * @returns {number[]}
   */
  encode(text) {
    /** @type {number[]} */
    const out = [];
    for (const word of preTokenize(normalize(text, this.spec.lowercase))) {
      for (const id of this.#encodeWord(word)) out.push(id);
    }
    return out;
  }

  /**
   * Classic BPE on one word: merge the lowest-rank adjacent pair (every occurrence, left to right)
   * until no pair has a rank; this replays training's merges in the order they were learned.
   * @param {string} word
   * @returns {number[]}
   */
  #encodeWord(word) {
    const cached = this.#cache.get(word);
    if (cached) return cached;
    /** @type {number[]} */
    let s = Array.from(word, (ch) => this.#ids.get(ch) ?? UNK_ID);
    const v = this.vocabSize;
    while (s.length > 1) {
      let best = Infinity;
      for (let i = 0; i + 1 < s.length; i++) {
        const r = this.#ranks.get(s[i] * v + s[i + 1]);
        if (r !== undefined && r < best) best = r;
      }
      if (best === Infinity) break;
      const m = this.spec.merges[best];
      const a = this.#ids.get(m[0]);
      const b = this.#ids.get(m[1]);
      const c = this.#mergedIds[best];
      s = mergePair(s, a, b, c);
    }
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(word, s);
    return s;
  }

  /**
   * Text of token ids: [PAD] and [CLS] are skipped, [UNK] and [MASK] shown as their own words,
   * WORD_MARK turned back into a space. decode(encode(t)) is normalize(t) when every character
   * of it is in the vocabulary.
   * @param {ArrayLike<number>} ids
   * @returns {string}
   */
  decode(ids) {
    let out = '';
    let spaceNext = false; // a special token just went out: the next piece starts a new word
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === PAD_ID || id === CLS_ID) continue;
      const token = this.idToToken(id);
      // An out-of-range id reads as [UNK] too.
      if (id === MASK_ID || token === SPECIAL_TOKENS[UNK_ID]) {
        if (out !== '' && !out.endsWith(' ')) out += ' ';
        out += token;
        spaceNext = true;
      } else {
        const piece = token.replace(WORD_MARK_RE, ' ');
        if (spaceNext && !piece.startsWith(' ')) out += ' ';
        out += piece;
        spaceNext = false;
      }
    }
    return out.trim();
  }

  /**
   * Token string of an id ("[UNK]" for an id outside the vocabulary).
   * @param {number} id
   * @returns {string}
   */
  idToToken(id) {
    return this.spec.vocab[id] ?? SPECIAL_TOKENS[UNK_ID];
  }

  /**
   * Id of a token string (UNK_ID when absent).
   * @param {string} token
   * @returns {number}
   */
  tokenToId(token) {
    return this.#ids.get(token) ?? UNK_ID;
  }
}

/**
 * Encodes texts into fixed-length rows: [CLS] (unless cls is false), the tokens cut at maxLength,
 * then [PAD] (0).
 * @param {Tokenizer} tokenizer
 * @param {readonly string[]} texts
 * @param {number} maxLength
 * @param {{ cls?: boolean }} [options]
 * @returns {import('./tokenizer').EncodedBatch} ids row-major (texts.length x maxLength); lengths: tokens
 *   written per row, [CLS] included; truncated: how many texts had more tokens than fit.
 */
export function encodeBatch(tokenizer, texts, maxLength, { cls = true } = {}) {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError('maxLength must be a positive integer');
  const ids = new Int32Array(texts.length * maxLength);
  const lengths = new Int32Array(texts.length);
  const room = cls ? maxLength - 1 : maxLength;
  let truncated = 0;
  texts.forEach((text, row) => {
    const tokens = tokenizer.encode(text);
    const start = row * maxLength;
    let n = 0;
    if (cls) ids[start + n++] = CLS_ID;
    const take = Math.min(tokens.length, room);
    for (let i = 0; i < take; i++) ids[start + n++] = tokens[i];
    if (tokens.length > room) truncated++;
    lengths[row] = n;
  });
  return { ids, lengths, truncated };
}
