// Axis labels as plain SVG text. recharts draws each label with its <Text>, which measures the
// label's words in the DOM (for wrapping) on every redraw: most of a live chart's redraw time on a
// slow machine. The labels here never wrap, so nothing needs measuring.

/** What recharts hands a tick function (loosely: its X and Y axes type these differently). */
interface TickProps {
  x?: number | string;
  y?: number | string;
  index?: number;
  payload?: { value?: unknown };
  textAnchor?: string;
  verticalAnchor?: string;
  tickFormatter?: unknown;
  className?: string;
}

/** recharts' <Text> offsets: a label hangs below its anchor ('start'), is centred, or sits on it. */
const DY = { start: '0.71em', middle: '0.355em', end: '0' } as const;

/** The text of one tick: the axis's tickFormatter when it has one. */
export function tickText(props: TickProps): string {
  const value = props.payload?.value;
  const format = props.tickFormatter as ((value: unknown, index: number) => unknown) | undefined;
  return String(format ? format(value, props.index ?? 0) : (value ?? ''));
}

function plainTick(fontSize: number) {
  return function PlainTick(props: TickProps) {
    return (
      <text
        x={props.x}
        y={props.y}
        dy={DY[(props.verticalAnchor ?? 'end') as keyof typeof DY] ?? '0'}
        textAnchor={props.textAnchor as 'start' | 'middle' | 'end' | undefined}
        fontSize={fontSize}
        fill="var(--muted)"
        className={props.className}
      >
        {tickText(props)}
      </text>
    );
  };
}

export const TICK_11 = plainTick(11);
export const TICK_10 = plainTick(10);
