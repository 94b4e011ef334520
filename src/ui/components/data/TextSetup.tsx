import { AUTO_TEXT_LENGTH, TEXT_LIMITS } from '../../../shared/limits';
import type { TextOptions, TextSummary } from '../../../shared/types/datasets';
import { attrNumber, fmtPercent } from '../../format';
import { NumberField } from '../NumberField';

/** The tokenizer of the text column: learned from the training split when the table loads. */
export function TextSetup({
  options,
  summary,
  disabled,
  onChange,
}: {
  options: TextOptions;
  summary?: TextSummary;
  disabled: boolean;
  onChange: (t: TextOptions) => void;
}) {
  return (
    <div className="text-setup" data-testid="text-setup">
      <div className="grid-3">
        <NumberField
          testId="text-vocab"
          label="Vocabulary size"
          value={options.vocabSize}
          min={TEXT_LIMITS.vocabSize[0]}
          max={TEXT_LIMITS.vocabSize[1]}
          integer
          commit="blur"
          disabled={disabled}
          onChange={(v) => onChange({ ...options, vocabSize: v })}
        />
        <NumberField
          testId="text-max-length"
          label="Max tokens"
          value={options.autoLength !== false && summary ? summary.maxLength : options.maxLength}
          min={TEXT_LIMITS.maxLength[0]}
          max={TEXT_LIMITS.maxLength[1]}
          integer
          commit="blur"
          disabled={disabled}
          hint={
            summary?.autoLength
              ? `Fitted: 99% of the training texts have at most ${summary.p99Tokens} tokens${summary.p99Tokens > AUTO_TEXT_LENGTH.max ? ` (cut at ${AUTO_TEXT_LENGTH.max}: attention costs the square of the length)` : ''}.`
              : 'Your length; longer texts are cut.'
          }
          onChange={(v) => onChange({ ...options, maxLength: v, autoLength: false })}
        />
        <label className="field checkbox">
          <input
            type="checkbox"
            data-testid="text-length-auto"
            checked={options.autoLength !== false}
            disabled={disabled}
            onChange={(e) => onChange({ ...options, autoLength: e.target.checked })}
          />
          <span>fit the length to the texts</span>
        </label>
        <label className="field checkbox">
          <input
            type="checkbox"
            data-testid="text-lowercase"
            checked={options.lowercase}
            disabled={disabled}
            onChange={(e) => onChange({ ...options, lowercase: e.target.checked })}
          />
          <span>lower-case</span>
        </label>
      </div>
      {summary && <TextSummaryLine summary={summary} />}
    </div>
  );
}

/** The tokenizer learned, and how the texts fit the length. */
function TextSummaryLine({ summary }: { summary: TextSummary }) {
  return (
    <p
      className="muted small"
      data-testid="text-summary"
      data-vocab={summary.vocabSize}
      data-truncated={summary.truncated}
      data-mean-tokens={attrNumber(summary.meanTokens)}
      data-tokenizer-ms={Math.round(summary.tokenizerMs)}
    >
      Subword tokenizer (BPE) learned from the training texts in {Math.round(summary.tokenizerMs)} ms:{' '}
      {summary.vocabSize.toLocaleString('en-US')} tokens, Unicode NFKC{summary.lowercase ? ', lower-cased' : ''}. Texts
      average {summary.meanTokens.toFixed(1)} tokens; {summary.truncated.toLocaleString('en-US')} (
      {fmtPercent(summary.truncated / Math.max(1, summary.texts))}) cut at {summary.maxLength}. Other columns are not
      used with a text input.
    </p>
  );
}
