import { useEffect, useState } from 'react';
import { useStudio } from '../store';

/**
 * A list of whole numbers typed as "64" or "16, 32, 64" (layer sizes, filters per block). Only a
 * valid list is applied; an invalid one is marked and explained, and blocks Start until fixed.
 */
export function ListField(props: {
  testId: string;
  label: string;
  value: number[];
  disabled: boolean;
  /** Allowed count (min 0 allows an empty list) and largest value. */
  count: [number, number];
  maxValue: number;
  placeholder?: string;
  hint: string;
  invalidHint: string;
  onChange: (values: number[]) => void;
}) {
  const { testId, count, maxValue } = props;
  const [text, setText] = useState(props.value.join(', '));
  const parse = (t: string) =>
    t
      .split(/[,\s]+/)
      .filter(Boolean)
      .map(Number);
  const ok = (w: number[]) =>
    w.length >= count[0] && w.length <= count[1] && w.every((v) => Number.isInteger(v) && v >= 1 && v <= maxValue);
  const valid = ok(parse(text));
  const setInvalid = useStudio((s) => s.setFieldInvalid);
  useEffect(() => {
    setInvalid(testId, !valid);
    return () => setInvalid(testId, false);
  }, [setInvalid, testId, valid]);
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        data-testid={testId}
        value={text}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-invalid={!valid}
        onChange={(e) => {
          setText(e.target.value);
          const w = parse(e.target.value);
          if (ok(w)) props.onChange(w);
        }}
      />
      <small className={valid ? 'hint' : 'hint invalid'}>{valid ? props.hint : props.invalidHint}</small>
    </label>
  );
}
