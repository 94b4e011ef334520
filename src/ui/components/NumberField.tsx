import { useEffect, useState } from 'react';
import { useStudio } from '../store';

/**
 * A numeric input that lets the user type freely and commits only valid values; an invalid entry
 * is marked and explained instead of being silently replaced.
 */
export function NumberField(props: {
  testId: string;
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number | 'any';
  integer?: boolean;
  disabled?: boolean;
  hint?: string;
  onChange: (v: number) => void;
  /** "blur": apply on leaving the field or Enter (for values that take a round trip to apply). */
  commit?: 'change' | 'blur';
}) {
  const [text, setText] = useState(String(props.value));
  const [shown, setShown] = useState(props.value);
  const [editing, setEditing] = useState(false);
  if (props.value !== shown && !editing) {
    // The value changed from outside (not by typing): show it.
    setShown(props.value);
    setText(String(props.value));
  }
  const valid = isValid(text, props);
  const setInvalid = useStudio((s) => s.setFieldInvalid);
  useEffect(() => {
    setInvalid(props.testId, !valid);
    return () => setInvalid(props.testId, false); // a field that goes away blocks nothing
  }, [setInvalid, props.testId, valid]);
  const apply = (value: string) => {
    if (!isValid(value, props)) return;
    const n = Number(value);
    setShown(n);
    if (n !== props.value) props.onChange(n);
  };
  const hintId = `${props.testId}-hint`;
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        data-testid={props.testId}
        type="number"
        inputMode="decimal"
        value={text}
        min={props.min}
        max={props.max}
        step={props.step ?? (props.integer ? 1 : 'any')}
        disabled={props.disabled}
        aria-invalid={!valid}
        aria-describedby={hintId}
        onFocus={() => setEditing(true)}
        onBlur={() => {
          setEditing(false);
          if (props.commit === 'blur') apply(text);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && props.commit === 'blur') apply(text);
        }}
        onChange={(e) => {
          setText(e.target.value);
          if (props.commit !== 'blur') apply(e.target.value);
        }}
      />
      <small id={hintId} className={valid ? 'hint' : 'hint invalid'}>
        {valid ? props.hint : `Use ${props.integer ? 'a whole number' : 'a number'} from ${props.min} to ${props.max}.`}
      </small>
    </label>
  );
}

function isValid(text: string, p: { min: number; max: number; integer?: boolean }): boolean {
  const v = Number(text);
  return text.trim() !== '' && Number.isFinite(v) && v >= p.min && v <= p.max && (!p.integer || Number.isInteger(v));
}
