import { PCA } from 'ml-pca';

/** 2-D projection of row vectors (principal components 1 and 2) and their explained variance. */
export function project2d(rows: number[][]): { x: number[]; y: number[]; explained: number[] } {
  if (rows.length < 3 || rows[0]!.length < 2)
    return { x: rows.map((r) => r[0] ?? 0), y: rows.map(() => 0), explained: [1, 0] };
  const pca = new PCA(rows, { center: true, scale: false });
  const projected = pca.predict(rows, { nComponents: 2 }).to2DArray();
  const explained = pca.getExplainedVariance();
  return {
    x: projected.map((p) => p[0]!),
    y: projected.map((p) => p[1] ?? 0),
    explained: [explained[0] ?? 0, explained[1] ?? 0],
  };
}
