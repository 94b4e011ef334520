import { useEffect, useState } from 'react';

/**
 * A chart mounted in steps: the stage counts from 0 up to `count`, one step per frame, each in a
 * task of its own. Mounted whole, a recharts chart is one long main-thread task (~60 ms here):
 * every axis, grid and line registers itself in the chart's store as it mounts, and each
 * registration re-renders the chart synchronously. Steps keep each task short; later redraws are
 * updates and need none. A hidden tab draws no frames, so the steps wait until it is shown.
 */
export function useMountStages(count: number): number {
  const [stage, setStage] = useState(0);
  useEffect(() => {
    if (stage >= count) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // After the frame that painted this stage, a new task: not the one that committed it.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setStage((s) => s + 1), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [stage, count]);
  return stage;
}
