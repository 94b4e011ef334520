import { LIMITS_TEXT } from '../../shared/limits';
import { useStudio } from '../store';
import { DataSource } from './data/DataSource';
import { DatasetSummaryView } from './data/DatasetSummaryView';
import { LoadingProgress } from './data/LoadingProgress';
import { Empty, Panel } from './Panel';

/** The Data panel: where the data comes from, its loading, and what was loaded. */
export function DataPanel() {
  const loading = useStudio((s) => s.datasetLoading);
  const empty = useStudio((s) => !s.dataset);
  return (
    <Panel id="data" step={1} title="Data">
      <DataSource />
      <p className="hint">
        CSV/TSV with a header row (a column of text is read as text), a .zip with one folder per class (of images, or of
        .txt files), images (unlabeled), or a .txt file with one text per line (unlabeled, for pretraining). Or drop
        them anywhere on the page. {LIMITS_TEXT}.
      </p>
      <LoadingProgress />
      {empty && !loading && (
        <Empty>Choose a built-in dataset or bring your own. MNIST trains the reference model out of the box.</Empty>
      )}
      <DatasetSummaryView />
    </Panel>
  );
}
