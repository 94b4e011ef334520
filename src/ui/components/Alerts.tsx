import { useStudio } from '../store';

/** Everything that went wrong, in words a user can act on; each can be dismissed or acted on. */
export function Alerts() {
  const alerts = useStudio((s) => s.alerts);
  const dismiss = useStudio((s) => s.dismissAlert);
  if (!alerts.length) return null;
  return (
    <div className="alerts">
      {alerts.map((a) => (
        <div key={a.id} role="alert" className="alert" data-kind={a.kind}>
          <span>{a.message}</span>
          {a.action && (
            <button
              className="alert-action"
              onClick={() => {
                dismiss(a.id);
                a.action!.perform();
              }}
            >
              {a.action.label}
            </button>
          )}
          <button className="ghost" aria-label="Dismiss" onClick={() => dismiss(a.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
