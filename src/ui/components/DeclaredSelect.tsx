/** The list of a registry's entries (the objectives, the fine-tuning methods) by their labels. */
export function DeclaredSelect<Id extends string>({
  label,
  testId,
  value,
  entries,
  locked,
  onChange,
}: {
  label: string;
  testId: string;
  value: Id;
  /** The entries to offer, in the list's order, each with its label. */
  entries: { id: Id; label: string }[];
  locked: boolean;
  onChange: (id: Id) => void;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <select data-testid={testId} value={value} disabled={locked} onChange={(e) => onChange(e.target.value as Id)}>
        {entries.map((e) => (
          <option key={e.id} value={e.id}>
            {e.label}
          </option>
        ))}
      </select>
    </label>
  );
}
