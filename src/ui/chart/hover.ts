import { useCallback, useState } from 'react';

/**
 * Whether the pointer has been over the chart: its recharts Tooltip mounts then. A Tooltip
 * subscribes to the chart's store and synchronises events on every redraw, about a third of an
 * idle chart's mount and updates; most charts are watched, not pointed at.
 */
export function useHovered(): [boolean, () => void] {
  const [hovered, setHovered] = useState(false);
  return [hovered, useCallback(() => setHovered(true), [])];
}
