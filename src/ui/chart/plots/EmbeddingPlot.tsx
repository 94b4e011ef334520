import { memo } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtNumber } from '../../format';
import { GRID, TOOLTIP_STYLE } from '../style';
import { useHovered } from '../hover';
import { TICK_10 } from '../tick';

const PALETTE = [
  '#4f46e5',
  '#d97706',
  '#059669',
  '#db2777',
  '#0891b2',
  '#65a30d',
  '#7c3aed',
  '#dc2626',
  '#475569',
  '#ca8a04',
];

export interface EmbeddingPlotProps {
  groups: [number, { x: number; y: number }[]][];
  classNames: string[];
}

/** Encoder outputs in 2-D, coloured by label (recharts): see PretrainView. */
export default memo(function EmbeddingPlot({ groups, classNames }: EmbeddingPlotProps) {
  const [hovered, onHover] = useHovered();
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ScatterChart onMouseEnter={onHover} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
        <CartesianGrid {...GRID} />
        <XAxis
          interval={0}
          dataKey="x"
          type="number"
          name="PC1"
          tick={TICK_10}
          tickFormatter={(v: number) => fmtNumber(v, 2)}
        />
        <YAxis
          interval={0}
          dataKey="y"
          type="number"
          name="PC2"
          tick={TICK_10}
          tickFormatter={(v: number) => fmtNumber(v, 2)}
          width={40}
        />
        {hovered && <Tooltip contentStyle={TOOLTIP_STYLE} />}
        {groups.map(([label, points]) => (
          <Scatter
            key={label}
            name={label < 0 ? 'rows' : (classNames[label] ?? String(label))}
            data={points}
            fill={label < 0 ? 'var(--accent)' : PALETTE[label % PALETTE.length]}
            isAnimationActive={false}
            shape="circle"
            legendType="circle"
          />
        ))}
      </ScatterChart>
    </ResponsiveContainer>
  );
});
