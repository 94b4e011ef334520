import { useEffect, useState, type DragEvent } from 'react';
import { isRunActive } from '../shared/runState';
import { loadFiles, openStudio } from './actions';
import { filesFromDrop } from './dropFiles';
import { Alerts } from './components/Alerts';
import { BackendNotice } from './components/BackendNotice';
import { CheckpointList } from './components/CheckpointList';
import { DataPanel } from './components/DataPanel';
import { Diagnostics } from './components/Diagnostics';
import { ErrorBoundary } from './components/ErrorBoundary';
import { LossChart } from './components/LossChart';
import { ModelPanel } from './components/ModelPanel';
import { ModelUsePanel } from './components/ModelUsePanel';
import { PretrainView } from './components/PretrainView';
import { ProbeChart } from './components/ProbeChart';
import { PseudoLabelChart } from './components/PseudoLabelChart';
import { ResultsPanel } from './components/ResultsPanel';
import { RunControls } from './components/RunControls';
import { RunDetails } from './components/RunDetails';
import { RunList } from './components/RunList';
import { SettingsPanel } from './components/SettingsPanel';
import { StatusBar } from './components/StatusBar';
import { SweepPanel } from './components/SweepPanel';
import { useStudio } from './store';

const FLOW = [
  { href: '#data', label: 'Data' },
  { href: '#model', label: 'Model' },
  { href: '#train-settings', label: 'Train' },
  { href: '#evaluate', label: 'Evaluate' },
  { href: '#use', label: 'Use' },
  { href: '#runs', label: 'Runs' },
];

export function App() {
  useEffect(() => {
    // The last visit's dataset comes back; the first visit opens with real digits ready.
    // `?dataset=iris` (or mnist, spam) opens with that built-in instead.
    const wanted = new URLSearchParams(location.search).get('dataset');
    const forced = wanted === 'mnist' || wanted === 'iris' || wanted === 'spam';
    openStudio(forced ? wanted : 'mnist', forced);
  }, []);
  const runState = useStudio((s) => s.run.state);
  const [dragging, setDragging] = useState(false);
  const canDrop = !isRunActive(runState);

  const onDrop = (e: DragEvent) => {
    // A panel below took the drop (an image for the inference panel): nothing to load.
    const taken = e.defaultPrevented;
    e.preventDefault();
    setDragging(false);
    if (taken) return;
    if (!canDrop) {
      useStudio.getState().pushAlert('Stop the current run before loading other data.');
      return;
    }
    // A load in flight is superseded: the newest choice wins.
    void filesFromDrop(e.dataTransfer).then(({ files, paths }) => {
      if (files.length) void loadFiles(files, {}, paths);
    });
  };

  return (
    <div
      className="app"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
      onDrop={onDrop}
    >
      {dragging && <div className="drop-overlay">Drop a CSV, a zip of class folders, or images</div>}
      <TopBar />
      <main className="layout">
        <aside className="setup" aria-label="Setup">
          <ErrorBoundary name="setup panels">
            <DataPanel />
            <ModelPanel />
            <SettingsPanel />
            <CheckpointList />
          </ErrorBoundary>
        </aside>
        <section className="live" aria-label="Live run" data-run-state={runState}>
          <ErrorBoundary name="live run">
            <div className="panel run-panel">
              <RunControls />
              <BackendNotice />
              <LossChart />
              <ProbeChart />
              <PseudoLabelChart />
              <RunDetails />
            </div>
            <PretrainView />
            <ResultsPanel />
            <SweepPanel />
            <ModelUsePanel />
            <RunList />
            <Diagnostics />
          </ErrorBoundary>
        </section>
      </main>
      <Alerts />
    </div>
  );
}

/** The brand, the flow through the panels, and the status of the run and backend. */
function TopBar() {
  return (
    <header className="topbar">
      <div className="brand">
        <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
          <rect width="32" height="32" rx="7" fill="var(--accent)" />
          <path
            d="M6 22 L12 14 L17 18 L26 8"
            stroke="#fff"
            strokeWidth="3"
            fill="none"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        <h1>Pretrain Studio</h1>
      </div>
      <nav aria-label="Flow" className="flow">
        {FLOW.map((f, i) => (
          <a key={f.href} href={f.href}>
            <span className="step-no">{i + 1}</span>
            {f.label}
          </a>
        ))}
      </nav>
      <StatusBar />
    </header>
  );
}
