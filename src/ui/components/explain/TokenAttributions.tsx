import { attrNumber } from '../../format';

/** A token's tint: green where it pushed toward the class explained, red where it pushed away. */
function tint(weight: number, max: number): string {
  const a = max > 0 ? Math.min(1, Math.abs(weight) / max) * 0.6 : 0;
  return weight >= 0 ? `rgba(22, 163, 74, ${a})` : `rgba(220, 38, 38, ${a})`;
}

/** The text as the model read it, each token tinted by its weight ("▁" starts a word). */
export function TokenAttributions({ tokens, label }: { tokens: { token: string; weight: number }[]; label: string }) {
  const max = Math.max(0, ...tokens.map((t) => Math.abs(t.weight)));
  let top = -1;
  tokens.forEach((t, i) => {
    if (top < 0 || t.weight > tokens[top]!.weight) top = i;
  });
  return (
    <p
      className="token-attributions"
      data-testid="token-attributions"
      data-top={top >= 0 ? tokens[top]!.token.replace(/^▁/, '') : ''}
      aria-label={label}
    >
      {tokens.map((t, i) => (
        <span
          key={i}
          data-testid="token"
          data-weight={attrNumber(t.weight)}
          title={`${t.weight >= 0 ? '+' : ''}${t.weight.toFixed(3)}`}
          style={{ background: tint(t.weight, max) }}
        >
          {t.token.startsWith('▁') ? ` ${t.token.slice(1)}` : t.token}
        </span>
      ))}
    </p>
  );
}
