import { useStudio } from '../store';

/** Which backend really runs and why; a fallback is also raised as an alert by the store. */
export function BackendNotice() {
  const info = useStudio((s) => s.run.backend);
  if (!info) return null;
  return (
    <p className={info.fellBack ? 'notice warn' : 'notice'} data-testid="backend-reason">
      {info.reason}
    </p>
  );
}
