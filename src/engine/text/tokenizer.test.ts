import fc from 'fast-check';
import { mulberry32 } from '../data/random';
import { describe, expect, it } from 'vitest';
import {
  CLS_ID,
  MASK_ID,
  PAD_ID,
  SPECIAL_TOKENS,
  Tokenizer,
  UNK_ID,
  WORD_MARK,
  encodeBatch,
  normalize,
  preTokenize,
  trainTokenizer,
  type TokenizerSpec,
} from './tokenizer.js';

const ENGLISH = [
  'The quick brown fox jumps over the lazy dog.',
  'A stitch in time saves nine, they say; the early bird catches the worm!',
  'Is this the real life? Is this just fantasy?',
  'Meet me at 10:30 on 2024-05-17 -- bring 3 apples and 12 pears (not 13).',
  'Café, naïve, résumé, jalapeño: accents are letters too. Über straße!',
  'Emoji 😀 and 🚀 and ❤️ go to the moon; prices: $4.99, €5, 50% off!!!',
  'Email me at someone@example.com or visit https://example.com/a_b?c=d&e=f',
  'the the the then there these those other mother brother',
  'Call 555-0186 or 867-5309 now',
  'ΕΛΛΗΝΙΚΆ γράμματα, кириллица, 中文字符, and العربية too',
];

/** The corpus repeated so that its pairs are frequent enough to merge (minFrequency 2). */
const CORPUS = Array.from({ length: 5 }, () => ENGLISH).flat();

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rand = mulberry32(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The single characters of a spec's vocabulary (its training alphabet). */
function alphabetOf(spec: TokenizerSpec): string[] {
  return spec.vocab.slice(SPECIAL_TOKENS.length).filter((t) => [...t].length === 1);
}

describe('normalize', () => {
  it('applies NFKC', () => {
    expect(normalize('ﬁne', false)).toBe('fine');
    expect(normalize('Ａｂｃ１２３', true)).toBe('abc123');
    expect(normalize('Ａｂｃ', false)).toBe('Abc');
    // A decomposed accent is composed.
    expect(normalize('cafe\u0301', false)).toBe('café');
  });

  it('collapses whitespace runs to one space and trims', () => {
    expect(normalize('  hello \t\n  world \u00a0\u3000 !  ', true)).toBe('hello world !');
    expect(normalize(' \n\t ', true)).toBe('');
  });

  it('lower-cases only when asked', () => {
    expect(normalize('Hello WORLD', true)).toBe('hello world');
    expect(normalize('Hello WORLD', false)).toBe('Hello WORLD');
  });

  it('reads a WORD_MARK in the input as a space (decode could not tell them apart)', () => {
    expect(normalize(`a${WORD_MARK}b ${WORD_MARK} c`, true)).toBe('a b c');
  });
});

describe('preTokenize', () => {
  it('marks words that start the text or follow a space', () => {
    expect(preTokenize('hello, world')).toEqual(['▁hello', ',', '▁world']);
    expect(preTokenize('')).toEqual([]);
  });

  it('splits letters, digits and every other character', () => {
    expect(preTokenize('abc123def 4.5 ok!!')).toEqual(['▁abc', '123', 'def', '▁4', '.', '5', '▁ok', '!', '!']);
    expect(preTokenize('naïve café')).toEqual(['▁naïve', '▁café']);
    // Combining marks stay in their letters' word; emoji stand alone.
    expect(preTokenize('cafe\u0301 😀😀')).toEqual(['▁cafe\u0301', '▁😀', '😀']);
  });

  it('cuts words longer than 50 characters (counted in code points)', () => {
    expect(preTokenize('a'.repeat(120))).toEqual(['▁' + 'a'.repeat(50), 'a'.repeat(50), 'a'.repeat(20)]);
    expect(preTokenize('x ' + '1'.repeat(51))).toEqual(['▁x', '▁' + '1'.repeat(50), '1']);
    // '𝒜' is one letter but two UTF-16 units: 30 of them (60 units) are still one word.
    expect(preTokenize('𝒜'.repeat(30))).toEqual(['▁' + '𝒜'.repeat(30)]);
    expect(preTokenize('𝒜'.repeat(60))).toEqual(['▁' + '𝒜'.repeat(50), '𝒜'.repeat(10)]);
  });
});

describe('trainTokenizer and Tokenizer', () => {
  const spec = trainTokenizer(CORPUS, { vocabSize: 300 });
  const tok = new Tokenizer(spec);

  it('round-trips the training texts (punctuation, digits, accents, emoji, other scripts)', () => {
    for (const text of CORPUS) {
      const ids = tok.encode(text);
      expect(ids).not.toContain(UNK_ID);
      expect(tok.decode(ids)).toBe(normalize(text, true));
    }
  });

  it('round-trips new texts made of known characters', () => {
    for (const text of ['A brown dog over the moon!', 'über 2024 😀 ❤️?', 'réSumé   JUMPS\n\nover   the   fox']) {
      expect(tok.decode(tok.encode(text))).toBe(normalize(text, true));
    }
  });

  it('round-trips random strings drawn from the training alphabet (property)', () => {
    const chars = [...alphabetOf(spec), ' ', '\t', '\n'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 80 }), (parts) => {
        const text = parts.join('');
        const expected = normalize(text, true);
        // NFKC can compose two alphabet characters into one the alphabet lacks (e + ◌́ -> é).
        const known = [...expected].every((ch) => ch === ' ' || tok.tokenToId(ch) !== UNK_ID);
        const ids = tok.encode(text);
        if (known) {
          expect(ids).not.toContain(UNK_ID);
          expect(tok.decode(ids)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('encodes any string to ids in range, exactly when nothing is unknown (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const ids = tok.encode(text);
        for (const id of ids) expect(Number.isInteger(id) && id >= 0 && id < tok.vocabSize).toBe(true);
        expect(ids).not.toContain(PAD_ID);
        expect(ids).not.toContain(CLS_ID);
        if (!ids.includes(UNK_ID)) expect(tok.decode(ids)).toBe(normalize(text, true));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps case when lowercase is off', () => {
    const cased = new Tokenizer(trainTokenizer(CORPUS, { vocabSize: 300, lowercase: false }));
    expect(cased.spec.lowercase).toBe(false);
    expect(cased.decode(cased.encode('The Email Is Meet'))).toBe('The Email Is Meet');
    expect(cased.tokenToId('T')).not.toBe(UNK_ID);
    expect(tok.tokenToId('T')).toBe(UNK_ID); // lower-cased training never saw it
  });

  it('has the special tokens at ids 0..3', () => {
    expect([PAD_ID, UNK_ID, CLS_ID, MASK_ID]).toEqual([0, 1, 2, 3]);
    expect(SPECIAL_TOKENS).toEqual(['[PAD]', '[UNK]', '[CLS]', '[MASK]']);
    expect(spec.vocab.slice(0, 4)).toEqual([...SPECIAL_TOKENS]);
    SPECIAL_TOKENS.forEach((t, i) => {
      expect(tok.tokenToId(t)).toBe(i);
      expect(tok.idToToken(i)).toBe(t);
    });
    // Text that spells a special token is just text.
    expect(tok.encode('[MASK]')).not.toContain(MASK_ID);
  });

  it('maps unknown characters to UNK_ID, shown as [UNK]', () => {
    const ids = tok.encode('the ☃ dog');
    expect(ids.filter((id) => id === UNK_ID)).toHaveLength(1);
    expect(tok.decode(ids)).toBe('the [UNK] dog');
    expect(tok.tokenize('☃☃')).toEqual(['▁', '[UNK]', '[UNK]']);
    // Inside a word, [UNK] still reads as a word of its own.
    expect(tok.decode(tok.encode('the☃dog'))).toBe('the [UNK] dog');
    expect(tok.tokenToId('no such token')).toBe(UNK_ID);
    expect(tok.idToToken(-1)).toBe('[UNK]');
    expect(tok.idToToken(tok.vocabSize)).toBe('[UNK]');
  });

  it('decodes: skips [PAD] and [CLS], shows [MASK] as its own word', () => {
    const the = tok.encode('the');
    const dog = tok.encode('dog');
    expect(tok.decode([CLS_ID, ...the, ...dog, PAD_ID, PAD_ID])).toBe('the dog');
    expect(tok.decode([CLS_ID, ...the, MASK_ID, ...dog, PAD_ID])).toBe('the [MASK] dog');
    expect(tok.decode([MASK_ID, MASK_ID])).toBe('[MASK] [MASK]');
    expect(tok.decode(new Int32Array([CLS_ID, ...the]))).toBe('the');
    expect(tok.decode([])).toBe('');
  });

  it('keeps the vocabulary within vocabSize, without duplicates, every merge joining known tokens', () => {
    expect(spec.vocab.length).toBeLessThanOrEqual(300);
    expect(new Set(spec.vocab).size).toBe(spec.vocab.length);
    for (const [a, b] of spec.merges) {
      expect(spec.vocab).toContain(a);
      expect(spec.vocab).toContain(b);
      expect(spec.vocab).toContain(a + b);
    }
    const small = trainTokenizer(CORPUS, { vocabSize: 40 });
    expect(small.vocab).toHaveLength(40);
  });

  it('merges frequent pairs into tokens', () => {
    const s = trainTokenizer(['the the the', 'the cat', 'then'], { vocabSize: 100 });
    expect(s.vocab).toContain('▁the');
    const t = new Tokenizer(s);
    expect(t.tokenize('the The THE')).toEqual(['▁the', '▁the', '▁the']);
    // (▁,t), (t,h) and (h,e) all occur 5 times: the tie goes to the smallest strings.
    expect(s.merges[0]).toEqual(['h', 'e']);
  });

  it('stops at minFrequency', () => {
    // Each pair of "abc" occurs once: nothing is frequent enough by default.
    expect(trainTokenizer(['abc'], { vocabSize: 100 }).merges).toEqual([]);
    // All pairs tie at 1: (a,b) < (b,c) < (▁,a) as strings.
    expect(trainTokenizer(['abc'], { vocabSize: 100, minFrequency: 1 }).merges).toEqual([
      ['a', 'b'],
      ['ab', 'c'],
      ['▁', 'abc'],
    ]);
  });

  it('keeps only the most frequent characters when the alphabet outgrows the vocabulary', () => {
    // ▁ 4, a 4, b 4, x 2: room for three characters, so x is left out (and the vocabulary is full).
    const s = trainTokenizer(['axb axb', 'ab ab'], { vocabSize: 7 });
    expect(s.vocab).toEqual([...SPECIAL_TOKENS, 'a', 'b', '▁']);
    expect(s.merges).toEqual([]);
    expect(new Tokenizer(s).tokenize('axb ab')).toEqual(['▁', 'a', '[UNK]', 'b', '▁', 'a', 'b']);
    // Ties in frequency go to the lower code point: "c" and "d" tie, "c" stays.
    expect(trainTokenizer(['aa c d'], { vocabSize: 7 }).vocab).toEqual([...SPECIAL_TOKENS, 'a', 'c', '▁']);
  });

  it('sorts the alphabet by code point, astral characters after the BMP', () => {
    const s = trainTokenizer(['😀 \uFFFD a'], { vocabSize: 10 });
    expect(s.vocab.slice(4, 8)).toEqual(['a', '▁', '\uFFFD', '😀']);
  });

  it('rejects a vocabSize with no room for a character', () => {
    expect(() => trainTokenizer(CORPUS, { vocabSize: 4 })).toThrow(RangeError);
    expect(() => trainTokenizer(CORPUS, { vocabSize: 10.5 })).toThrow(RangeError);
  });

  it('returns a fresh array each time (the word cache is not shared with callers)', () => {
    const first = tok.encode('the dog');
    const copy = [...first];
    first.push(99);
    first[0] = 42;
    expect(tok.encode('the dog')).toEqual(copy);
  });

  it('encodes correctly past the cache limit', () => {
    const t = new Tokenizer(spec);
    const before = t.encode('the lazy dog');
    const many = Array.from({ length: 60_000 }, (_, i) => String(i)).join(' ');
    expect(t.decode(t.encode(many))).toBe(many);
    expect(t.encode('the lazy dog')).toEqual(before);
  });

  it('refuses an invalid spec', () => {
    expect(() => new Tokenizer({ ...spec, type: 'wordpiece' } as unknown as TokenizerSpec)).toThrow(/Invalid/);
    expect(() => new Tokenizer({ ...spec, version: 2 } as unknown as TokenizerSpec)).toThrow(/Invalid/);
    expect(() => new Tokenizer({ ...spec, vocab: spec.vocab.slice(1) })).toThrow(/Invalid/);
    expect(() => new Tokenizer({ ...spec, merges: [...spec.merges, ['zz', 'top']] })).toThrow(/Invalid/);
    // A spec that went through JSON (as in a download) works the same.
    const copy = new Tokenizer(JSON.parse(JSON.stringify(spec)) as TokenizerSpec);
    expect(copy.encode(ENGLISH[0]!)).toEqual(tok.encode(ENGLISH[0]!));
  });
});

describe('determinism', () => {
  it('gives the same spec for the same texts, in any order', () => {
    const a = trainTokenizer(CORPUS, { vocabSize: 250 });
    const b = trainTokenizer(CORPUS, { vocabSize: 250 });
    expect(b).toEqual(a);
    for (const seed of [1, 2, 3]) expect(trainTokenizer(shuffled(CORPUS, seed), { vocabSize: 250 })).toEqual(a);
  });

  it('breaks ties in pair counts by the strings, not by the order seen', () => {
    // Every pair occurs once: (a,b) < (c,d) < (▁,a) < (▁,c) as strings.
    for (const texts of [
      ['ab', 'cd'],
      ['cd', 'ab'],
    ]) {
      expect(trainTokenizer(texts, { vocabSize: 100, minFrequency: 1 }).merges).toEqual([
        ['a', 'b'],
        ['c', 'd'],
        ['▁', 'ab'],
        ['▁', 'cd'],
      ]);
    }
  });

  it('holds its invariants on random corpora over a tiny alphabet (property)', () => {
    // Few letters make long chains of merges and many ties likely.
    const word = fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 8 }).map((w) => w.join(''));
    const text = fc.array(word, { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 5, max: 60 }),
        (texts, vocabSize) => {
          const s = trainTokenizer(texts, { vocabSize, minFrequency: 1 });
          expect(s.vocab.length).toBeLessThanOrEqual(vocabSize);
          expect(new Set(s.vocab).size).toBe(s.vocab.length);
          expect(trainTokenizer(shuffled(texts, vocabSize), { vocabSize, minFrequency: 1 })).toEqual(s);
          const t = new Tokenizer(s);
          for (const x of texts) {
            const ids = t.encode(x);
            if (!ids.includes(UNK_ID)) expect(t.decode(ids)).toBe(x);
          }
          // With room for the whole alphabet, nothing is unknown.
          if (vocabSize >= 8) for (const x of texts) expect(t.encode(x)).not.toContain(UNK_ID);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('encodeBatch', () => {
  const tok = new Tokenizer(trainTokenizer(CORPUS, { vocabSize: 300 }));

  it('writes [CLS], the tokens, then [PAD] (0), and counts truncation', () => {
    const texts = ['the dog', '', 'The quick brown fox jumps over the lazy dog.'];
    const maxLength = 6;
    const { ids, lengths, truncated } = encodeBatch(tok, texts, maxLength);
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids).toHaveLength(texts.length * maxLength);
    const dog = tok.encode('the dog');
    expect(dog.length).toBeLessThan(maxLength - 1);
    expect([...ids.subarray(0, 6)]).toEqual([CLS_ID, ...dog, ...Array<number>(5 - dog.length).fill(PAD_ID)]);
    expect([...ids.subarray(6, 12)]).toEqual([CLS_ID, 0, 0, 0, 0, 0]);
    const fox = tok.encode(texts[2]!);
    expect(fox.length).toBeGreaterThan(5);
    expect([...ids.subarray(12, 18)]).toEqual([CLS_ID, ...fox.slice(0, 5)]);
    expect([...lengths]).toEqual([1 + dog.length, 1, 6]);
    expect(truncated).toBe(1);
  });

  it('leaves [CLS] out when asked', () => {
    const dog = tok.encode('the dog');
    const { ids, lengths, truncated } = encodeBatch(tok, ['the dog'], dog.length, { cls: false });
    expect([...ids]).toEqual(dog);
    expect([...lengths]).toEqual([dog.length]);
    expect(truncated).toBe(0);
    expect(encodeBatch(tok, ['the dog'], dog.length).truncated).toBe(1);
  });

  it('handles edge sizes', () => {
    const one = encodeBatch(tok, ['the dog', ''], 1);
    expect([...one.ids]).toEqual([CLS_ID, CLS_ID]);
    expect(one.truncated).toBe(1);
    expect(encodeBatch(tok, [], 8).ids).toHaveLength(0);
    expect(() => encodeBatch(tok, ['x'], 0)).toThrow(RangeError);
  });
});

describe('training speed', () => {
  it('trains a 4000-token vocabulary on ~2 MB of text (time printed, not asserted)', () => {
    const rand = mulberry32(42);
    const syllables = ['ka', 'lo', 'mi', 'ne', 'tor', 'vis', 'qua', 'pre', 'str', 'ing', 'ed', 'un', 'ex', 'zo', 'bly'];
    const words = new Set<string>();
    while (words.size < 3000) {
      const n = 1 + Math.floor(rand() * 4);
      let w = '';
      for (let i = 0; i < n; i++) w += syllables[Math.floor(rand() * syllables.length)];
      words.add(w);
    }
    const vocabulary = [...words];
    // Zipf-ish: rank r drawn with probability ~ 1 / (r + 1), by inverting the cumulative weights.
    const cumulative: number[] = [];
    let total = 0;
    for (let r = 0; r < vocabulary.length; r++) cumulative.push((total += 1 / (r + 1)));
    const pick = (): string => {
      const x = rand() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      return vocabulary[lo]!;
    };
    const texts: string[] = [];
    let size = 0;
    while (size < 2_000_000) {
      const parts: string[] = [];
      const target = 200 + Math.floor(rand() * 600);
      let len = 0;
      while (len < target) {
        let w = pick();
        if (rand() < 0.05) w = w[0]!.toUpperCase() + w.slice(1);
        if (rand() < 0.03) w = String(Math.floor(rand() * 10_000));
        if (rand() < 0.08) w += '.,!?;:'[Math.floor(rand() * 6)];
        parts.push(w);
        len += w.length + 1;
      }
      const text = parts.join(' ');
      texts.push(text);
      size += text.length;
    }

    const start = performance.now();
    const s = trainTokenizer(texts, { vocabSize: 4000 });
    const ms = performance.now() - start;
    console.log(
      `tokenizer training: ${texts.length} texts, ${(size / 1e6).toFixed(2)} MB, vocabulary ${s.vocab.length}, ` +
        `${s.merges.length} merges in ${ms.toFixed(0)} ms`,
    );

    expect(s.vocab.length).toBeLessThanOrEqual(4000);
    expect(new Set(s.vocab).size).toBe(s.vocab.length);
    if (s.vocab.length < 4000) {
      // Training stopped early only because no pair was left twice: every word is a single token.
      const t = new Tokenizer(s);
      for (const w of vocabulary) expect(t.encode(w)).toHaveLength(1);
    }
    const t = new Tokenizer(s);
    for (const text of texts.slice(0, 50)) expect(t.decode(t.encode(text))).toBe(normalize(text, true));
  });
});
